import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { haproxyInputs, startHaproxy } from '../../test-support/haproxy.mjs';
import { get, post, startApps, startTraffic } from '../../test-support/peers.mjs';
import { startPrometheus } from '../../test-support/prometheus.mjs';
import { runAction } from '../../test-support/runner.mjs';

/** Share of 5xx answers of one color over the last 5 s (1 s scrapes). NaN, so no data, without traffic. */
const ERROR_RATIO = 'sum(rate(http_requests_total{color="{color}",status="503"}[5s])) / sum(rate(http_requests_total{color="{color}"}[5s]))';

let apps: { ports: Record<string, number>; env: Record<string, string>; stop(): void };
let haproxy: { url: string; stop(): void };
let prometheus: { url: string; stop(): Promise<void>; start(): Promise<void>; destroy(): Promise<void> };
let traffic: { stop(): Promise<number> } | undefined;

beforeAll(async () => {
  apps = await startApps();
  haproxy = await startHaproxy({ ports: apps.ports });
  prometheus = await startPrometheus({ ports: apps.ports });
});
afterAll(async () => {
  await traffic?.stop();
  await prometheus.destroy();
  haproxy.stop();
  apps.stop();
});

/** Each test starts from blue live, with client traffic, and Prometheus running. */
beforeEach(async () => {
  await traffic?.stop();
  traffic = undefined;
  await prometheus.start().catch(() => undefined);
  const back = await runAction({ ...base(), mode: 'rollback', 'deploy-command': '', 'health-checks': '' });
  if (back.outputs['active-color'] !== 'blue') await runAction({ ...base(), mode: 'rollback', 'deploy-command': '', 'health-checks': '' });
});

function base(checks: string[] = [], over: Record<string, string> = {}): Record<string, string> {
  return {
    ...haproxyInputs(haproxy, apps),
    'smoke-urls': '',
    'health-urls': '',
    'prometheus-url': prometheus.url,
    'health-checks': checks.join('\n'),
    'health-interval': '1s',
    'health-window': '8s',
    version: 'v2',
    ...over,
  };
}

/** The samples of the Prometheus checks (the router is sampled too, as its own source). */
function checkSamples(run: { report(): { samples: { source: string; status: string }[] } }) {
  return run.report().samples.filter((s) => !s.source.startsWith('router ('));
}

/** Lets errors of a previous test age out of the 5 s rate window before the next one deploys. */
const settle = () => new Promise((r) => setTimeout(r, 6000));

const errorCheck = (extra: string[] = []) => ['- name: error ratio', '  type: prometheus', `  query: '${ERROR_RATIO}'`, ...extra];

/** Runs the action; `whenWatching` runs once the health window has started. */
function release(inputs: Record<string, string>, whenWatching?: () => void, env: Record<string, string> = {}) {
  let fired = false;
  return runAction(inputs, {
    env: { ...apps.env, ...env },
    onOutput: (chunk: string) => {
      if (!fired && whenWatching && chunk.includes('::group::watch')) {
        fired = true;
        whenWatching();
      }
    },
  });
}

