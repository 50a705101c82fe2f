// warmup-urls and expect-version through the bundled action, on every router with a local peer: the
// warm-up's requests reach the idle color before the flip, and a color that still serves the old build
// fails its smoke test before any traffic moves.
import { afterEach, describe, expect, it } from 'vitest';
import { routerEnv } from '../../test-support/cancel.mjs';
import { get } from '../../test-support/peers.mjs';
import { NODE, runAction } from '../../test-support/runner.mjs';

type Env = Awaited<ReturnType<typeof routerEnv>>;
let env: Env | undefined;
afterEach(() => env?.stop());

/** The 2xx answers an app has counted since it started (its Prometheus counter). */
async function answered(port: number): Promise<number> {
  const { body } = await get(`http://127.0.0.1:${port}/metrics`);
  return Number(/status="200"\} (\d+)/.exec(body)?.[1] ?? NaN);
}

/** No health checks: the run's only requests to green are the warm-up's and the smoke test's. */
const quiet = { 'health-urls': '', 'health-window': '1s' };

describe.each(['nginx', 'haproxy', 'command'])('%s router', (kind) => {
  it('warms the idle color before the smoke tests, by count and by duration, then promotes', async () => {
    env = await routerEnv(kind);
    const idle = env.inputs['smoke-urls'];
    const run = await runAction({ ...env.inputs, ...quiet, 'warmup-urls': `${idle} 7\n${idle} 300ms`, 'expect-version': 'header:x-version' }, { env: env.apps.env });
    expect(run.outputs, run.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    const phases = run.report().phases.map((p: { name: string }) => p.name);
    expect(phases.indexOf('warm-up')).toBeGreaterThan(phases.indexOf('deploy'));
    expect(phases.indexOf('smoke')).toBeGreaterThan(phases.indexOf('warm-up'));
    const [counted, timed] = run.report().warmup;
    expect(counted).toMatchObject({ planned: '7 request(s)', requests: 7, ok: true });
    expect(timed).toMatchObject({ planned: 'for 300ms', ok: true });
    expect(timed.requests).toBeGreaterThanOrEqual(1);
    // Every warm-up request and the smoke test reached the new build on green.
    expect(await answered(env.apps.ports.green)).toBeGreaterThanOrEqual(7 + timed.requests + 1);
    expect(run.summary()).toContain('### Warm-up');
    expect(run.summary()).toMatch(/\| ✅ .*\| 7 request\(s\) \| 7 \| \d+ms \| \d+ms \| \d+ms \|/);
    expect(run.report().smoke[0]).toMatchObject({ ok: true });
    expect(await env.serves()).toBe('green 200');
  });

  it('aborts when the idle color still serves the old build: expect-version names both versions, traffic untouched', async () => {
    env = await routerEnv(kind);
    // A deploy that "succeeds" without deploying: green still runs v1, and answers 200 all the same.
    const run = await runAction({ ...env.inputs, ...quiet, 'deploy-command': `${NODE} --version`, 'expect-version': 'header:x-version', 'smoke-retries': '1' }, { env: env.apps.env });
    expect(run.outputs, run.stdout).toMatchObject({ result: 'aborted', 'active-color': 'blue', 'rolled-back': 'false' });
    expect(run.outputs.reason).toMatch(/^Smoke test failed on green: .*: 200, but it answers version "v1" \(header x-version\), not "v2", the version being released\. Live traffic was not touched\.$/);
    expect(run.outputs['flipped-at'] ?? '').toBe('');
    expect(await env.serves()).toBe('blue 200');
  });
});

describe('warm-up failures', () => {
  it('a warm-up request that never succeeds aborts before the smoke tests, traffic untouched', async () => {
    env = await routerEnv('command');
    const run = await runAction({ ...env.inputs, ...quiet, 'warmup-urls': `${env.silent.url}/{color} 3`, 'smoke-timeout': '300ms', 'smoke-retries': '2' }, { env: env.apps.env });
    expect(run.outputs, run.stdout).toMatchObject({ result: 'aborted', 'active-color': 'blue' });
    expect(run.outputs.reason).toBe(`Warm-up failed on green: ${env.silent.url}/green: request 1 failed: no answer within 300ms. Live traffic was not touched.`);
    expect(run.report().phases.map((p: { name: string }) => p.name)).not.toContain('smoke');
    expect(await env.serves()).toBe('blue 200');
  });

  it('a bad warmup-urls or expect-version line is refused before anything is touched, naming the input and its form', async () => {
    env = await routerEnv('command');
    const run = await runAction({ ...env.inputs, 'warmup-urls': `${env.inputs['smoke-urls']} twice`, 'expect-version': 'x-version' }, { env: env.apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.stdout).toMatch(/Input 'warmup-urls': got ".* twice"; expected a URL of the idle color/);
    expect(run.stdout).toMatch(/Input 'expect-version': got "x-version"; expected header:NAME .* or json:PATH/);
    expect((await get(`http://127.0.0.1:${env.apps.ports.green}/`)).body).toBe('green v1\n'); // not deployed
    expect(await env.serves()).toBe('blue 200');
  });
});
