import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError, planFleet, waveSizes } from '../../fleet/plan.mjs';
import { recordOf } from '../../fleet/record.mjs';
import { markdown, summarize, undoPlan, whyStopped } from '../../fleet/verdict.mjs';
import { runFleetStep, workflowInputs } from '../../test-support/fleet.mjs';

const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `t${i + 1}`, environment: `env-${i + 1}` }));
const plan = (over: Partial<Parameters<typeof planFleet>[0]> = {}) =>
  planFleet({ targets: JSON.stringify(names(4)), waves: '1, 25%, 100%', approvals: '', policy: 'all-or-nothing', version: 'v2', inputs: workflowInputs({ router: 'nginx' }), ...over });
const problems = (over: Partial<Parameters<typeof planFleet>[0]>) => {
  try {
    plan(over);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as PlanError).problems as string[];
  }
  throw new Error('the plan was accepted');
};

describe('fleet plan', () => {
  it.each([
    ['1, 25%, 100%', 8, [1, 2, 8]],
    ['1, 25%, 100%', 4, [1, 2, 4]], // 25% of 4 is the 1 target wave 1 has: the wave takes one more
    ['1, 25%, 100%', 2, [1, 2]], // entries past the last target are dropped
    ['1,100%', 1, [1]],
    ['2 3 100%', 4, [2, 3, 4]],
    ['50%, 4', 3, [2, 3]],
  ])('waves %j over %i targets end at %j', (text, total, sizes) => {
    const found: string[] = [];
    expect(waveSizes(text, total, found)).toEqual(sizes);
    expect(found).toEqual([]);
  });

  it.each([
    ['1, 50%', /waves: got "1, 50%", which ends after 2 of the 4 targets; end with 100%\./],
    ['1, 2, 3', /ends after 3 of the 4 targets/],
    ['0, 100%', /"0" is not one of whole numbers of targets or percentages/],
    ['1, 150%', /"150%" is not one of/],
    ['one', /"one" is not one of/],
    ['', /waves: got ""; expected whole numbers/],
  ])('refuses waves %j', (waves, message) => {
    expect(problems({ waves }).join('\n')).toMatch(message);
  });

  it('refuses more waves than the workflow has jobs, and more targets in a wave than a matrix runs', () => {
    expect(problems({ targets: JSON.stringify(names(6)), waves: '1,2,3,4,5,6' })).toEqual(['waves: got "1,2,3,4,5,6", which makes 6 waves of 6 targets; the workflow runs at most 5.']);
    expect(problems({ targets: JSON.stringify(names(300)), waves: '1, 100%' })).toEqual(['waves: got "1, 100%", which puts 299 targets in one wave; GitHub runs at most 256 jobs per matrix.']);
  });

  it('gives each target the workflow\'s action inputs, overridden by its own, and its secrets by name', () => {
    const targets = [
      { name: 'eu', environment: 'prod-eu', with: { 'aws-region': 'eu-west-1', 'smoke-retries': 5, 'dry-run': true }, secrets: { kubeconfig: 'KUBECONFIG_EU' }, 'runs-on': 'eu-runner' },
      { name: 'us', environment: 'prod-us', 'aws-role-to-assume': 'arn:aws:iam::1:role/us' },
    ];
    const p = plan({ targets: JSON.stringify(targets), waves: '1, 100%', inputs: workflowInputs({ router: 'aws-alb', 'health-window': '2m', 'aws-role-to-assume': 'arn:aws:iam::1:role/all' }) });
    expect(p.waves.map((wave: { name: string }[]) => wave.map((t) => t.name))).toEqual([['eu'], ['us']]);
    const [eu, us] = p.targets;
    expect(eu).toMatchObject({ name: 'eu', wave: 1, environment: 'prod-eu', 'runs-on': ['eu-runner'], 'aws-role-to-assume': 'arn:aws:iam::1:role/all' });
    expect(eu.with).toMatchObject({ router: 'aws-alb', 'aws-region': 'eu-west-1', 'health-window': '2m', 'smoke-retries': '5', 'dry-run': 'true', colors: 'blue,green' });
    expect(eu.secrets).toEqual({ kubeconfig: 'KUBECONFIG_EU', 'smoke-headers': 'smoke-headers', 'prometheus-headers': 'prometheus-headers' });
    expect(us).toMatchObject({ wave: 2, 'runs-on': ['ubuntu-latest'], 'aws-role-to-assume': 'arn:aws:iam::1:role/us' });
    // Empty values are left out: the workflow passes '' for a missing key, the same thing.
    expect(us.with).not.toHaveProperty('listener-arn');
    for (const name of ['mode', 'version', 'only-if-version', 'emergency', 'targets', 'waves', 'policy', 'max-parallel', 'runs-on']) expect(us.with).not.toHaveProperty(name);
  });

  it('refuses every bad target at once, naming it, before anything is touched', () => {
    const targets = [
      { name: 'eu', environment: 'prod-eu', with: { mode: 'rollback', kubeconfig: 'x', 'job-index': '1', 'no-such-input': 'x', 'smoke-urls': ['a'] }, secrets: { token: 'X', kubeconfig: '1BAD' } },
      { name: 'eu', environment: '' },
      { name: 'has space', environment: 'e', region: 'x' },
      'us',
    ];
    expect(problems({ targets: JSON.stringify(targets), version: 'v 2', policy: 'some', approvals: '9: late' })).toEqual([
      'targets "eu".with.mode: is set by the fleet, not per target (the fleet deploys each target, and undoes with mode "rollback").',
      'targets "eu".with.kubeconfig: is a credential; name the secret that holds it in "secrets": {"kubeconfig": "SECRET_NAME"}.',
      'targets "eu".with.job-index: is filled in by the runner, not per target.',
      'targets "eu".with.no-such-input: is not an input of the action.',
      'targets "eu".with.smoke-urls: expected a string, number or boolean, as in a step\'s with:.',
      'targets "eu".secrets.token: expected one of kubeconfig, smoke-headers, prometheus-headers.',
      'targets "eu".secrets.kubeconfig: got "1BAD"; expected a secret name (letters, digits and _, not starting with a digit).',
      'targets[1].name: "eu" names two targets; each target needs its own name.',
      'targets "eu".environment: got ""; expected the name of the GitHub environment this target\'s jobs run in (at most 255 characters).',
      'targets[2]: unknown key(s) region; a target has name, environment, with, secrets, runs-on, aws-role-to-assume.',
      'targets[2].name: got "has space"; expected letters, digits and "._-", starting with a letter or digit, at most 64 characters.',
      'targets[3]: expected an object with "name" and "environment".',
      'version: got "v 2"; expected a release label of letters, digits and "._+-/", starting with a letter or digit, without "..", at most 128 characters.',
      'policy: got "some"; expected one of: all-or-nothing, partial-ok.',
      'approvals: wave 9 does not exist; these targets make 3 wave(s).',
    ]);
    expect(problems({ targets: '{"name": "x"}' })).toEqual(['targets: expected a JSON list with at least one target: [{"name": "eu-west-1", "environment": "production-eu-west-1", "with": {...}}].']);
    expect(problems({ targets: '[{' })[0]).toMatch(/^targets: is not valid JSON/);
  });

  it('reads approvals as the environment a wave waits for', () => {
    expect(plan({ approvals: '3: production-approval\n1: first' }).approvals).toEqual({ 1: 'first', 3: 'production-approval' });
    expect(problems({ approvals: 'before the last' })).toEqual(['approvals: got "before the last"; expected "<wave>: <environment>" lines, e.g. "3: production-approval".']);
  });
});