describe('prometheus health checks against a real Prometheus scraping real apps', () => {
  it('rolls back when errors are injected into the new color, naming the check and value', async () => {
    traffic = startTraffic(haproxy.url);
    let injectedAt = 0;
    try {
      const run = await release(base(errorCheck(['  max: 0.1']), { 'health-window': '30s' }), () => {
        setTimeout(() => {
          injectedAt = Date.now();
          void post(`http://127.0.0.1:${apps.ports.green}/__fault`);
        }, 3000);
      });
      expect(run.outputs.result).toBe('rolled-back');
      expect(run.outputs.reason).toMatch(/^error ratio: (1|0\.\d+) > max 0\.1 \(1 failing sample\(s\) in a row during the health window\)$/);
      expect((await get(haproxy.url)).color).toBe('blue');
      const samples = run.report().samples as { status: string; at: string }[];
      expect(samples.map((s) => s.status)).toContain("pass");
      const failed = samples.find((s) => s.status === 'fail')!;
      expect(Date.parse(failed.at) - injectedAt).toBeLessThan(10_000);
      expect(run.summary()).toMatch(/\| error ratio \| \d+ \| \d+ \| 1 \| 0 \| \d+ \|/);
    } finally {
      await post(`http://127.0.0.1:${apps.ports.green}/__heal`);
      await settle();
    }
  });

  it('promotes a healthy new color under the same query (no false rollback)', async () => {
    traffic = startTraffic(haproxy.url);
    const run = await release(base(errorCheck(['  max: 0.1']), { 'prometheus-headers': 'Authorization: Bearer prom-token-1234' }));
    expect(run.outputs.result).toBe('promoted');
    expect(run.stdout).toContain('::add-mask::Bearer prom-token-1234');
    expect(run.stdout).toContain('::add-mask::prom-token-1234'); // servers echo the bare token
    const written = run.stdout.replace(/^::add-mask::.*$/gm, '') + run.summary() + JSON.stringify(run.outputs) + JSON.stringify(run.report());
    expect(written).not.toContain('prom-token-1234');
    const samples = checkSamples(run);
    expect(samples.filter((s) => s.status === 'pass').length).toBeGreaterThanOrEqual(3);
    expect(samples.some((s) => s.status === 'fail' || s.status === 'error')).toBe(false);
  });

  it.each([
    ['pass', 'promoted', /^$/],
    ['fail', 'rolled-back', /^error ratio: no data \(on-no-data: fail\) \(1 failing sample/],
    ['wait', 'rolled-back', /^error ratio: no data during all of the health window \(on-no-data: wait\)/],
  ])('with no traffic to the new color, on-no-data %s gives %s', async (policy, result, reason) => {
    await settle(); // traffic of earlier tests must leave the 5 s rate window
    const run = await release(base(errorCheck(['  max: 0.1', `  on-no-data: ${policy}`]), { 'health-window': '4s' }));
    expect(run.outputs.result).toBe(result);
    expect(run.outputs.reason).toMatch(reason);
    expect(checkSamples(run).some((s) => s.status === (policy === 'wait' ? 'no-data' : policy))).toBe(true);
  });

  it('counts a Prometheus outage as errors, and rolls back only after error-threshold', async () => {
    traffic = startTraffic(haproxy.url);
    const stopped = await release(base(errorCheck(['  max: 0.1', '  on-no-data: pass']), { 'health-window': '30s', 'error-threshold': '3' }), () => {
      setTimeout(() => void prometheus.stop(), 1500);
    });
    expect(stopped.outputs.result).toBe('rolled-back');
    expect(stopped.outputs.reason).toMatch(/^error ratio: could not be measured 3 time\(s\) in a row during the health window: Prometheus unreachable/);
    const statuses = checkSamples(stopped).map((s) => s.status);
    expect(statuses.slice(-3)).toEqual(['error', 'error', 'error']);
    expect(statuses.filter((s) => s === 'error')).toHaveLength(3);
    expect(statuses.length).toBeGreaterThan(3); // it measured before the outage
  });

  it('rides out an outage shorter than error-threshold', async () => {
    traffic = startTraffic(haproxy.url);
    const run = await release(base(errorCheck(['  max: 0.1', '  on-no-data: pass']), { 'health-window': '14s', 'error-threshold': '6' }), () => {
      setTimeout(async () => {
        await prometheus.stop();
        setTimeout(() => void prometheus.start(), 1500);
      }, 1000);
    });
    expect(run.outputs.result).toBe('promoted');
    const statuses = checkSamples(run).map((s) => s.status);
    expect(statuses.filter((s) => s === 'error').length).toBeGreaterThanOrEqual(1);
    expect(statuses.at(-1)).toBe('pass');
  });

  it('a baseline check catches an error rate below a fixed max but far above the old color', async () => {
    traffic = startTraffic(haproxy.url);
    await new Promise((r) => setTimeout(r, 6000)); // blue builds a 5 s history of clean traffic
    const fixedOnly = await release(base(errorCheck(['  max: 0.1', '  on-no-data: pass'])), undefined, { ERROR_RATE: '0.04' });
    expect(fixedOnly.outputs.result).toBe('promoted');
    await runAction({ ...base(), mode: 'rollback', 'deploy-command': '' });
    await new Promise((r) => setTimeout(r, 6000));
    const withBaseline = await release(
      base(errorCheck(['  max: 0.1', '  on-no-data: pass', '  baseline: true', '  max-increase: 0.01']), { version: 'v3' }),
      undefined,
      { ERROR_RATE: '0.04' },
    );
    expect(withBaseline.outputs.result).toBe('rolled-back');
    expect(withBaseline.outputs.reason).toMatch(/^error ratio: 0\.0\d+ > 0\.01, the limit from the previous color's baseline 0 /);
    expect(withBaseline.summary()).toMatch(/error ratio: baseline from blue is 0; limit 0\.01\./);
    await settle();
  });

  it('a query Prometheus cannot parse is a bad input, caught before anything is touched', async () => {
    // The version line only: the app left by the test before fails a share of requests on purpose.
    const version = async () => (await get(`${haproxy.url}/preview/green/`)).body.split(' ').slice(0, 2).join(' ').trim();
    const before = await version();
    const run = await release(base(['- name: broken', '  type: prometheus', '  query: sum(rate(http_requests_total[5s]', '  max: 1']));
    expect(run.outputs.result).toBe('aborted');
    expect(run.stdout).toMatch(/::error title=Invalid input::Input 'health-checks': the query of check "broken" was refused by Prometheus \(Prometheus answered 400: bad_data: .*parse error/);
    expect(await version()).toBe(before);
    expect((await get(haproxy.url)).color).toBe('blue');
  });
});
