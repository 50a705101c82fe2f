import { describe, expect, it } from 'vitest';
import { Fence } from '../../src/infra/fence.js';
import { RouteChangedError } from '../../src/route.js';
import type { RunDeps } from '../../src/run-deps.js';
import { run } from '../../src/run.js';
import { readSettings, type Settings } from '../../src/settings.js';
import type { HealthSource, RouteState, StagedRecord } from '../../src/types.js';
import { FakeClock, FakeDeployer, FakeRouter, MemoryState, RecordingLog, ScriptedSource, inputs } from '../../test-support/fakes.js';

const base = {
  router: 'command',
  'router-get-command': 'get',
  'router-set-command': 'set {color} {weight}',
  version: 'v2',
  'health-urls': 'http://live/',
  'health-window': '1m',
  'health-interval': '10s',
};

function setup(given: Record<string, string> = {}, active: string | null = 'blue', sources: HealthSource[] = [new ScriptedSource('http://live/', ['pass'])]) {
  const settings: Settings = readSettings(inputs({ ...base, ...given }));
  const router = new FakeRouter(active ?? undefined);
  const deployer = new FakeDeployer();
  const clock = new FakeClock();
  const state = new MemoryState();
  const log = new RecordingLog();
  const cancel = new AbortController();
  const fence = new Fence();
  router.fence = fence;
  const deps: RunDeps = { router, deployer, healthSources: async () => sources, clock, log, state, signal: cancel.signal, fence };
  // As main does: the lock is released once the outputs are written.
  const go = async () => {
    const report = await run(settings, deps);
    await fence.release();
    return report;
  };
  return { settings, router, deployer, clock, state, log, cancel, deps, fence, go };
}

