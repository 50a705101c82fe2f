import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Map = Record<string, unknown>;
interface Step { uses?: string; run?: string; with?: Map; id?: string }
interface Job { uses?: string; with?: Map; secrets?: Map; permissions?: Map; environment?: unknown; outputs?: Record<string, string>; steps?: Step[] }
interface Workflow { on?: unknown; jobs?: Record<string, Job>; permissions?: Map; concurrency?: { group: string; 'cancel-in-progress': boolean } }
interface Call { inputs: Record<string, { type: string; default?: unknown; required?: boolean }>; secrets: Record<string, unknown>; outputs: Record<string, { value: string }> }

const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string; required?: boolean }>; outputs: Map };
const workflow = parse(readFileSync('.github/workflows/blue-green.yml', 'utf8')) as Workflow;
const call = (workflow.on as { workflow_call: Call }).workflow_call;
const jobs = workflow.jobs ?? {};

/** Action inputs a caller of the workflow cannot set, and why. */
const NOT_INPUTS = {
  'github-token': 'each job passes its own token, scoped by the job permissions',
  'job-status': 'filled in by the runner for the post step',
  'job-index': 'filled in by the runner; names the lock holder',
};
/** Action inputs that are credentials: workflow secrets, never inputs (inputs show in logs and the event). */
const SECRETS = ['kubeconfig', 'smoke-headers', 'prometheus-headers'];
/** Inputs of the workflow itself, not of the action. */
const WORKFLOW_ONLY = ['approval-environment', 'aws-role-to-assume', 'runs-on', 'timeout-minutes', 'checkout'];

const passThrough = Object.keys(action.inputs).filter((name) => !(name in NOT_INPUTS) && !SECRETS.includes(name));
const SHA_PIN = /@[0-9a-f]{40}$/;
const REUSABLE = /^[\w.-]+\/blue-green-action\/\.github\/workflows\/blue-green\.yml@/;
const ACTION = /^[\w.-]+\/blue-green-action@/;

const actionStep = (job: Job) => (job.steps ?? []).find((step) => step.uses === './.blue-green-action');
const actionJobs = Object.entries(jobs).filter(([, job]) => actionStep(job));

describe('the reusable workflow and action.yml', () => {
  it('takes every action input a caller may set, under the same name and with the same default', () => {
    expect(Object.keys(call.inputs).sort()).toEqual([...passThrough, ...WORKFLOW_ONLY].sort());
    expect(call.inputs.router.required).toBe(true);
    for (const name of passThrough) {
      if (name === 'router') continue;
      // version: empty here, the caller's SHA in the step, as the action's `${{ github.sha }}` default.
      const expected = name === 'version' ? '' : action.inputs[name].default;
      expect(String(call.inputs[name].default), name).toBe(expected);
    }
  });

  it('declares credentials as secrets, not inputs', () => {
    expect(Object.keys(call.secrets).sort()).toEqual([...SECRETS].sort());
    for (const name of Object.keys(call.inputs)) expect(name).not.toMatch(/token|password|secret|kubeconfig|headers|credential/);
  });

  it('passes every input through to the action in each job that runs it', () => {
    expect(actionJobs.map(([id]) => id).sort()).toEqual(['promote', 'release', 'stage']);
    for (const [id, job] of actionJobs) {
      const given = actionStep(job)?.with ?? {};
      const expected: Map = {};
      for (const name of passThrough) expected[name] = `\${{ inputs.${name} }}`;
      for (const name of SECRETS) expected[name] = `\${{ secrets.${name} }}`;
      expected.version = '${{ inputs.version || github.sha }}';
      if (id !== 'release') expected.mode = id; // the approval path: stage, then promote
      // The stage job writes no deployment record: the job that moves traffic does.
      if (id === 'stage') for (const name of ['environment', 'environment-url']) delete expected[name];
      expect(given, id).toEqual(expected);
    }
  });

  it('runs the action from this repository at the workflow\'s own commit', () => {
    for (const [id, job] of actionJobs) {
      const checkout = (job.steps ?? []).find((step) => step.with?.path === '.blue-green-action');
      expect(checkout?.with, id).toMatchObject({ repository: '${{ job.workflow_repository }}', ref: '${{ job.workflow_sha }}', 'persist-credentials': false });
      for (const step of job.steps ?? []) if (step.uses && !step.uses.startsWith('./')) expect(step.uses, id).toMatch(/@[0-9a-f]{40}$/);
    }
  });

  it('maps every action output, from whichever job ran', () => {
    expect(Object.keys(call.outputs).sort()).toEqual(Object.keys(action.outputs).sort());
    for (const [id, job] of actionJobs) {
      const expected = Object.fromEntries(Object.keys(action.outputs).map((name) => [name, `\${{ steps.bg.outputs.${name} }}`]));
      expect(job.outputs, id).toEqual(expected);
    }
    for (const [name, output] of Object.entries(call.outputs)) {
      for (const id of ['release', 'promote', 'stage']) expect(output.value).toContain(`jobs.${id}.outputs.${name}`);
    }
  });

  it('asks for the least permissions, and never runs two releases of one router at once', () => {
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of actionJobs) {
      const writesRecord = 'environment' in (actionStep(job)?.with ?? {});
      expect(job.permissions, id).toEqual({ contents: 'read', 'id-token': 'write', ...(writesRecord ? { deployments: 'write' } : {}) });
    }
    expect(jobs.promote.environment).toBe('${{ inputs.approval-environment }}');
    expect(workflow.concurrency?.group).toMatch(/inputs\.environment.*inputs\.router/);
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
  });
});

