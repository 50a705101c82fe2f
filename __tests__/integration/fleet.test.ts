import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { routerEnv } from '../../test-support/cancel.mjs';
import { runFleetStep, withOf, workflowInputs } from '../../test-support/fleet.mjs';
import { get, post } from '../../test-support/peers.mjs';
import { runAction } from '../../test-support/runner.mjs';

type Target = Awaited<ReturnType<typeof routerEnv>>;
type Matrix = { target: { name: string; wave: number }[] };
let targets: Record<string, Target> = {};
const temps: string[] = [];
afterEach(() => {
  for (const target of Object.values(targets)) target.stop();
  targets = {};
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What a target's public route answers: `blue v1`. */
async function serves(target: Target): Promise<string> {
  const answer = await get(`${target.url}/`);
  return answer.body.trim();
}

/**
 * The fleet workflow, job by job, on real nginx targets: each step's inputs come from the workflow file
 * (test-support/fleet.mjs), each leg runs the bundled action as the runner does, with its own target's
 * environment (the runner beside that nginx), and the records go through a folder that stands for the
 * run's artifacts.
 */
class FleetRun {
  readonly temp = mkdtempSync(join(tmpdir(), 'bg-fleet-'));
  readonly store = join(this.temp, 'fleet-records');
  readonly needs: Record<string, { result?: string; outputs?: Record<string, string> }> = {};
  readonly legs: Record<string, Awaited<ReturnType<typeof runAction>>> = {};

  constructor(
    readonly given: Record<string, string>,
    readonly faults: Record<string, () => Promise<unknown>> = {},
  ) {
    temps.push(this.temp);
  }

  context(extra: Record<string, unknown> = {}) {
    return { inputs: workflowInputs(this.given), github: { sha: 'unused' }, needs: this.needs, runner: { temp: this.temp }, secrets: {}, ...extra };
  }

  async plan() {
    const step = await runFleetStep('plan', 'plan', this.context(), this.store);
    expect(step.code, step.stdout).toBe(0);
    this.needs.plan = { result: 'success', outputs: step.outputs };
    return step.outputs;
  }

  /** A matrix job: every leg at once (max-parallel is above the wave's size), each recorded. */
  async matrix(job: string, matrixText: string, phase: string) {
    const entries = (JSON.parse(matrixText) as Matrix).target;
    const codes = await Promise.all(entries.map((entry, index) => this.leg(job, entry, index, phase)));
    this.needs[job] = { result: codes.every((code) => code === 0) ? 'success' : 'failure' };
  }

  private async leg(job: string, entry: { name: string }, index: number, phase: string) {
    const target = targets[entry.name];
    const inputs = withOf(job, 'bg', this.context({ matrix: { target: entry } }));
    let faulted = false;
    const run = await runAction(inputs, {
      env: target.apps.env,
      jobIndex: String(index),
      onOutput: (chunk: string) => {
        const fault = this.faults[entry.name];
        if (fault && !faulted && chunk.includes('::group::watch health window')) {
          faulted = true;
          void fault();
        }
      },
    });
    this.legs[`${phase} ${entry.name}`] = run;
    // The runner runs the post step after the job: it must leave what the main step decided alone.
    expect((await run.post()).stdout).toBe('');
    const steps = { bg: { outputs: run.outputs, outcome: run.code === 0 ? 'success' : 'failure' } };
    const record = await runFleetStep(job, 'record', this.context({ matrix: { target: entry }, steps }), this.store);
    expect(record.outputs.path, record.stdout).toBeTruthy();
    // The undo's action step may fail (continue-on-error); the record step fails the leg when it must.
    return phase === 'undo' ? record.code : run.code;
  }

  async undoPlan() {
    const step = await runFleetStep('undo-plan', 'undo_plan', this.context(), this.store);
    expect(step.code, step.stdout).toBe(0);
    this.needs['undo-plan'] = { result: 'success', outputs: step.outputs };
    return step;
  }

  async summary() {
    const step = await runFleetStep('summary', 'summary', this.context(), this.store);
    expect(step.code, step.stdout).toBe(0);
    return step;
  }

  skip(...jobs: string[]) {
    for (const job of jobs) this.needs[job] = { result: 'skipped' };
  }
}

const common = { router: 'nginx', 'health-window': '3s', 'health-interval': '250ms', 'lock-timeout': '10s' };
const PER_TARGET = ['nginx-conf', 'nginx-test-command', 'nginx-reload-command', 'nginx-pid-file', 'smoke-urls', 'health-urls'];

async function startTargets(names: string[]) {
  for (const name of names) targets[name] = await routerEnv('nginx');
  return names.map((name) => {
    const own = Object.fromEntries(PER_TARGET.map((input) => [input, targets[name].inputs[input]]));
    return { name, environment: `production-${name}`, with: own };
  });
}

describe('fleet: waves over real nginx targets, undone as a whole', () => {
  it('a failure in wave 2 puts wave 1 back (only where it still serves v2), never starts wave 3, and says so', async () => {
    const list = await startTargets(['a', 'b', 'c', 'd']);
    const deployCommand = targets.a.inputs['deploy-command'];
    // The fleet's last release, v1, in one wave: every target promoted, onto green.
    const before = new FleetRun({ ...common, 'deploy-command': deployCommand, targets: JSON.stringify(list), waves: '100%', version: 'v1' });
    const first = await before.plan();
    expect(first['wave-2']).toBe('');
    before.skip('approval-1', 'approval-2', 'approval-3', 'approval-4', 'approval-5', 'wave-2', 'wave-3', 'wave-4', 'wave-5');
    await before.matrix('wave-1', first['wave-1'], 'release');
    expect((await before.undoPlan()).outputs.matrix).toBe('');
    expect((await before.summary()).outputs).toMatchObject({ result: 'promoted', reason: 'All 4 targets promoted v1.', promoted: '["a","b","c","d"]' });
    for (const name of 'abcd') expect(await serves(targets[name])).toBe('green v1');
    const d = targets.d.inputs['nginx-conf'];
    const untouched = { content: readFileSync(d, 'utf8'), modified: statSync(d).mtimeMs };

    const fleet = new FleetRun(
      { ...common, 'deploy-command': deployCommand, targets: JSON.stringify(list), waves: '2, 3, 100%', version: 'v2' },
      // c's new color starts failing as its health window opens.
      { c: () => post(`http://127.0.0.1:${targets.c.apps.ports.blue}/__fault`) },
    );
    const planned = await fleet.plan();
    fleet.skip('approval-1', 'approval-2', 'approval-3', 'approval-4', 'approval-5', 'wave-4', 'wave-5');

    await fleet.matrix('wave-1', planned['wave-1'], 'release');
    expect(fleet.needs['wave-1'].result).toBe('success');
    expect([await serves(targets.a), await serves(targets.b)]).toEqual(['blue v2', 'blue v2']);

    // Meanwhile someone releases b again, by hand: v3, now on green.
    const other = await runAction({ ...targets.b.inputs, version: 'v3', 'health-window': '1s' }, { env: targets.b.apps.env });
    expect(other.outputs.result).toBe('promoted');
    expect(await serves(targets.b)).toBe('green v3');

    await fleet.matrix('wave-2', planned['wave-2'], 'release');
    expect(fleet.needs['wave-2'].result).toBe('failure');
    expect(fleet.legs['release c'].outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'green' });
    // wave-3 needs wave-2's success: it never starts.
    fleet.skip('wave-3');

    const decided = await fleet.undoPlan();
    expect(JSON.parse(decided.outputs.matrix).target.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    await fleet.matrix('undo', decided.outputs.matrix, 'undo');
    expect(fleet.needs.undo.result).toBe('success'); // b's refusal is an answer, not a failed undo
    expect(fleet.legs['undo a'].outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'green' });
    expect(fleet.legs['undo b'].outputs).toMatchObject({ result: 'aborted', 'active-color': 'green' });
    expect(fleet.legs['undo b'].outputs.reason).toMatch(/^green \(the live color\) serves v3 \(deployed at .* by .*\), not v2: it was released again since, so this rollback left it untouched\.$/);

    const summary = await fleet.summary();
    expect(summary.outputs.result).toBe('rolled-back');
    expect(summary.outputs.reason).toMatch(/^Wave 2 failed: c rolled-back \(.+\)\. Put back: a\. Left alone \(released again since; v2 no longer live there\): b\. Not started: d\.$/);
    expect(JSON.parse(summary.outputs['rolled-back'])).toEqual(['a', 'c']);
    expect(JSON.parse(summary.outputs['left-alone'])).toEqual(['b']);
    expect(JSON.parse(summary.outputs['not-started'])).toEqual(['d']);
    expect(JSON.parse(summary.outputs.failed)).toEqual([]);
    const rows = JSON.parse(summary.outputs.rows) as Record<string, unknown>[];
    expect(rows.map((row) => [row.target, row.wave, row.outcome, row.release, row.undo, row.activeColor, row.version])).toEqual([
      ['a', 1, 'put back', 'promoted', 'rolled-back', 'green', 'v1'],
      ['b', 1, 'left alone', 'promoted', 'aborted', 'green', 'v3'],
      ['c', 2, 'rolled back', 'rolled-back', '', 'green', ''],
      ['d', 3, 'not started', '', '', '', ''],
    ]);
    expect(rows[0].promoteSeconds).toBeGreaterThanOrEqual(3);
    expect(summary.summary).toMatch(/\| b \| 1 \| \*\*left alone\*\* \| promoted \| aborted \| green \| v3 \| \d+ s \| green \(the live color\) serves v3 /);

    // The routers say the same: a and c back on green v1, b on someone else's v3, d never touched.
    expect(await serves(targets.a)).toBe('green v1');
    expect(await serves(targets.b)).toBe('green v3');
    expect(await serves(targets.c)).toBe('green v1');
    expect(await serves(targets.d)).toBe('green v1');
    expect({ content: readFileSync(d, 'utf8'), modified: statSync(d).mtimeMs }).toEqual(untouched);
    expect(existsSync(`${d}.blue.staged`)).toBe(false);
  }, 120_000);

  it('a target whose version cannot be checked is not put back blindly: the fleet fails, saying what its router shows', async () => {
    const list = await startTargets(['x', 'y']);
    const fleet = new FleetRun(
      { ...common, 'deploy-command': targets.x.inputs['deploy-command'], targets: JSON.stringify(list), waves: '1, 100%', version: 'v2' },
      { y: () => post(`http://127.0.0.1:${targets.y.apps.ports.green}/__fault`) },
    );
    const planned = await fleet.plan();
    fleet.skip('approval-1', 'approval-2', 'approval-3', 'approval-4', 'approval-5', 'wave-3', 'wave-4', 'wave-5');
    await fleet.matrix('wave-1', planned['wave-1'], 'release');
    // The record of what x's live color serves is lost.
    rmSync(`${targets.x.inputs['nginx-conf']}.green.staged`);
    await fleet.matrix('wave-2', planned['wave-2'], 'release');
    expect(fleet.needs['wave-2'].result).toBe('failure');

    const decided = await fleet.undoPlan();
    await fleet.matrix('undo', decided.outputs.matrix, 'undo');
    expect(fleet.legs['undo x'].outputs).toMatchObject({ result: 'aborted', 'active-color': 'green' });
    expect(fleet.needs.undo.result).toBe('failure');

    const summary = await fleet.summary();
    expect(summary.outputs.result).toBe('failed');
    expect(summary.stdout).toMatch(/^::error title=Fleet failed%3A some targets were not put back::Wave 2 failed/m);
    expect(JSON.parse(summary.outputs.failed)).toEqual(['x']);
    expect(summary.outputs.reason).toBe(
      'Wave 2 failed: y rolled-back (' + fleet.legs['release y'].outputs.reason + '). Not put back: x (not put back (undo aborted; router shows green): ' +
        'Nothing records which version green (the live color) serves, so only-if-version could not check that v2 is live, and nothing was changed.).',
    );
    expect(await serves(targets.x)).toBe('green v2');
    expect(await serves(targets.y)).toBe('blue v1');
  }, 120_000);
});
