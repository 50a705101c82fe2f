// The pitfalls the core handles for every router: warm-up (warmup-urls), the version a smoke test
// asserts (expect-version), and what the summary says of the color traffic left (Router.drain).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/infra/clock.js';
import { Fence } from '../../src/infra/fence.js';
import { Problems } from '../../src/infra/parse.js';
import { smokeIdle } from '../../src/phases/smoke.js';
import { versionMismatch } from '../../src/probes/probe.js';
import { warmUp, warmupsFromLines } from '../../src/probes/warmup.js';
import { newReport } from '../../src/report/model.js';
import { renderSummary } from '../../src/report/summary.js';
import { graceSeconds, podDrain, scaleDownProblem } from '../../src/routers/kubernetes/drain.js';
import type { RunDeps } from '../../src/run-deps.js';
import { run } from '../../src/run.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import type { Color, Drain } from '../../src/types.js';
import { FakeClock, FakeDeployer, FakeRouter, MemoryState, RecordingLog, ScriptedSource, inputs } from '../../test-support/fakes.js';

const base = { router: 'command', 'router-get-command': 'get', 'router-set-command': 'set {color}', version: 'v2', 'health-urls': 'http://live/', 'health-window': '1m' };

function problemsOf(given: Record<string, string>): string[] {
  try {
    readSettings(inputs({ ...base, ...given }));
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

describe('warmup-urls', () => {
  it('takes a URL, with a count or a duration; one request by default; smoke-headers go with it', () => {
    const s = readSettings(inputs({ ...base, 'warmup-urls': 'http://idle/{color}/\nhttp://idle/a 20\nhttp://idle/b 30s', 'smoke-headers': 'Authorization: Bearer abcdef' }));
    const headers = { Authorization: 'Bearer abcdef' };
    expect(s.smoke.warmups).toEqual([
      { url: 'http://idle/{color}/', headers, count: 1 },
      { url: 'http://idle/a', headers, count: 20 },
      { url: 'http://idle/b', headers, forMs: 30_000 },
    ]);
  });

  it.each(['http://idle/ twice', 'http://idle/ 0', 'http://idle/ 10001', 'http://idle/ 31m', 'http://idle/ 5 10s'])('refuses "%s", naming the input and the form', (line) => {
    expect(problemsOf({ 'warmup-urls': line })).toEqual([
      `Input 'warmup-urls': got "${line}"; expected a URL of the idle color ({color} is filled in), then optionally a count of requests (e.g. 20, at most 10000) or how long to keep requesting (a number with a unit, e.g. 500ms, 30s, 5m, 1h, at most 30m), one per line.`,
    ]);
  });

  it('masks a password in a warm-up URL', () => {
    expect(readSettings(inputs({ ...base, 'warmup-urls': 'https://user:hunter22@idle/{color}/ 5' })).secrets).toContain('hunter22');
  });

  it('refuses a line that is not a URL', () => {
    expect(problemsOf({ 'warmup-urls': 'idle/{color} 3' })[0]).toMatch(/^Input 'warmup-urls': got "idle\/\{color\}"/);
  });
});

describe('expect-version', () => {
  it('applies to every smoke test that does not set its own; a test may set another or none', () => {
    const tests = ['- url: http://idle/a', '- url: http://idle/b', '  expect-version: json:build.version', '- url: http://idle/c', '  expect-version: none'].join('\n');
    const s = readSettings(inputs({ ...base, 'smoke-urls': 'http://idle/{color}/', 'smoke-tests': tests, 'expect-version': 'header:X-Version' }));
    expect(s.smoke.probes.map((p) => p.expectVersion)).toEqual([{ header: 'X-Version' }, { header: 'X-Version' }, { json: ['build', 'version'] }, undefined]);
  });

  it('is also a key of http health checks, where no input sets it', () => {
    const s = readSettings(inputs({ ...base, 'health-urls': '', 'health-checks': '- type: http\n  name: live\n  url: http://live/\n  expect-version: header:x-version' }));
    expect(JSON.stringify(s.health.checks)).toContain('"expectVersion":{"header":"x-version"}');
  });

  it.each(['x-version', 'header:', 'header:X Version', 'json:', 'json:build..version', 'body:version'])('refuses "%s", naming the input and the forms', (value) => {
    expect(problemsOf({ 'smoke-urls': 'http://idle/', 'expect-version': value })).toEqual([
      `Input 'expect-version': got "${value}"; expected header:NAME (a response header, e.g. header:X-Version) or json:PATH (a field of a JSON body, e.g. json:version or json:build.version) whose value must equal \`version\`; none: no check.`,
    ]);
  });

  it('names the smoke test whose key is bad, and is refused with no smoke test to apply to', () => {
    expect(problemsOf({ 'smoke-tests': '- url: http://idle/\n  expect-version: 3' })[0]).toMatch(/^Input 'smoke-tests\[0\]\.expect-version': got "3"; expected header:NAME/);
    expect(problemsOf({ 'expect-version': 'header:x-version' })).toEqual(["Input 'expect-version': applies to smoke tests, and none are given; add smoke-urls or smoke-tests, or remove it."]);
    expect(problemsOf({ 'expect-version': 'none' })).toEqual([]);
  });
});

describe('the version an answer names', () => {
  const headers = { 'x-version': 'v1' };
  it('passes when the header or JSON field equals the version', () => {
    expect(versionMismatch({ header: 'X-Version' }, { 'x-version': ' v2 ' }, '', 'v2')).toBeUndefined();
    expect(versionMismatch({ json: ['build', 'version'] }, {}, '{"build":{"version":"v2"}}', 'v2')).toBeUndefined();
    expect(versionMismatch({ json: ['build'] }, {}, '{"build":42}', '42')).toBeUndefined();
  });

  it('says which version answered, where, and the one expected', () => {
    expect(versionMismatch({ header: 'X-Version' }, headers, '', 'v2')).toBe('it answers version "v1" (header X-Version), not "v2", the version being released');
    expect(versionMismatch({ json: ['version'] }, {}, '{"version":"v1"}', 'v2')).toBe('it answers version "v1" (JSON field version), not "v2", the version being released');
  });

  it('fails an answer that names no version', () => {
    expect(versionMismatch({ header: 'X-Build' }, headers, '', 'v2')).toBe('the answer has no header X-Build, so it names no version (expected "v2")');
    expect(versionMismatch({ json: ['build', 'version'] }, {}, '{"build":"v2"}', 'v2')).toBe('the answer has no JSON field build.version, so it names no version (expected "v2")');
    expect(versionMismatch({ json: ['version'] }, {}, '<html>', 'v2')).toBe('the body is not JSON, so it names no version (expect-version json:version)');
  });

  it('makes server text inert and short before it reaches the log', () => {
    const said = versionMismatch({ json: ['version'] }, {}, JSON.stringify({ version: `::set-output name=x::y\n${'z'.repeat(100)}` }), 'v2')!;
    expect(said).not.toMatch(/(^|\s)::/);
    expect(said).toMatch(/"[^"]{60,70}\.\.\."/);
  });
});

describe('warm-up and smoke tests against a real server', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let version = 'v1';
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(req.url === '/down' ? 503 : 200, { 'x-version': version }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  /** A clock whose monotonic time moves 100 ms at each look: a duration line's requests are counted exactly. */
  function steppingClock(): Clock {
    let t = 0;
    return { now: () => Date.now(), monotonic: () => (t += 100), sleep: async () => undefined };
  }
  const options = (clock: Clock = steppingClock()) => ({ timeoutMs: 2000, retries: 2, clock, signal: new AbortController().signal });

  it('sends a count line its count of requests, a duration line requests until the time is up, each with its color', async () => {
    seen.length = 0;
    const warmups = warmupsFromLines(new Problems(), 'warmup-urls', `${url}/{color}/a 5\n${url}/{color}/b 1s`, {});
    const records = await warmUp(warmups, { color: 'green', version: 'v2' }, options());
    expect(records.map((r) => [r.url, r.planned, r.requests, r.ok])).toEqual([
      [`${url}/green/a`, '5 request(s)', 5, true],
      [`${url}/green/b`, 'for 1s', 10, true],
    ]);
    expect(seen.filter((path) => path === '/green/a')).toHaveLength(5);
    expect(seen.filter((path) => path === '/green/b')).toHaveLength(10);
  });

  it('stops at a request that fails every attempt, saying which', async () => {
    const records = await warmUp(warmupsFromLines(new Problems(), 'warmup-urls', `${url}/down 5`, {}), { color: 'green', version: 'v2' }, options());
    expect(records).toMatchObject([{ requests: 0, ok: false, detail: 'request 1 failed: expected 2xx, got 503' }]);
  });

  it('a smoke test fails on another version, except in a rollback, which returns to the previous release', async () => {
    version = 'v1';
    const smoke = readSettings(inputs({ ...base, 'smoke-urls': `${url}/{color}/`, 'expect-version': 'header:x-version', 'smoke-retries': '1' })).smoke;
    const idle = { vars: { color: 'green', version: 'v2', previous: 'blue' }, clock: new FakeClock(), log: new RecordingLog(), signal: new AbortController().signal };
    const checked = await smokeIdle(smoke, idle, true);
    expect(checked.failed).toBe(`Smoke test failed on green: ${url}/green/: 200, but it answers version "v1" (header x-version), not "v2", the version being released. Live traffic was not touched.`);
    expect((await smokeIdle(smoke, idle, false)).failed).toBeUndefined();
    version = 'v2';
    expect((await smokeIdle(smoke, idle, true)).failed).toBeUndefined();
  });
});

describe('Kubernetes: the drain its pods declare', () => {
  const deployment = (grace?: number) => ({ spec: { template: { spec: grace === undefined ? {} : { terminationGracePeriodSeconds: grace } } } });

  it('reads terminationGracePeriodSeconds, 30 s when the pod template sets none', () => {
    expect(graceSeconds(deployment(120))).toBe(120);
    expect(graceSeconds(deployment())).toBe(30);
  });

  it('says when the color left is idle: after scale-down-delay and the grace, or kept running', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(podDrain('blue', 'app-blue', 60, 300_000, now)).toEqual({
      ms: 360_000,
      note: 'Deployment app-blue (blue) is scaled to 0 after scale-down-delay (5m), then its pods get up to 60 s (terminationGracePeriodSeconds) to finish requests in flight: blue is idle by 2026-01-01T00:06:00.000Z.',
    });
    expect(podDrain('blue', 'app-blue', 60, 0, now).note).toBe(
      'blue keeps running (scale-down-delay is empty), so requests in flight there finish; when Deployment app-blue is scaled down, its pods get up to 60 s (terminationGracePeriodSeconds) to finish theirs.',
    );
  });

  it('refuses a scale-down-delay shorter than that drain, naming the input and the least it accepts', () => {
    expect(scaleDownProblem('app-blue', 90, 30_000)).toBe(
      `Input 'scale-down-delay': got "30s", shorter than the 90 s the pods of Deployment app-blue may take to drain (terminationGracePeriodSeconds); expected at least 1m 30s, or empty to keep the previous color running.`,
    );
    expect(scaleDownProblem('app-blue', 90, 90_000)).toBeUndefined();
    expect(scaleDownProblem('app-blue', 90, 0)).toBeUndefined();
  });
});

/** A router that tells how the color left drains, and records when it was asked. */
class DrainingRouter extends FakeRouter {
  asked: string[] = [];
  constructor(private readonly said: Drain | Error) {
    super('blue');
  }
  async drain(left: Color): Promise<Drain> {
    this.asked.push(`drain ${left}`);
    if (this.said instanceof Error) throw this.said;
    return this.said;
  }
}

async function release(router: DrainingRouter, given: Record<string, string> = {}, result = 'pass') {
  const settings = readSettings(inputs({ ...base, ...given }));
  const fence = new Fence();
  router.fence = fence;
  const deps: RunDeps = { router, deployer: new FakeDeployer(), healthSources: async () => [new ScriptedSource('http://live/', [result as 'pass'])], clock: new FakeClock(), log: new RecordingLog(), state: new MemoryState(), signal: new AbortController().signal, fence };
  const report = await run(settings, deps);
  await fence.release();
  return report;
}

describe('after a promotion, the summary says how the color left drains', () => {
  const drain: Drain = { ms: 300_000, note: 'blue may finish requests for 300 s.', sessions: 'clients bound to blue stay there for 120 s.' };

  it('asks the router about the previous color, before afterPromotion scales it down', async () => {
    const router = new DrainingRouter(drain);
    router.afterPromotion = async (_target, previous) => (router.asked.push(`scale down ${previous}`), undefined);
    const report = await release(router);
    expect(report.result).toBe('promoted');
    expect(router.asked).toEqual(['drain blue', 'scale down blue']);
    expect(report.drain).toEqual({ color: 'blue', seconds: 300, note: drain.note, sessions: drain.sessions });
    expect(renderSummary(report)).toContain('### blue after the flip\n\n- **Draining:** blue may finish requests for 300 s.\n- **Sessions:** clients bound to blue stay there for 120 s.\n');
  });

  it('does not ask after a rollback, and a router that cannot tell leaves a note, still promoted', async () => {
    const rolledBack = new DrainingRouter(drain);
    expect((await release(rolledBack, {}, 'fail')).result).toBe('rolled-back');
    expect(rolledBack.asked).toEqual([]);
    const report = await release(new DrainingRouter(new Error('target group not found')));
    expect(report.result).toBe('promoted');
    expect(report.drain).toBeUndefined();
    expect(report.notes).toContain('Could not tell how long blue keeps draining: target group not found');
  });

  it('renders the warm-up: asked, answered, first, last and slowest latency, not judged', () => {
    const report = { ...emptyReport(), warmup: [{ url: 'http://idle/green/', planned: '20 request(s)', requests: 20, ok: true, firstMs: 812, lastMs: 9, slowestMs: 812, detail: '' }] };
    expect(renderSummary(report)).toContain('| ✅ http://idle/green/ | 20 request(s) | 20 | 812ms | 9ms | 812ms |  |');
  });
});

function emptyReport() {
  const thresholds = { failure: 1, error: 3, intervalMs: 10_000, windowMs: 60_000 };
  return newReport(new FakeClock(), { mode: 'deploy', dryRun: false, router: 'fake', version: 'v2', colors: ['blue', 'green'], thresholds });
}