describe('run: deploy', () => {
  it('deploys to the idle color, flips, watches the whole window and promotes', async () => {
    const source = new ScriptedSource('http://live/', ['pass']);
    const t = setup({}, 'blue', [source]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'promoted', active: 'green', previous: 'blue', target: 'green', rolledBack: false, routerShows: 'green' });
    expect(t.deployer.deployed).toEqual(['green']);
    expect(t.router.calls).toEqual(['flip green']);
    expect(source.taken).toBe(7); // at 0s, 10s, ... 60s
    expect(report.phases.map((p) => p.name)).toEqual(['discover', 'deploy', 'flip', 'watch health window']);
    expect(report.flippedAt).toBeDefined();
    expect(t.router.locked).toBe(0);
  });

  it('saves state before every side effect, and done at the end', async () => {
    const t = setup();
    await t.go();
    expect(t.state.history).toEqual([
      'target=green',
      'previous=blue',
      'phase=deploying',
      // What the flip may leave, saved before it, then as read back after it: the post step undoes only that.
      'wrote=[{"route":"green"}]',
      'phase=flipping',
      'wrote=[{"route":"green"}]',
      'phase=watching',
      'phase=promoted',
      'phase=done',
    ]);
  });

  it('runs the router\'s after-promotion step once the window passed, and a cancel there never flips back', async () => {
    const t = setup();
    const seen: string[] = [];
    t.router.afterPromotion = async (target, previous) => {
      seen.push(`${target} from ${previous}`);
      return `scaled ${previous} down`;
    };
    const report = await t.go();
    expect(report).toMatchObject({ result: 'promoted', routerShows: 'green' });
    expect(seen).toEqual(['green from blue']);
    expect(report.notes).toContain('scaled blue down');
    const c = setup();
    c.router.afterPromotion = async () => {
      c.cancel.abort(new Error('received SIGINT'));
      throw new Error('aborted');
    };
    const cancelled = await c.go();
    expect(cancelled).toMatchObject({ result: 'promoted', routerShows: 'green' });
    expect(cancelled.notes).toContain('The run was cancelled after the promotion was verified; blue was left as it was.');
    expect(c.router.calls).toEqual(['flip green']);
  });

  it('sends the first release to the first color', async () => {
    const t = setup({}, null);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'promoted', target: 'blue', routerShows: 'blue' });
    expect(report.previous).toBeUndefined();
  });

  it('rolls back when the window fails, naming the check', async () => {
    const t = setup({}, 'blue', [new ScriptedSource('http://live/', ['pass', 'pass', 'fail'])]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', rolledBack: true, active: 'blue', routerShows: 'blue' });
    expect(report.reason).toMatch(/^http:\/\/live\/: fail #3 \(1 failing sample\(s\) in a row during the health window\)/);
    expect(t.router.calls).toEqual(['flip green', 'flip blue']);
    expect(report.phases.find((p) => p.name === 'watch health window')?.outcome).toBe('failed');
  });

  it('waits for failure-threshold failures in a row', async () => {
    const t = setup({ 'failure-threshold': '2' }, 'blue', [new ScriptedSource('s', ['fail', 'pass', 'fail', 'pass', 'pass', 'pass', 'pass'])]);
    expect((await t.go()).result).toBe('promoted');
    const u = setup({ 'failure-threshold': '2' }, 'blue', [new ScriptedSource('s', ['pass', 'fail', 'fail'])]);
    expect((await u.go()).result).toBe('rolled-back');
  });

  it('counts unmeasurable samples against error-threshold, apart from failures', async () => {
    const t = setup({}, 'blue', [new ScriptedSource('metrics throws', ['error', 'error', 'pass', 'error', 'error', 'pass', 'pass'])]);
    expect((await t.go()).result).toBe('promoted');
    const u = setup({}, 'blue', [new ScriptedSource('metrics throws', ['error', 'error', 'error'])]);
    const report = await u.go();
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(/could not be measured 3 time\(s\) in a row/);
  });

  it('counts no-data samples neither way, but a source that requires data fails a silent window', async () => {
    const waiting = new ScriptedSource('errors', ['no-data', 'fail', 'no-data', 'pass']);
    const t = setup({ 'failure-threshold': '2' }, 'blue', [waiting]);
    expect((await t.go()).result).toBe('promoted'); // fail, no-data, pass: never two failures in a row
    const silent = new ScriptedSource('errors', ['no-data']);
    silent.requiresData = true;
    const u = setup({}, 'blue', [silent]);
    const report = await u.go();
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('errors: no data during all of the health window (on-no-data: wait); set on-no-data: pass if a quiet service is healthy.');
    const late = new ScriptedSource('errors', ['no-data', 'no-data', 'pass']);
    late.requiresData = true;
    expect((await setup({}, 'blue', [late]).go()).result).toBe('promoted');
  });

  it('aborts as a bad input, before deploying, when a source refuses its own inputs', async () => {
    const source = new ScriptedSource('errors', ['pass']);
    source.validate = async () => `Input 'health-checks': the query of check "errors" was refused by Prometheus (parse error)`;
    const t = setup({}, 'blue', [source]);
    const report = await t.go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toMatch(/^Invalid input; nothing was touched. Input 'health-checks': the query of check "errors" was refused/);
    expect(t.deployer.deployed).toEqual([]);
    expect(t.log.lines).toContain(`error: Input 'health-checks': the query of check "errors" was refused by Prometheus (parse error)`);
  });

  it('takes baselines just before traffic moves, and notes them', async () => {
    const source = new ScriptedSource('errors', ['pass']);
    const order: string[] = [];
    source.beforeFlip = async () => {
      order.push(`baseline while router shows ${t.router.state.active}`);
      return 'errors: baseline from blue is 0.001';
    };
    const t = setup({}, 'blue', [source]);
    const report = await t.go();
    expect(order).toEqual(['baseline while router shows blue']);
    expect(report.notes).toContain('errors: baseline from blue is 0.001');
    expect(report.phases.map((p) => p.name)).toEqual(['discover', 'deploy', 'baseline', 'flip', 'watch health window']);
  });

  it('aborts on a failed deploy with traffic never touched', async () => {
    const t = setup();
    t.deployer.error = new Error('image not found');
    const report = await t.go();
    expect(report).toMatchObject({ result: 'aborted', reason: 'image not found', routerShows: 'blue' });
    expect(t.router.calls).toEqual([]);
  });

  it('aborts when the router moved since discovery (compare-and-swap)', async () => {
    const t = setup();
    const deploy = t.deployer.deploy.bind(t.deployer);
    t.deployer.deploy = async (target) => {
      await deploy(target);
      t.router.state = { active: 'green' }; // someone else flipped meanwhile
    };
    const report = await t.go();
    expect(report).toMatchObject({ result: 'aborted', routerShows: 'green' });
    expect(report.reason).toMatch(/changed during this run: it shows green, but this run read blue/);
    expect(t.router.calls).toEqual(['flip green']); // refused, and no rollback fighting the other change
  });

  it('is failed, not aborted, when the read-back of its own flip shows a change by someone else', async () => {
    const t = setup();
    t.router.flip = async (to) => {
      t.router.calls.push(`flip ${to}`);
      t.router.state = { active: to };
      throw new RouteChangedError('fake router was changed by someone else around this run\'s write', true);
    };
    const report = await t.go();
    expect(report).toMatchObject({ result: 'failed', routerShows: 'green' });
    expect(report.reason).toMatch(/^fake router was changed by someone else around this run's write/);
    expect(t.router.calls).toEqual(['flip green']); // no flip back fighting the other change
  });

  it('leaves traffic where it was when the flip itself fails', async () => {
    const t = setup();
    t.router.failFlipTo = 'green';
    t.router.failFlipTimes = 1;
    const report = await t.go();
    expect(report).toMatchObject({ result: 'aborted', routerShows: 'blue' });
    expect(report.reason).toMatch(/cannot reach router. Traffic stayed on blue/);
  });

  it('reports failed, with advice, when the rollback itself fails', async () => {
    const t = setup({}, 'blue', [new ScriptedSource('s', ['fail'])]);
    t.router.failFlipTo = 'blue';
    t.router.failFlipTimes = 5;
    const report = await t.go();
    expect(report.result).toBe('failed');
    expect(report.reason).toMatch(/then the rollback to blue failed: cannot reach router/);
    expect(report.routerShows).toBe('green');
    expect(report.advice).toMatch(/it shows green\. Run this action with mode "rollback"/);
  });

  it('retries a rollback that fails once', async () => {
    const t = setup({}, 'blue', [new ScriptedSource('s', ['fail'])]);
    t.router.failFlipTo = 'blue';
    t.router.failFlipTimes = 1;
    expect((await t.go()).result).toBe('rolled-back');
  });

  it('keeps traffic on the new color when rollback-on-failure is false, and says so', async () => {
    const t = setup({ 'rollback-on-failure': 'false' }, 'blue', [new ScriptedSource('s', ['fail'])]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'failed', routerShows: 'green' });
    expect(report.reason).toMatch(/rollback-on-failure is false, so traffic was left on green/);
  });

  it('cannot roll back a first release, and says so', async () => {
    const t = setup({}, null, [new ScriptedSource('s', ['fail'])]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'failed', routerShows: 'blue' });
    expect(report.reason).toMatch(/first release, so there is no previous color/);
  });

  it('flips back at once when cancelled mid-window', async () => {
    const t = setup();
    t.clock.onSleep = (now) => {
      if (now - Date.parse('2026-01-01T00:00:00Z') >= 20_000) t.cancel.abort(new Error('received SIGINT'));
    };
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', routerShows: 'blue' });
    expect(report.reason).toBe('The run was cancelled (received SIGINT)');
    expect(t.state.values.phase).toBe('done');
  });

  it('skips the window with a note when no health checks are configured', async () => {
    const t = setup({ 'health-urls': '' }, 'blue', []);
    const report = await t.go();
    expect(report.result).toBe('promoted');
    expect(report.notes[0]).toMatch(/No health checks were configured/);
    expect(t.log.lines).toContain('warning: No health checks were configured (health-urls, health-checks), so the health window was not watched: nothing can roll this release back.');
  });
});

