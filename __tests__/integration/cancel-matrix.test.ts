// Cancellation in every phase, on every router, as the GitHub runner cancels a step: SIGINT, then
// SIGTERM (here 2 s later instead of 7.5 s), then SIGKILL. Outcomes only; how fast lives in
// bench/cancel-latency.mjs. The matrix (phases, triggers, inputs) is shared with that bench.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancelRun, phasesFor, routerEnv, stopsIn } from '../../test-support/cancel.mjs';

type Env = Awaited<ReturnType<typeof routerEnv>>;
type Phase = ReturnType<typeof phasesFor>[number];

/** The runner's sequence with a shorter SIGINT -> SIGTERM gap. */
const GAPS = { termAfterMs: 2000, killAfterMs: 2500 };
const ROUTERS = ['nginx', 'haproxy', 'command'] as const;

describe.each(ROUTERS)('%s: cancelled by the runner', (kind) => {
  let env: Env;
  beforeEach(async () => {
    env = await routerEnv(kind);
  });
  afterEach(() => env.stop());

  it.each(phasesFor(kind))('in $name: traffic ends on blue and the outputs say what the router shows', async (phase: Phase) => {
    const { run, reached } = await cancelRun(env, phase, GAPS);
    expect(reached, `the log never showed "${phase.cancelOn}":\n${run.stdout}`).toBe(true);
    // One diff for everything that must hold: the process ended by itself, with true outputs.
    expect({ signal: run.signal, code: run.code, result: run.outputs.result, 'active-color': run.outputs['active-color'], serves: await env.serves() }).toEqual({
      signal: null,
      code: 1,
      result: phase.expect,
      'active-color': 'blue',
      serves: 'blue 200',
    });
    // Nothing starts after the cancel but the flip back: the report's phases end where the signal landed.
    const phases: string[] = run.report().phases.map((p: { name: string }) => p.name);
    const rollbackAfter = phase.expect === 'rolled-back' && stopsIn(phase) !== 'rollback';
    expect(phases.slice(phases.lastIndexOf(stopsIn(phase) ?? '') + 1)).toEqual(rollbackAfter ? ['rollback'] : []);
    if (phase.cancelledReason !== false) expect(run.outputs.reason).toMatch(/^The run was cancelled \(received SIG(INT|TERM)\)/);
    else expect(run.outputs.reason).toMatch(/got 503|cancelled/);
    // The run released its own lock and left another run's alone.
    expect(env.lockHolder()).toBe(phase.name === 'lock wait' ? 'other-run' : 'none');
    // The main step finished: the post step of a cancelled job has nothing to undo.
    expect(run.state.phase).toBe('done');
    const post = await run.post('cancelled');
    expect({ code: post.code, stdout: post.stdout, serves: await env.serves() }).toEqual({ code: 0, stdout: '', serves: 'blue 200' });
  });

  // nginx has this case in nginx-safety.test.ts.
  if (kind === 'nginx') return;
  it('killed mid-window (SIGKILL): the post step of the cancelled job flips back to blue', async () => {
    const window = phasesFor(kind).find((phase) => phase.name === 'health window')!;
    const { run, reached } = await cancelRun(env, window, { signal: 'SIGKILL' });
    expect(reached).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.state.phase).toBe('watching');
    expect(await env.serves()).toBe('green 200');
    const post = await run.post('cancelled');
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/::warning title=Post step::The main step stopped while green was live and not yet proven \(the job is cancelled\); flipping back to blue/);
    expect(await env.serves()).toBe('blue 200');
    expect(run.summary()).toMatch(/## ↩️ Rolled back by the post step — blue/);
    expect(env.lockHolder()).toBe('none');
  });
});