const targets = [
  { name: 'a', wave: 1 },
  { name: 'b', wave: 1 },
  { name: 'c', wave: 2 },
  { name: 'd', wave: 3 },
];
const rec = (target: string, phase: string, result: string, more: Record<string, unknown> = {}) => ({ target, phase, result, reason: '', activeColor: 'green', ...more });
const stoppedInWave2 = { 'wave-1': 'success', 'wave-2': 'failure', 'wave-3': 'skipped', 'approval-3': 'skipped' };
const released = [rec('a', 'release', 'promoted', { durationSeconds: 41 }), rec('b', 'release', 'promoted'), rec('c', 'release', 'rolled-back', { activeColor: 'blue', reason: 'http://c/ failed' })];

describe('fleet undo plan and verdict', () => {
  it('promoted everywhere: nothing to undo, verdict promoted', () => {
    const all = [...released.slice(0, 2), rec('c', 'release', 'promoted'), rec('d', 'release', 'promoted')];
    const jobs = { 'wave-1': 'success', 'wave-2': 'success', 'wave-3': 'success' };
    expect(undoPlan({ targets, jobs, records: all, policy: 'all-or-nothing' })).toEqual({ stopped: undefined, undo: [] });
    expect(summarize({ targets, jobs, records: all, policy: 'all-or-nothing', version: 'v2' })).toMatchObject({ result: 'promoted', reason: 'All 4 targets promoted v2.' });
  });

  it('a failed wave puts back every target this release may have promoted, not the ones that went back themselves', () => {
    const failedToo = [...released, rec('d', 'release', 'failed')];
    expect(undoPlan({ targets, jobs: stoppedInWave2, records: released, policy: 'all-or-nothing' }).undo.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    expect(whyStopped(targets, stoppedInWave2, released)).toEqual({ wave: 2, text: 'wave 2 failed: c rolled-back (http://c/ failed)' });
    // A silent leg (no record) and a failed one may have moved traffic: the undo checks them too.
    const jobs = { ...stoppedInWave2, 'wave-2': 'success', 'wave-3': 'failure' };
    expect(undoPlan({ targets, jobs, records: failedToo.filter((r) => r.target !== 'b'), policy: 'all-or-nothing' }).undo.map((t: { name: string }) => t.name)).toEqual(['a', 'b', 'd']);
    expect(undoPlan({ targets, jobs: stoppedInWave2, records: released, policy: 'partial-ok' }).undo).toEqual([]);
  });

  it('a rejected approval stops the fleet like a failed wave', () => {
    const jobs = { 'wave-1': 'success', 'wave-2': 'success', 'approval-3': 'failure', 'wave-3': 'skipped' };
    const records = [...released.slice(0, 2), rec('c', 'release', 'promoted')];
    expect(undoPlan({ targets, jobs, records, policy: 'all-or-nothing' })).toMatchObject({ stopped: { wave: 3, text: 'wave 3 did not start: its approval ended failure' } });
  });

  it('rolled-back: every target put back, left alone where someone released since, the last wave never started', () => {
    const undone = [rec('a', 'undo', 'rolled-back', { activeColor: 'blue', liveVersion: { expected: 'v2', color: 'green', serves: 'v2', returnsTo: 'v1' } }), rec('b', 'undo', 'aborted', { activeColor: 'blue', reason: 'blue (the live color) serves v3 ...', liveVersion: { expected: 'v2', color: 'blue', serves: 'v3' } })];
    const jobs = { ...stoppedInWave2, 'undo-plan': 'success', undo: 'success' };
    const s = summarize({ targets, jobs, records: [...released, ...undone], policy: 'all-or-nothing', version: 'v2' });
    expect(s.result).toBe('rolled-back');
    expect(s.lists).toEqual({ promoted: [], 'rolled-back': ['a', 'c'], 'left-alone': ['b'], failed: [], 'not-started': ['d'] });
    expect(s.reason).toBe('Wave 2 failed: c rolled-back (http://c/ failed). Put back: a. Left alone (released again since; v2 no longer live there): b. Not started: d.');
    expect(s.rows.map((r: Record<string, unknown>) => [r.target, r.outcome, r.activeColor, r.version, r.promoteSeconds])).toEqual([
      ['a', 'put back', 'blue', 'v1', 41],
      ['b', 'left alone', 'blue', 'v3', undefined],
      ['c', 'rolled back', 'blue', '', undefined],
      ['d', 'not started', '', '', undefined],
    ]);
    const table = markdown(s);
    expect(table).toContain('## Fleet release v2: rolled-back');
    expect(table).toContain('| a | 1 | **put back** | promoted | rolled-back | blue | v1 | 41 s | — |');
    expect(table).toContain('| d | 3 | **not started** | — | — | — | — | — | — |');
  });

  it('failed: lists what could not be put back, what its router shows and why; a cancelled undo too', () => {
    const undone = [
      rec('a', 'undo', 'aborted', { activeColor: 'green', routerShows: 'green', reason: 'fake keeps no record of which version a color serves, ...' }),
      rec('b', 'undo', 'failed', { activeColor: 'green', routerShows: 'green 50%, blue 50%', reason: 'cannot reach | router' }),
    ];
    const s = summarize({ targets, jobs: { ...stoppedInWave2, 'undo-plan': 'success', undo: 'failure' }, records: [...released, ...undone], policy: 'all-or-nothing', version: 'v2' });
    expect(s.result).toBe('failed');
    expect(s.lists.failed).toEqual(['a', 'b']);
    expect(s.reason).toMatch(/^Wave 2 failed: c rolled-back \(http:\/\/c\/ failed\)\. Not put back: a \(not put back \(undo aborted; router shows green\): fake keeps no record .*\); b \(not put back \(undo failed; router shows green 50%, blue 50%\): cannot reach \| router\)\. Not started: d\.$/);
    expect(markdown(s)).toContain('cannot reach \\| router');

    const cancelled = summarize({ targets, jobs: { ...stoppedInWave2, 'undo-plan': 'success', undo: 'cancelled' }, records: released, policy: 'all-or-nothing', version: 'v2' });
    expect(cancelled.result).toBe('failed');
    expect(cancelled.rows[0].reason).toBe('the run was cancelled before this target was put back; it may still serve v2: check it, then run mode "rollback" with only-if-version v2');
  });

  it('partial-ok keeps promoted targets: verdict partial; a dry run is unchanged', () => {
    const s = summarize({ targets, jobs: stoppedInWave2, records: released, policy: 'partial-ok', version: 'v2' });
    expect(s).toMatchObject({ result: 'partial', lists: { promoted: ['a', 'b'], 'rolled-back': ['c'], 'not-started': ['d'] } });
    expect(s.reason).toBe('Wave 2 failed: c rolled-back (http://c/ failed). Kept promoted (partial-ok): a, b. Not started: d.');
    const dry = targets.map((t) => rec(t.name, 'release', 'unchanged'));
    expect(summarize({ targets, jobs: { 'wave-1': 'success', 'wave-2': 'success', 'wave-3': 'success' }, records: dry, policy: 'all-or-nothing', version: 'v2' }).result).toBe('unchanged');
  });

  it('records what the action said, and what its report found', () => {
    const outputs = { result: 'aborted', 'active-color': 'blue', 'previous-color': 'blue', reason: 'serves v3', 'duration-seconds': '3', report: '/x' };
    expect(recordOf({ target: 'b', wave: 1, phase: 'undo', outputs, outcome: 'failure', report: { routerShows: 'blue', liveVersion: { expected: 'v2', serves: 'v3' } } })).toEqual({
      target: 'b', wave: 1, phase: 'undo', result: 'aborted', outcome: 'failure', activeColor: 'blue', previousColor: 'blue', reason: 'serves v3', flippedAt: '', durationSeconds: 3, routerShows: 'blue', liveVersion: { expected: 'v2', serves: 'v3' },
    });
    expect(recordOf({ target: 'b', wave: 1, phase: 'release', outputs: {}, outcome: 'skipped' })).toMatchObject({ result: '', durationSeconds: undefined });
  });
});

describe('fleet steps, as the workflow runs them', () => {
  const plan4 = { targets: JSON.stringify(names(4)), waves: '2, 3, 100%', approvals: '3: last-wave', router: 'nginx' };

  it('plan: one matrix per wave, the approvals, an id, and the plan written for later jobs', async () => {
    const store = mkdtempSync(join(tmpdir(), 'bg-fleet-unit-'));
    const step = await runFleetStep('plan', 'plan', { inputs: workflowInputs(plan4), github: { sha: 'abc123' } }, store);
    expect(step.code).toBe(0);
    const o = step.outputs;
    expect(JSON.parse(o['wave-1']).target.map((t: { name: string }) => t.name)).toEqual(['t1', 't2']);
    expect(JSON.parse(o['wave-3']).target.map((t: { name: string; wave: number }) => `${t.name}@${t.wave}`)).toEqual(['t4@3']);
    expect([o['wave-4'], o['wave-5'], o['approval-1'], o['approval-3']]).toEqual(['', '', '', 'last-wave']);
    expect(o.version).toBe('abc123');
    expect(o.id).toMatch(/^[0-9a-f]{12}$/);
    expect(readdirSync(store)).toEqual([`fleet-${o.id}-plan.json`]);
    expect(step.summary).toContain('| 3 | last-wave | t4 |');
  });

  it('plan: refused inputs are error annotations, one per problem, and the step fails', async () => {
    const step = await runFleetStep('plan', 'plan', { inputs: workflowInputs({ ...plan4, waves: '1, 50%', targets: '[{"name": "a::b"}]' }), github: { sha: 'abc' } });
    expect(step.code).toBe(1);
    expect(step.stdout).toContain('::error title=Fleet input::targets[0].name: got "a::b"');
    expect(step.stdout).toContain('::error title=Fleet input::targets[0].environment: got undefined');
  });

  it('undo plan and summary: read the plan and this run\'s records, and set the verdict outputs', async () => {
    // The workflow downloads the run's artifacts to runner.temp/fleet-records.
    const temp = mkdtempSync(join(tmpdir(), 'bg-fleet-unit-'));
    const store = join(temp, 'fleet-records');
    const { outputs: planned } = await runFleetStep('plan', 'plan', { inputs: workflowInputs(plan4), github: { sha: 'v2' } }, store);
    const renamed = { a: 't1', b: 't2', c: 't3' } as Record<string, string>;
    for (const record of released) writeFileSync(join(store, `fleet-${planned.id}-release-${renamed[record.target]}.json`), JSON.stringify({ ...record, target: renamed[record.target] }));
    // Another fleet run's record in the same folder is not this run's.
    writeFileSync(join(store, 'fleet-000000000000-release-t4.json'), JSON.stringify(rec('t4', 'release', 'promoted')));
    const context = { inputs: workflowInputs(plan4), needs: { plan: { outputs: planned }, 'wave-1': { result: 'success' }, 'wave-2': { result: 'failure' }, 'wave-3': { result: 'skipped' } }, runner: { temp } };
    const decided = await runFleetStep('undo-plan', 'undo_plan', context);
    expect(decided.code).toBe(0);
    expect(JSON.parse(decided.outputs.matrix).target.map((t: { name: string }) => t.name)).toEqual(['t1', 't2']);
    const summary = await runFleetStep('summary', 'summary', context);
    expect(summary.code).toBe(0);
    expect(summary.outputs.result).toBe('failed'); // nothing put t1 and t2 back: the undo never reported
    expect(JSON.parse(summary.outputs.failed)).toEqual(['t1', 't2']);
    expect(JSON.parse(summary.outputs['not-started'])).toEqual(['t4']);
    expect(summary.summary).toContain('## Fleet release v2: failed');

    const lost = await runFleetStep('summary', 'summary', { ...context, runner: { temp: tmpdir() } });
    expect(lost.code).toBe(1);
    expect(lost.stdout).toMatch(/::error title=Fleet summary::The plan \(fleet-[0-9a-f]{12}-plan\.json\) was not found/);
  });
});
