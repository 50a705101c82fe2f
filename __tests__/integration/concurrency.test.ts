// Releases started at the same moment against one router. The router lock's owner is one invocation of
// the step (run id, attempt, job id, matrix index, and a random step nonce). Whatever the interleaving, two invariants are counted on every router:
// never two `promoted` runs whose windows overlap, and never an `active-color` that disagrees with the
// router as read the moment that run ended.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routerEnv } from '../../test-support/cancel.mjs';
import { flaky } from '../../test-support/faults.mjs';
import { runThenRead, untruths } from '../../test-support/truth.mjs';

type Env = Awaited<ReturnType<typeof routerEnv>>;
type Ended = Awaited<ReturnType<typeof runThenRead>>;
interface Job {
  runId: string;
  index?: number;
}
interface Phase {
  name: string;
  startedAt: string;
  durationMs: number;
}

const ROUTERS = ['nginx', 'haproxy', 'command'] as const;
const JOB = 'release';
const MATRIX: Job[] = [
  { runId: '4242', index: 0 },
  { runId: '4242', index: 1 },
];
const FOUR: Job[] = ['5001', '5002', '5003', '5004'].map((runId) => ({ runId }));

/** The holder as the product names it in the lock file and in its messages, less its step nonce. */
const owner = (job: Job) => `run ${job.runId} attempt 1, job ${JOB}${job.index === undefined ? '' : `, matrix index ${job.index}`}`;
/** Each step invocation adds its own nonce to the owner: two steps of one job are two holders. */
const jobOf = (holder: string) => holder.replace(/, step [0-9a-f]{8}$/, '');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** When a run held the router: from its first phase (taken under the lock) to the end of its last, and when it flipped. */
function span(run: Ended['run']) {
  const phases: Phase[] = run.report().phases;
  const start = Date.parse(phases[0].startedAt);
  const end = Math.max(...phases.map((p) => Date.parse(p.startedAt) + p.durationMs));
  const flip = phases.find((p) => p.name === 'flip');
  return { start, end, flipAt: flip ? Date.parse(flip.startedAt) : undefined };
}

/** The two invariants, counted: every breach as one line. */
function violations(ended: Ended[]): string[] {
  const found = ended.flatMap(({ run, serves }, i) => untruths(run, serves).map((p: string) => `run ${i}: UNTRUE OUTPUT: ${p}`));
  const promoted = ended.flatMap((e, i) => (e.run.outputs.result === 'promoted' ? [{ i, ...span(e.run) }] : []));
  for (const a of promoted) {
    for (const b of promoted) {
      if (a.i < b.i && a.start < b.end && b.start < a.end) found.push(`runs ${a.i} and ${b.i} both promoted with overlapping windows`);
      if (a.i !== b.i && a.flipAt !== undefined && a.flipAt >= b.start && a.flipAt <= b.end) found.push(`run ${a.i} flipped inside run ${b.i}'s window`);
    }
  }
  return found;
}

describe.each(ROUTERS)('%s: releases at the same moment', (kind) => {
  let env: Env;
  beforeEach(async () => {
    env = await routerEnv(kind);
  });
  afterEach(() => env.stop());

  /** The lock file's holders over time, repeats folded (`none` and half-written files left out). */
  function watchLock() {
    const seen: string[] = [];
    const timer = setInterval(() => {
      const holder = env.lockHolder();
      if (holder !== 'none' && holder !== 'unreadable' && seen.at(-1) !== holder) seen.push(holder);
    }, 10);
    return () => (clearInterval(timer), seen);
  }

  /**
   * Starts every job at once; each result comes with the router read right after that run ended. The
   * deploy waits `stallMs` first, so a run that ends (losing or finishing) is read well before another
   * run can flip.
   */
  async function together(jobs: Job[], inputs: Record<string, string>, stallMs = 2000) {
    const deploy = flaky(env.apps.deployCommand, 'always', `stall:${stallMs}`);
    const stop = watchLock();
    const ended = await Promise.all(
      jobs.map((job) =>
        runThenRead(
          env,
          { ...env.inputs, 'health-window': '4s', 'deploy-command': deploy.command, ...inputs },
          { env: { ...env.apps.env, GITHUB_RUN_ID: job.runId, GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: JOB }, jobIndex: job.index === undefined ? '' : String(job.index) },
        ),
      ),
    );
    return { ended, holders: stop() };
  }

  /** One run promoted; every other refused at the lock, naming the winner's job; the router ends on the winner's target. */
  async function expectOneWinner(jobs: Job[], ended: Ended[]) {
    const results = ended.map((e) => e.run.outputs.result);
    expect([...results].sort(), ended.map((e) => e.run.outputs.reason).join('\n')).toEqual([...results.map(() => 'aborted').slice(1), 'promoted']);
    const w = results.indexOf('promoted');
    for (const [i, { run }] of ended.entries()) {
      if (i === w) continue;
      expect(run.outputs.reason).toMatch(new RegExp(`^Another release holds the router lock \\S+ \\(${escape(owner(jobs[w]))}, step [0-9a-f]{8}, pid \\d+ on .*\\); waited 1s \\(lock-timeout\\)`));
      expect(run.report().phases).toEqual([]);
    }
    expect(violations(ended)).toEqual([]);
    expect(await env.serves()).toBe(`${ended[w].run.outputs['target-color']} 200`);
    expect(env.lockHolder()).toBe('none');
    return w;
  }

  it('two matrix jobs of one run (job-index 0 and 1), lock-timeout 1s: one promotes, the other refuses naming it', async () => {
    const { ended, holders } = await together(MATRIX, { 'lock-timeout': '1s' });
    const w = await expectOneWinner(MATRIX, ended);
    expect(ended[w].run.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue' });
    expect(holders.map(jobOf)).toEqual([owner(MATRIX[w])]);
  });

  it('four runs at once, lock-timeout 1s: one promotes, three refuse naming it', async () => {
    const { ended, holders } = await together(FOUR, { 'lock-timeout': '1s' });
    const w = await expectOneWinner(FOUR, ended);
    expect(holders.map(jobOf)).toEqual([owner(FOUR[w])]);
  });

  it('four runs at once (two of them matrix jobs of one run), lock-timeout 60s: serialized, each promotes in turn', async () => {
    const jobs = [...MATRIX, FOUR[0], FOUR[1]];
    const { ended, holders } = await together(jobs, { 'lock-timeout': '60s', 'health-window': '3s' }, 1000);
    expect(ended.map((e) => e.run.outputs.result)).toEqual(['promoted', 'promoted', 'promoted', 'promoted']);
    expect(violations(ended)).toEqual([]);
    // In the order they flipped: each deploys to the idle color, so the targets alternate.
    const order = ended.map((e, i) => ({ i, ...span(e.run) })).sort((a, b) => a.start - b.start);
    expect(order.map(({ i }) => `${ended[i].run.outputs['previous-color']}->${ended[i].run.outputs['target-color']}`)).toEqual([
      'blue->green',
      'green->blue',
      'blue->green',
      'green->blue',
    ]);
    // Never two at once: the lock file named each job once, in the order they flipped.
    expect(holders.map(jobOf)).toEqual(order.map(({ i }) => owner(jobs[i])));
    for (const { i } of order.slice(1)) expect(ended[i].run.stdout).toMatch(/Waiting for the router lock .*, held by run \d+ attempt 1, job release/);
    expect(await env.serves()).toBe('blue 200');
    expect(env.lockHolder()).toBe('none');
  }, 120_000);
});