describe('run: traffic steps', () => {
  it('shifts step by step, watching each step for step-window', async () => {
    const source = new ScriptedSource('s', ['pass']);
    const t = setup({ 'traffic-steps': '10,50,100', 'step-window': '20s' }, 'blue', [source]);
    const report = await t.go();
    expect(report.result).toBe('promoted');
    expect(t.router.calls).toEqual(['weights green=10', 'weights green=50', 'flip green']);
    expect(report.steps).toEqual([
      { percent: 10, windowMs: 20_000, passed: true },
      { percent: 50, windowMs: 20_000, passed: true },
      { percent: 100, windowMs: 60_000, passed: true },
    ]);
  });

  it('sends everything back to the previous color when a middle step fails', async () => {
    const t = setup({ 'traffic-steps': '10,50,100', 'step-window': '20s' }, 'blue', [new ScriptedSource('s', ['pass', 'pass', 'pass', 'fail'])]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', routerShows: 'blue' });
    expect(report.reason).toMatch(/during the 50% step/);
    expect(t.router.calls).toEqual(['weights green=10', 'weights green=50', 'flip blue']);
  });
});

describe('run: other modes', () => {
  it('status and dry-run read the router and touch nothing', async () => {
    for (const given of [{ mode: 'status' }, { 'dry-run': 'true' }] as Record<string, string>[]) {
      const t = setup(given);
      const report = await t.go();
      expect(report).toMatchObject({ result: 'unchanged', routerShows: 'blue' });
      expect(t.router.calls).toEqual([]);
      expect(t.deployer.deployed).toEqual([]);
      expect(t.state.values.phase).toBe('done');
    }
  });

  it('stage deploys and smoke-tests only; promote flips to the staged color', async () => {
    const t = setup({ mode: 'stage' });
    expect((await t.go()).result).toBe('staged');
    expect(t.deployer.deployed).toEqual(['green']);
    expect(t.router.calls).toEqual([]);
    const p = setup({ mode: 'promote' });
    const report = await p.go();
    expect(report).toMatchObject({ result: 'promoted', target: 'green', routerShows: 'green' });
    expect(p.deployer.deployed).toEqual([]);
  });

  it('rollback flips to the other color at once, and succeeds', async () => {
    const t = setup({ mode: 'rollback' }, 'green');
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', target: 'blue', routerShows: 'blue', rolledBack: true });
  });

  it('rollback smoke-tests the color it returns to first, and refuses when it fails, unless emergency', async () => {
    const t = setup({ mode: 'rollback', 'smoke-urls': 'http://127.0.0.1:9/{color}', 'smoke-retries': '1' }, 'green');
    const report = await t.go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toMatch(/^Smoke test failed on blue: .*Live traffic was not touched\. Set emergency: true to roll back without this check\.$/);
    expect(t.router.calls).toEqual([]);
    const e = setup({ mode: 'rollback', 'smoke-urls': 'http://127.0.0.1:9/{color}', emergency: 'true' }, 'green');
    const forced = await e.go();
    expect(forced).toMatchObject({ result: 'rolled-back', routerShows: 'blue' });
    expect(forced.notes).toContain('Emergency rollback: the color returned to was not smoke-tested first.');
  });

  it('says when a rollback had no smoke tests to check the color it returns to', async () => {
    const report = await setup({ mode: 'rollback' }, 'green').go();
    expect(report.notes).toContain('No smoke tests are configured, so blue was not tested before traffic returned to it.');
  });

  it('rollback refuses when there is no live color', async () => {
    const report = await setup({ mode: 'rollback' }, null).go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toMatch(/no live color yet, so there is nothing to roll back/);
  });

  it('refuses to release onto a split router, and rollback sends all to the majority', async () => {
    const t = setup({}, 'blue');
    t.router.state = { active: 'blue', weights: { blue: 90, green: 10 } };
    expect((await t.go()).reason).toMatch(/is split \(blue 90%, green 10%\)/);
    const r = setup({ mode: 'rollback' });
    r.router.state = { active: 'blue', weights: { blue: 90, green: 10 } };
    expect(await r.go()).toMatchObject({ result: 'rolled-back', routerShows: 'blue' });
  });
});

/** A router whose later reads show something else: someone or something moved it behind the run's back. */
class DriftingRouter extends FakeRouter {
  reads = 0;
  constructor(
    active: string,
    private readonly drift: (reads: number, state: RouteState) => RouteState | Error | undefined,
  ) {
    super(active);
  }
  override async read(): Promise<RouteState> {
    const now = await super.read();
    const drifted = this.calls.length ? this.drift(++this.reads, now) : undefined;
    if (drifted instanceof Error) throw drifted;
    if (drifted) this.state = drifted;
    return { ...this.state };
  }
}

function withRouter(router: FakeRouter, given: Record<string, string> = {}, sources: HealthSource[] = []) {
  const t = setup(given, 'blue', sources);
  t.deps.router = router;
  router.fence = t.deps.fence;
  return { ...t, router };
}

describe('run: the verdict is what the router shows at the end', () => {
  it('fails the window at once when the router stops showing the target mid-window, and says so', async () => {
    // Reads after the flip: 1 read-back, then one per sample; someone flips back to blue at the 3rd.
    const router = new DriftingRouter('blue', (n) => (n === 3 ? { active: 'blue' } : undefined));
    const t = withRouter(router, { 'failure-threshold': '5' }, [new ScriptedSource('http://live/', ['pass'])]);
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', active: 'blue', routerShows: 'blue' });
    expect(report.reason).toMatch(/^router \(fake router\): no longer shows green: it shows blue \(changed outside this run, or reverted by a reload\)/);
    expect(report.samples.filter((s) => s.source === 'router (fake router)').map((s) => s.status)).toEqual(['pass', 'fail']);
  });

  it('is failed, not promoted, when the router shows another color at the end', async () => {
    const router = new DriftingRouter('blue', (n) => (n === 2 ? { active: 'blue' } : undefined));
    const report = await withRouter(router, { 'health-window': '0s' }).go();
    expect(report).toMatchObject({ result: 'failed', active: 'blue', routerShows: 'blue' });
    expect(report.reason).toBe('the router shows blue at the end, not green: it was changed outside this run');
    expect(report.advice).toMatch(/it shows blue/);
  });

  it('is failed when the router shows the target, but rewritten by something else after the flip', async () => {
    const router = new DriftingRouter('blue', (n, state) => ({ ...state, revision: n === 1 ? 'r1' : 'r2' }));
    const report = await withRouter(router, { 'health-window': '0s' }).go();
    expect(report.result).toBe('failed');
    expect(report.reason).toMatch(/rewritten after this run's flip by something else/);
  });

  it('reads the router again when one read at the end fails', async () => {
    const router = new DriftingRouter('blue', (n) => (n === 2 ? new Error('connection reset') : undefined));
    const report = await withRouter(router, { 'health-window': '0s' }).go();
    expect(report).toMatchObject({ result: 'promoted', active: 'green', reason: '' });
  });

  it('leaves active-color empty and says why when the router cannot be read at the end', async () => {
    const router = new DriftingRouter('blue', (n) => (n >= 2 ? new Error('connection refused') : undefined));
    const report = await withRouter(router, { 'health-window': '0s' }).go();
    expect(report.result).toBe('failed');
    expect(report.active).toBeUndefined();
    expect(report.reason).toBe('the router could not be read at the end (connection refused), so active-color is empty');
    expect(report.routerShows).toBe('unknown: the router could not be read (connection refused)');
  });

  it('does not repeat, in what the router shows, an error the reason already says', async () => {
    const router = new DriftingRouter('blue', () => new Error('connection refused'));
    const report = await withRouter(router, { 'health-window': '0s' }).go();
    expect(report.routerShows).toBe('unknown: the router could not be read (the same error as the reason)');
  });
});

describe('run: cancel stops at once', () => {
  it('does nothing when cancelled before it began', async () => {
    const t = setup();
    t.cancel.abort(new Error('received SIGINT'));
    const report = await t.go();
    expect(report).toMatchObject({ result: 'aborted', reason: 'The run was cancelled (received SIGINT)' });
    expect(t.deployer.deployed).toEqual([]);
    expect(t.router.calls).toEqual([]);
    expect(t.router.locked).toBe(0);
  });

  it('stops in validation and never deploys after it', async () => {
    const source = new ScriptedSource('errors', ['pass']);
    const t = setup({}, 'blue', [source]);
    source.validate = () => {
      t.cancel.abort(new Error('received SIGINT'));
      return Promise.reject(new Error('aborted'));
    };
    const report = await t.go();
    expect(report.result).toBe('aborted');
    expect(t.deployer.deployed).toEqual([]);
    expect(report.phases.map((p) => p.name)).toEqual(['discover', 'validate checks']);
  });

  it('refuses what the router found missing before taking its lock', async () => {
    const t = setup();
    t.router.preflight = async () => [`Input 'nginx-conf': /etc/nginx is a directory; expected the path of the include file the action owns.`];
    const report = await t.go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toBe(`Invalid input; nothing was touched. Input 'nginx-conf': /etc/nginx is a directory; expected the path of the include file the action owns.`);
    expect(t.log.lines).toContain(`error: Input 'nginx-conf': /etc/nginx is a directory; expected the path of the include file the action owns.`);
    expect(t.deployer.deployed).toEqual([]);
    expect(t.router.locked).toBe(0);
  });
});

/** A router that keeps staged-version records, as the nginx and HAProxy routers do beside their files. */
class RecordingRouter extends FakeRouter {
  staged = new Map<string, StagedRecord>();
  async recordStaged(color: string, record: StagedRecord) {
    this.staged.set(color, record);
  }
  async readStaged(color: string) {
    return this.staged.get(color);
  }
}

describe('run: promote only what was staged', () => {
  it('records the staged version, promotes it, and refuses any other version before traffic moves', async () => {
    const router = new RecordingRouter('blue');
    const stage = withRouter(router, { mode: 'stage', version: 'v2' });
    stage.deps.job = 'run 1 attempt 1, job stage';
    expect((await stage.go()).result).toBe('staged');
    expect(router.staged.get('green')).toMatchObject({ version: 'v2', by: 'run 1 attempt 1, job stage' });

    const wrong = await withRouter(router, { mode: 'promote', version: 'v3' }).go();
    expect(wrong.result).toBe('aborted');
    expect(wrong.reason).toMatch(/^green holds v2 \(staged at .* by run 1 attempt 1, job stage\), not v3, the version this run was asked to promote\. .* Live traffic was not touched\.$/);
    expect(router.calls).toEqual([]);

    const right = await withRouter(router, { mode: 'promote', version: 'v2' }).go();
    expect(right).toMatchObject({ result: 'promoted', active: 'green' });
  });

  it('refuses to promote a color on which nothing was staged', async () => {
    const report = await withRouter(new RecordingRouter('blue'), { mode: 'promote', version: 'v2' }).go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toMatch(/^Nothing was staged on green: "promote" only promotes what "stage" recorded there/);
  });

  it('says so when the router cannot record versions, and promotes', async () => {
    const report = await setup({ mode: 'promote' }).go();
    expect(report.result).toBe('promoted');
    expect(report.notes).toContain('fake router cannot record which version a color holds, so "promote" could not check that green holds v2.');
  });
});

describe('run: rollback only-if-version', () => {
  const record = (version: string): StagedRecord => ({ version, at: '2026-01-01T00:00:00Z', by: 'run 7 attempt 1, job wave' });
  const rollback = (router: FakeRouter, version = 'v2') => withRouter(router, { mode: 'rollback', 'only-if-version': version });

  it('flips back when the live color serves the version, having checked under the lock before any write', async () => {
    const router = new RecordingRouter('green');
    router.staged.set('green', record('v2'));
    router.staged.set('blue', record('v1'));
    const t = rollback(router);
    const read: number[] = [];
    router.readStaged = async (color: string) => (read.push(t.router.locked), router.staged.get(color));
    const report = await t.go();
    expect(report).toMatchObject({ result: 'rolled-back', active: 'blue', liveVersion: { expected: 'v2', color: 'green', serves: 'v2', returnsTo: 'v1' } });
    expect(read).toEqual([1, 1]);
    expect(router.calls).toEqual(['flip blue']);
    expect(report.phases.map((p) => p.name)).toEqual(['discover', 'check live version', 'rollback']);
  });

  it('refuses, untouched, when someone released another version since', async () => {
    const router = new RecordingRouter('blue');
    router.staged.set('blue', record('v3'));
    const report = await rollback(router).go();
    expect(report).toMatchObject({ result: 'aborted', active: 'blue', rolledBack: false, liveVersion: { expected: 'v2', color: 'blue', serves: 'v3' } });
    expect(report.reason).toBe('blue (the live color) serves v3 (deployed at 2026-01-01T00:00:00Z by run 7 attempt 1, job wave), not v2: it was released again since, so this rollback left it untouched.');
    expect(router.calls).toEqual([]);
  });

  it('refuses, untouched, when it cannot tell: no record, a router that keeps none, a split', async () => {
    const none = await rollback(new RecordingRouter('green')).go();
    expect(none).toMatchObject({ result: 'aborted', liveVersion: { expected: 'v2', color: 'green' } });
    expect(none.liveVersion?.serves).toBeUndefined();
    expect(none.reason).toBe('Nothing records which version green (the live color) serves, so only-if-version could not check that v2 is live, and nothing was changed.');

    const blind = await rollback(new FakeRouter('green')).go();
    expect(blind).toMatchObject({ result: 'aborted' });
    expect(blind.reason).toMatch(/^fake router keeps no record of which version a color serves, so only-if-version could not check that v2 is live, and nothing was changed\. Roll back without/);

    const split = new RecordingRouter('green');
    split.state = { active: 'green', weights: { blue: 10, green: 90 } };
    split.staged.set('green', record('v2'));
    const report = await rollback(split).go();
    expect(report).toMatchObject({ result: 'aborted' });
    expect(report.reason).toMatch(/^fake router is split \(blue 10%, green 90%\), so only-if-version could not check/);
    expect(split.calls).toEqual([]);
  });

  it('a record that cannot be read is an abort, untouched', async () => {
    const router = new RecordingRouter('green');
    router.readStaged = async () => {
      throw new Error('green.staged does not hold a staged-version record');
    };
    const report = await rollback(router).go();
    expect(report).toMatchObject({ result: 'aborted', reason: expect.stringMatching(/^green\.staged does not hold a staged-version record/) });
    expect(router.calls).toEqual([]);
  });
});

describe('run: exclusion that fences', () => {
  it('a lock lost mid-window fails the window, writes nothing more (no flip back) and ends failed naming it', async () => {
    const t = setup({ 'failure-threshold': '5' });
    t.clock.onSleep = (now) => {
      if (now >= Date.parse('2026-01-01T00:00:30Z')) t.router.lockLost = 'Lease "x" was last confirmed 21.0 s ago';
    };
    const report = await t.go();
    expect(report.result).toBe('failed');
    expect(report.reason).toMatch(/this run lost its exclusive hold on the router \(Lease "x" was last confirmed 21\.0 s ago\)/);
    expect(report.reason).toMatch(/It wrote nothing after that: traffic was left as the router shows it/);
    expect(t.router.calls).toEqual(['flip green']);
    expect(report).toMatchObject({ routerShows: 'green', active: 'green', rolledBack: false });
  });

  it('a lock lost before the flip refuses the flip: aborted, traffic untouched', async () => {
    const t = setup();
    t.router.lockLost = 'the lock file x now names run 9';
    const report = await t.go();
    expect(report.result).toBe('aborted');
    expect(report.reason).toMatch(/flip to green was refused: this run lost its exclusive hold on the router \(the lock file x now names run 9\).*Live traffic was not touched/);
    expect(t.router.calls).toEqual([]);
    expect(report.routerShows).toBe('blue');
  });

  it('a lock lost between two traffic steps stops there: no further step, no flip back', async () => {
    const t = setup({ 'traffic-steps': '10,100', 'step-window': '20s', 'failure-threshold': '5' });
    t.clock.onSleep = () => {
      if (t.router.calls.length === 1) t.router.lockLost = 'renewal refused';
    };
    const report = await t.go();
    expect(report.result).toBe('failed');
    expect(t.router.calls).toEqual(['weights green=10']);
    expect(report.routerShows).toBe('blue 90%, green 10%');
  });

  it('reads the verdict after scale-down-delay: a rollback by someone else during it is what the outputs say', async () => {
    const t = setup();
    t.router.afterPromotion = async () => {
      t.router.state = { active: 'blue' }; // someone rolled back during the delay
      return 'Did not scale blue down: fake router shows blue now, not green alone.';
    };
    const report = await t.go();
    expect(report).toMatchObject({ result: 'failed', active: 'blue', routerShows: 'blue' });
    expect(report.reason).toMatch(/the router shows blue at the end, not green: it was changed outside this run/);
    expect(report.notes).toContain('Did not scale blue down: fake router shows blue now, not green alone.');
  });

  it('holds the lock until the caller released it (after the outputs), and refuses writes after that', async () => {
    const t = setup();
    const report = await run(t.settings, t.deps);
    expect(report.result).toBe('promoted');
    expect(t.router.locked).toBe(1);
    await t.fence.release();
    expect(t.router.locked).toBe(0);
    await expect(t.router.flip('blue', { active: 'green' })).rejects.toThrow(/already released its lock/);
  });
});
