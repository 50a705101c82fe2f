// Ranges that judge only the new version: right after a deploy, a range like [30s] still holds what the
// idle color ran before (here a version that failed half its requests). {since-flip} starts the range
// at the flip, {version} selects the release's own series. Real Prometheus scraping real apps every 1 s.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { haproxyInputs, startHaproxy } from '../../test-support/haproxy.mjs';
import { startApps, startTraffic } from '../../test-support/peers.mjs';
import { startPrometheus } from '../../test-support/prometheus.mjs';
import { runAction } from '../../test-support/runner.mjs';

let apps: { ports: Record<string, number>; env: Record<string, string>; stop(): void };
let haproxy: { url: string; stop(): void };
let prometheus: { url: string; destroy(): Promise<void> };
let traffic: { stop(): Promise<number> };

beforeAll(async () => {
  apps = await startApps();
  haproxy = await startHaproxy({ ports: apps.ports });
  prometheus = await startPrometheus({ ports: apps.ports });
  traffic = startTraffic(haproxy.url);
});
afterAll(async () => {
  await traffic.stop();
  await prometheus.destroy();
  haproxy.stop();
  apps.stop();
});

function inputs(over: Record<string, string> = {}): Record<string, string> {
  return { ...haproxyInputs(haproxy, apps), 'smoke-urls': '', 'health-urls': '', 'prometheus-url': prometheus.url, 'health-interval': '1s', 'health-window': '6s', ...over };
}

const ratio = (selector: string, range: string) =>
  `sum(rate(http_requests_total{${selector},status="503"}[${range}])) / sum(rate(http_requests_total{${selector}}[${range}]))`;
const check = (query: string) => ['- name: error ratio', '  type: prometheus', `  query: '${query}'`, '  max: 0.1', '  scrape-interval: 1s'].join('\n');

/** Green serves for a while as `version` with `errorRate`, then traffic goes back to blue: green is idle with that history. */
async function greenHistory(version: string, errorRate: string, serveMs: number) {
  const served = await runAction(inputs({ version, 'health-window': '0s' }), { env: { ...apps.env, ERROR_RATE: errorRate } });
  expect(served.outputs['active-color']).toBe('green');
  await new Promise((r) => setTimeout(r, serveMs));
  const back = await runAction(inputs({ mode: 'rollback', 'deploy-command': '' }));
  expect(back.outputs['active-color']).toBe('blue');
}

beforeEach(async () => {
  const back = await runAction(inputs({ mode: 'rollback', 'deploy-command': '' }));
  if (back.outputs['active-color'] !== 'blue') await runAction(inputs({ mode: 'rollback', 'deploy-command': '' }));
});

describe('prometheus ranges that judge only the new version', () => {
  it('the idle color ran a failing version: a plain [30s] range rolls back a healthy release, {since-flip} and {version} promote it', async () => {
    await greenHistory('v1-bad', '0.5', 5000);
    const plain = await runAction(inputs({ version: 'v2', 'health-checks': check(ratio('color="{color}"', '30s')) }), { env: apps.env });
    expect(plain.stdout).toMatch(/::warning title=Input::Input 'health-checks\[0\]': the range \[30s\] reaches back before the flip/);
    expect(plain.outputs.result).toBe('rolled-back');

    await greenHistory('v1-bad', '0.5', 5000);
    const sinceFlip = await runAction(inputs({ version: 'v3', 'health-checks': check(ratio('color="{color}"', '{since-flip}')) }), { env: apps.env });
    expect(sinceFlip.outputs.reason).toBe('');
    expect(sinceFlip.outputs.result).toBe('promoted');

    await runAction(inputs({ mode: 'rollback', 'deploy-command': '' }));
    await greenHistory('v1-bad', '0.5', 5000);
    const byVersion = await runAction(inputs({ version: 'v4', 'health-checks': check(ratio('color="{color}",version="{version}"', '30s')) }), { env: apps.env });
    expect(byVersion.stdout).not.toMatch(/reaches back before the flip/);
    expect(byVersion.outputs.result).toBe('promoted');
  });

  it('the idle color ran a healthy version: {since-flip} and {version} still catch a failing release at once', async () => {
    await greenHistory('v1', '0', 8000);
    const sinceFlip = await runAction(inputs({ version: 'v2', 'health-checks': check(ratio('color="{color}"', '{since-flip}')) }), { env: { ...apps.env, ERROR_RATE: '0.4' } });
    expect(sinceFlip.outputs.result).toBe('rolled-back');
    expect(sinceFlip.outputs.reason).toMatch(/^error ratio: 0\.\d+ > max 0\.1/);

    await greenHistory('v1', '0', 8000);
    const byVersion = await runAction(inputs({ version: 'v3', 'health-checks': check(ratio('color="{color}",version="{version}"', '30s')) }), { env: { ...apps.env, ERROR_RATE: '0.4' } });
    expect(byVersion.outputs.result).toBe('rolled-back');
    expect(byVersion.outputs.reason).toMatch(/^error ratio: 0\.\d+ > max 0\.1/);
  });
});