/** Every example file, and every README block that is a whole workflow. */
function examples(): [string, Workflow][] {
  const files = readdirSync('docs/examples').filter((name) => name.endsWith('.yml')).map((name) => `docs/examples/${name}`);
  const found: [string, Workflow][] = files.map((file) => [file, parse(readFileSync(file, 'utf8')) as Workflow]);
  const readme = readFileSync('README.md', 'utf8');
  for (const match of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const doc = parse(match[1]) as Workflow | null;
    if (doc?.on && doc.jobs) found.push([`README.md block at offset ${match.index}`, doc]);
  }
  return found;
}

describe('pinned actions (CONTRIBUTING.md, "Pinning actions")', () => {
  const files = [
    ...readdirSync('.github/workflows').filter((name) => name.endsWith('.yml')).map((name) => `.github/workflows/${name}`),
    ...readdirSync('docs/examples').filter((name) => name.endsWith('.yml')).map((name) => `docs/examples/${name}`),
    'README.md',
  ];

  it('name a full commit SHA and, in a comment, the release it is, wherever a workflow or example uses another repository', () => {
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // In the README, only its YAML blocks; a comment line is prose, not a step.
      const yaml = file.endsWith('.md') ? [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n') : text;
      for (const line of yaml.split('\n')) {
        const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!uses || uses[1].startsWith('./')) continue;
        checked++;
        expect(`${uses[1]}${uses[2]}`, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('show this action at the version in package.json', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/OWNER\/blue-green-action\S*@[0-9a-f]{40} # (v\S+)/g)) expect(match[1], file).toBe(`v${version}`);
    }
  });
});

describe('example workflows', () => {
  const all = examples();
  const granted = (job: Job) => job.permissions ?? {};

  it('cover every router, the action as a step, and the database expand/contract release', () => {
    const files = all.filter(([name]) => name.startsWith('docs/'));
    const routers = files.flatMap(([, doc]) => Object.values(doc.jobs ?? {}).map((job) => job.with?.router)).filter(Boolean);
    expect(new Set(routers)).toEqual(new Set(['kubernetes', 'aws-alb', 'nginx', 'haproxy', 'command']));
    const names = files.map(([name]) => name);
    expect(names).toContain('docs/examples/direct-step.yml');
    expect(names).toContain('docs/examples/database-expand-contract.yml');
  });

  it('are whole workflows that call the reusable workflow with declared inputs and secrets only', () => {
    for (const [name, doc] of all) {
      expect(doc.on, name).toBeTruthy();
      for (const [id, job] of Object.entries(doc.jobs ?? {})) {
        const where = `${name}: ${id}`;
        if (job.uses && REUSABLE.test(job.uses)) {
          expect(job.uses, `${where} pins a commit`).toMatch(SHA_PIN);
          for (const key of Object.keys(job.with ?? {})) expect(Object.keys(call.inputs), `${where} with: ${key}`).toContain(key);
          for (const key of Object.keys(job.secrets ?? {})) expect(SECRETS, `${where} secrets: ${key}`).toContain(key);
          expect(job.with?.router, where).toBeTruthy();
          // GitHub refuses to start a called workflow whose jobs ask for more than the caller granted.
          expect(granted(job), where).toEqual({ contents: 'read', deployments: 'write', 'id-token': 'write' });
        }
        for (const step of job.steps ?? []) {
          if (step.uses && ACTION.test(step.uses)) {
            expect(step.uses, `${where} pins a commit`).toMatch(SHA_PIN);
            for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), `${where} with: ${key}`).toContain(key);
          }
          expect(String(step.run ?? ''), `${where}: outputs reach scripts through env:`).not.toContain('${{');
        }
      }
    }
  });

  it('contract the database only after a promotion', () => {
    const doc = all.find(([name]) => name.endsWith('database-expand-contract.yml'))?.[1];
    const release = doc?.jobs?.release;
    const steps = release?.steps ?? [];
    const expand = steps.findIndex((step) => /expand/i.test(String(step.run ?? '')));
    const bg = steps.findIndex((step) => ACTION.test(step.uses ?? ''));
    expect(expand).toBeGreaterThanOrEqual(0);
    expect(expand).toBeLessThan(bg);
    expect(doc?.jobs?.contract).toMatchObject({ needs: 'release', if: "needs.release.outputs.result == 'promoted'" });
  });
});
