import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FLEET_SET, MAX_WAVES, RUNNER_SET, SECRET_INPUTS, WORKFLOW_ONLY as FLEET_ONLY, planFleet } from '../../fleet/plan.mjs';
import { workflowInputs } from '../../test-support/fleet.mjs';

type Map = Record<string, unknown>;
interface Step { uses?: string; run?: string; with?: Map; id?: string }
interface Job { uses?: string; with?: Map; secrets?: Map; permissions?: Map; environment?: unknown; outputs?: Record<string, string>; steps?: Step[]; needs?: string | string[]; if?: string; strategy?: Map; 'runs-on'?: unknown }
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
const REUSABLE = /^[\w.-]+\/blue-green-action\/\.github\/workflows\/blue-green(-fleet)?\.yml@/;
const FLEET = /\/blue-green-fleet\.yml@/;
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
    expect(names).toEqual(expect.arrayContaining(['docs/examples/fleet-aws-alb-regions.yml', 'docs/examples/fleet-kubernetes-clusters.yml']));
  });

  it('fleet examples (files and README) give targets the fleet plan accepts', () => {
    const callers = all.flatMap(([name, doc]) => Object.values(doc.jobs ?? {}).filter((j) => j.uses && FLEET.test(j.uses)).map((job) => [name, job] as const));
    expect(callers.length).toBeGreaterThanOrEqual(3);
    for (const [name, job] of callers) {
      {
        const given = job.with as Record<string, string>;
        const p = planFleet({ targets: given.targets, waves: given.waves ?? '1, 25%, 100%', approvals: given.approvals ?? '', policy: given.policy ?? 'all-or-nothing', version: 'v1', inputs: workflowInputs(given) });
        expect(p.targets.length, name).toBeGreaterThan(1);
        expect(p.waves.length, name).toBeGreaterThan(1);
      }
    }
  });

  it('are whole workflows that call the reusable workflow with declared inputs and secrets only', () => {
    for (const [name, doc] of all) {
      expect(doc.on, name).toBeTruthy();
      for (const [id, job] of Object.entries(doc.jobs ?? {})) {
        const where = `${name}: ${id}`;
        if (job.uses && REUSABLE.test(job.uses)) {
          expect(job.uses, `${where} pins a commit`).toMatch(SHA_PIN);
          const declared = FLEET.test(job.uses) ? fleetCall.inputs : call.inputs;
          for (const key of Object.keys(job.with ?? {})) expect(Object.keys(declared), `${where} with: ${key}`).toContain(key);
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

const fleet = parse(readFileSync('.github/workflows/blue-green-fleet.yml', 'utf8')) as Workflow;
const fleetCall = (fleet.on as { workflow_call: Call }).workflow_call;
const fleetJobs = fleet.jobs ?? {};
const fleetAction = parse(readFileSync('fleet/action.yml', 'utf8')) as { inputs: Map; outputs: Map };
/** Action inputs the fleet passes through per target: every one but the fleet's, the runner's and the credentials. */
const fleetPassThrough = Object.keys(action.inputs).filter((name) => !(name in FLEET_SET) && !RUNNER_SET.includes(name) && !SECRET_INPUTS.includes(name));
const fleetActionJobs = Object.entries(fleetJobs).filter(([, job]) => actionStep(job));
const waves = Array.from({ length: MAX_WAVES }, (_, i) => `wave-${i + 1}`);

describe('the fleet workflow and action.yml', () => {
  it('takes the action inputs common to every target, under the same names and defaults, and its own', () => {
    expect(RUNNER_SET).toEqual(Object.keys(NOT_INPUTS));
    expect(SECRET_INPUTS).toEqual(SECRETS);
    for (const name of Object.keys(FLEET_SET)) expect(Object.keys(action.inputs)).toContain(name);
    expect(Object.keys(fleetCall.inputs).sort()).toEqual([...fleetPassThrough, ...FLEET_ONLY, 'version'].sort());
    for (const name of fleetPassThrough) {
      if (name === 'router') expect(fleetCall.inputs.router.required).toBe(true);
      else expect(String(fleetCall.inputs[name].default), name).toBe(action.inputs[name].default);
    }
    expect(fleetCall.inputs.version.default).toBe('');
    expect(fleetCall.inputs.targets.required).toBe(true);
    expect(Object.keys(fleetCall.secrets).sort()).toEqual([...SECRETS].sort());
    for (const name of Object.keys(fleetCall.inputs)) expect(name).not.toMatch(/token|password|secret|kubeconfig|headers|credential/);
  });

  it('gives each target exactly the pass-through inputs, merged, through its matrix entry', () => {
    // Every input given: the plan's entry for a target has every pass-through input, and nothing else.
    const given = Object.fromEntries(fleetPassThrough.map((name) => [name, 'x']));
    const planned = planFleet({ targets: '[{"name": "a", "environment": "e"}, {"name": "b", "environment": "e", "with": {"service": "b"}}]', waves: '1, 100%', approvals: '', policy: 'all-or-nothing', version: 'v1', inputs: workflowInputs(given) });
    expect(Object.keys(planned.targets[0].with).sort()).toEqual([...fleetPassThrough].sort());
    expect(planned.targets[1].with.service).toBe('b');
    expect(Object.keys(planned.targets[0].secrets).sort()).toEqual([...SECRETS].sort());
  });

  it('runs the action in every wave and in the undo with each target\'s inputs and secrets, deploy then rollback only-if-version', () => {
    expect(fleetActionJobs.map(([id]) => id).sort()).toEqual([...waves, 'undo'].sort());
    for (const [id, job] of fleetActionJobs) {
      const expected: Map = { mode: id === 'undo' ? 'rollback' : 'deploy', version: '${{ needs.plan.outputs.version }}' };
      if (id === 'undo') expected['only-if-version'] = '${{ needs.plan.outputs.version }}';
      for (const name of fleetPassThrough) expected[name] = `\${{ matrix.target.with.${name} }}`;
      for (const name of SECRETS) expected[name] = `\${{ secrets[matrix.target.secrets.${name}] }}`;
      expect(actionStep(job)?.with, id).toEqual(expected);
      expect(job.permissions, id).toEqual({ contents: 'read', deployments: 'write', 'id-token': 'write' });
      expect(job.environment, id).toBe('${{ matrix.target.environment }}');
      expect(job['runs-on'], id).toBe('${{ matrix.target.runs-on }}');
      expect(job.strategy?.['fail-fast'], id).toBe(false);
      const record = (job.steps ?? []).find((step) => step.id === 'record');
      expect(record?.with, id).toMatchObject({ step: 'record', phase: id === 'undo' ? 'undo' : 'release', outputs: '${{ toJSON(steps.bg.outputs) }}', target: '${{ matrix.target.name }}' });
    }
  });

  it('starts each wave only after the one before it succeeded (and its approval, when asked), at most max-parallel at once', () => {
    for (const [i, id] of waves.entries()) {
      const job = fleetJobs[id];
      expect(job.strategy, id).toEqual({ 'fail-fast': false, 'max-parallel': '${{ inputs.max-parallel }}', matrix: `\${{ fromJSON(needs.plan.outputs.${id}) }}` });
      expect(job.needs, id).toEqual(i === 0 ? ['plan', 'approval-1'] : ['plan', `wave-${i}`, `approval-${i + 1}`]);
      expect(job.if, id).toContain(i === 0 ? "needs.plan.result == 'success'" : `needs.wave-${i}.result == 'success'`);
      expect(job.if, id).toContain(`needs.plan.outputs.${id} != ''`);
      expect(job.if, id).toMatch(/^\$\{\{ !cancelled\(\) && /);
      expect(fleetJobs[`approval-${i + 1}`].environment).toBe(`\${{ needs.plan.outputs.approval-${i + 1} }}`);
      expect(fleetJobs.plan.outputs?.[id]).toBe(`\${{ steps.plan.outputs.${id} }}`);
    }
    expect(fleetJobs['wave-6']).toBeUndefined();
    expect(fleetJobs['undo-plan'].if).toContain("inputs.policy == 'all-or-nothing'");
    expect(fleetJobs.undo.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.undo-plan.outputs.matrix) }}' });
  });

  it('passes the fleet steps only inputs they declare, and every job result the undo plan and summary read', () => {
    for (const [id, job] of Object.entries(fleetJobs)) {
      for (const step of (job.steps ?? []).filter((s) => s.uses === './.blue-green-action/fleet')) {
        for (const key of Object.keys(step.with ?? {})) expect(Object.keys(fleetAction.inputs), `${id}: ${key}`).toContain(key);
      }
    }
    for (const id of ['undo-plan', 'summary']) {
      const step = (fleetJobs[id].steps ?? []).find((s) => s.uses === './.blue-green-action/fleet');
      const results = JSON.parse(String(step?.with?.jobs).replace(/\$\{\{ needs\.([\w-]+)\.result \}\}/g, '$1'));
      for (const [key, value] of Object.entries(results)) expect(value, id).toBe(key);
      for (const key of Object.keys(results)) expect(fleetJobs[id].needs, id).toContain(key);
      expect(Object.keys(results), id).toEqual(expect.arrayContaining([...waves, ...waves.map((w) => w.replace('wave', 'approval'))]));
    }
  });

  it('maps the fleet verdict to the workflow outputs, from the summary', () => {
    const summaryOutputs = ['result', 'reason', 'promoted', 'rolled-back', 'left-alone', 'failed', 'not-started', 'rows'];
    expect(Object.keys(fleetCall.outputs)).toEqual(summaryOutputs);
    for (const name of summaryOutputs) {
      expect(fleetCall.outputs[name].value).toBe(`\${{ jobs.summary.outputs.${name} }}`);
      expect(fleetJobs.summary.outputs?.[name]).toBe(`\${{ steps.summary.outputs.${name} }}`);
      expect(Object.keys(fleetAction.outputs)).toContain(name);
    }
    expect(fleetJobs.summary.if).toBe("${{ always() && needs.plan.result == 'success' }}");
  });

  it('asks for the least permissions, pins what it uses, and checks the action out at its own commit', () => {
    expect(fleet.permissions).toEqual({});
    expect(fleet.concurrency?.['cancel-in-progress']).toBe(false);
    for (const [id, job] of Object.entries(fleetJobs)) {
      if (!fleetActionJobs.some(([actionJob]) => actionJob === id)) expect(job.permissions, id).toEqual(id.startsWith('approval-') ? {} : { contents: 'read' });
      for (const step of job.steps ?? []) if (step.uses && !step.uses.startsWith('./')) expect(step.uses, id).toMatch(SHA_PIN);
      const checkout = (job.steps ?? []).find((step) => step.with?.path === '.blue-green-action');
      if (id.startsWith('approval-')) continue;
      expect(checkout?.with, id).toMatchObject({ repository: '${{ job.workflow_repository }}', ref: '${{ job.workflow_sha }}', 'persist-credentials': false });
      expect(String(checkout?.with?.['sparse-checkout']), id).toContain('fleet');
    }
  });
});
