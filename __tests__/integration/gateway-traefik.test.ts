// HTTPRoute releases through the bundled action on a real data plane: Traefik (a Gateway API controller)
// watches a real control plane, writes the route's status and proxies requests to app processes that
// stand behind the color Services' EndpointSlices. Clients' answers, not the route's spec, are checked.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, createRoutedApp, load, shares } from '../../test-support/data-plane.mjs';
import { ensureNamespace, getJson, kubectlBinary, startCluster, waitForAvailable, type Cluster } from '../../test-support/kube.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';
import { CONTROLLER, startTraefik } from '../../test-support/traefik.mjs';

let cluster: Cluster;
let traefik: Awaited<ReturnType<typeof startTraefik>>;
/** Health endpoints for the window: `/ok` passes, `/broken` fails, `/watched` answers `watched()`. */
let health: Server;
let watched = () => 200;
let healthBase: string;
const apps: { stop(): void }[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  traefik = await startTraefik(cluster);
  health = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : req.url === '/watched' ? watched() : 500).end());
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  healthBase = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  for (const app of apps) app.stop();
  traefik?.stop();
  cluster?.stop();
  health?.close();
});

let count = 0;
async function app(options: { extraRefs?: Record<string, unknown>[] } = {}) {
  const created = await createRoutedApp(cluster, traefik, { namespace: `gw-${++count}`, ...options });
  apps.push(created);
  return created;
}

type App = Awaited<ReturnType<typeof app>>;

function run(target: App, extra: Record<string, string> = {}, onOutput?: (chunk: string) => void) {
  const inputs = { router: 'kubernetes', service: target.name, namespace: target.namespace, 'http-route': target.name, 'health-urls': `${healthBase}/ok`, 'health-interval': '250ms', ...extra };
  return runAction(inputs, { env: cluster.env, onOutput });
}

/** Runs a release that, once its health window began, has someone else patch the route (a merge patch). */
function runEditedInWindow(target: App, patch: Record<string, unknown>) {
  let edited: Promise<unknown> | undefined;
  const edit = (chunk: string) => {
    if (edited || !chunk.includes('::group::watch health window')) return;
    edited = cluster.kubectlAsync(['patch', 'httproute', target.name, '-n', target.namespace, '--type=merge', '-p', JSON.stringify(patch)]);
  };
  return run(target, { 'health-window': '3s' }, edit).then(async (release) => ({ release, edited: await edited }));
}

function weights(target: App): Record<string, number> {
  const route = getJson(cluster, ['get', 'httproute', target.name, '-n', target.namespace]);
  return Object.fromEntries(route.spec.rules[0].backendRefs.map((ref: { name: string; weight: number }) => [ref.name, ref.weight]));
}

interface Phase {
  name: string;
  startedAt: string;
  durationMs: number;
}

/** The answers given during a phase of the run's timeline, from `skipMs` after it began to its end. */
function during(answers: { at: number }[], phase: Phase, skipMs: number) {
  const start = Date.parse(phase.startedAt) + skipMs;
  return answers.filter((a) => a.at >= start && a.at <= Date.parse(phase.startedAt) + phase.durationMs);
}

describe('HTTPRoute through Traefik: what clients get', () => {
  it('a 10,50,100 release moves real answers step by step, waits for the controller each time, and drops no request', async () => {
    const target = await app();
    const traffic = load(target);
    const release = await run(target, { 'traffic-steps': '10,50,100', 'step-window': '4s', 'health-window': '4s' });
    const answers = await traffic.stop();
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(weights(target)).toEqual({ 'myapp-blue': 0, 'myapp-green': 100 });
    const phases: Phase[] = release.report().phases;
    const watch = (label: string) => phases.find((p) => p.name === label)!;
    // Each window from 1 s after it began (the run began it once Traefik reported the change
    // programmed; bench/kubernetes.mjs measures its data plane following the patch in ~150 ms).
    const seen = ['watch 10% step', 'watch 50% step', 'watch health window'].map((label) => shares(during(answers, watch(label), 1000)));
    // Traefik's weighted round robin is deterministic (earliest deadline first) per connection's
    // turn: over hundreds of answers a split is off by a few answers, so 3 points tell 10% from 0%
    // or 50% with room to spare.
    for (const s of seen) expect(s.n, JSON.stringify(seen)).toBeGreaterThan(200);
    expect(Math.abs(seen[0].percent.green - 10), JSON.stringify(seen)).toBeLessThanOrEqual(3);
    expect(Math.abs(seen[1].percent.green - 50), JSON.stringify(seen)).toBeLessThanOrEqual(3);
    expect(seen[2].percent).toEqual({ green: 100 });
    expect(shares(answers).failed).toBe(0);
    const programmed = [...release.summary().matchAll(/HTTPRoute myapp at (\d+)% green was programmed (\d+) ms after the weights patch began: Gateway gw-\d+\/gw \(([^)]+)\): Accepted True/g)];
    expect(programmed.map((m) => [m[1], m[3]])).toEqual([
      ['10', CONTROLLER],
      ['50', CONTROLLER],
      ['100', CONTROLLER],
    ]);
  }, 90_000);

  it('a failing window puts every answer back on the old color, without a failed request', async () => {
    const target = await app();
    const traffic = load(target);
    // The window fails once clients really get green: the rollback undoes a move that happened.
    watched = () => (traffic.answers.some((a) => a.color === 'green') ? 500 : 200);
    const release = await run(target, { 'traffic-steps': '50,100', 'step-window': '3s', 'health-urls': `${healthBase}/watched` });
    const ended = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const answers = await traffic.stop();
    expect(release.outputs, release.stdout).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(weights(target)).toEqual({ 'myapp-blue': 100, 'myapp-green': 0 });
    // Traefik writes a change's status when it builds the configuration, and applies it to its data
    // plane at most providersThrottleDuration (2 s) after the one before (the 50% step, just before):
    // the last green answer comes within that of the run's end, and only blue answers after.
    const lastGreen = answers.findLast((a) => a.color === 'green')!.at;
    expect(lastGreen - ended).toBeLessThanOrEqual(3000);
    const after = shares(answers.filter((a) => a.at > ended + 3000));
    expect(after.n).toBeGreaterThan(100);
    expect(after.percent).toEqual({ blue: 100 });
    expect(shares(answers).failed).toBe(0);
  }, 90_000);

  it('vouches for its own write of the rules: an edit elsewhere in the route is not a failure, an edit of the rules is', async () => {
    const target = await app();
    const hosts = { spec: { hostnames: [target.host, `www.${target.host}`] } };
    const elsewhere = await runEditedInWindow(target, hosts);
    expect(elsewhere.edited).toBeDefined();
    expect(elsewhere.release.outputs, elsewhere.release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    // The same weights, but the rules rewritten by someone else (a match added): no longer this run's write.
    const route = getJson(cluster, ['get', 'httproute', target.name, '-n', target.namespace]);
    const rules = [{ ...route.spec.rules[0], matches: [{ path: { type: 'PathPrefix', value: '/' } }, { path: { type: 'PathPrefix', value: '/v2' } }] }];
    const inRules = await runEditedInWindow(target, { spec: { rules: rules.map((rule) => ({ ...rule, backendRefs: rule.backendRefs.map((ref: { name: string }) => ({ ...ref, weight: ref.name === 'myapp-blue' ? 100 : 0 })) })) } });
    expect(inRules.release.outputs.result).toBe('failed');
    expect(inRules.release.outputs.reason).toMatch(/the router shows blue, but it was rewritten after this run's flip by something else/);
  }, 60_000);

  it('refuses, before traffic moves, a route Traefik does not accept (a backendRef to a missing Service), quoting Traefik', async () => {
    const target = await app({ extraRefs: [{ name: 'nowhere', port: 80, weight: 0 }] });
    const release = await run(target);
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(
      /Input 'http-route': HTTPRoute "myapp" is refused by its controller: Gateway gw-\d+\/gw \(traefik.io\/gateway-controller\): Accepted True .*ResolvedRefs False \(BackendNotFound: Cannot load HTTPBackendRef gw-\d+\/nowhere: service not found\)/,
    );
    expect(weights(target)).toEqual({ 'myapp-blue': 100, 'myapp-green': 0, nowhere: 0 });
  });

  it('refuses to move traffic by a route that became unacceptable after the run began, before its first write', async () => {
    const target = await app();
    // Someone adds a backendRef to a missing Service while this run deploys (after preflight).
    const patch = join(cluster.dir, `add-missing-backend-${target.namespace}.json`);
    writeFileSync(patch, JSON.stringify([{ op: 'add', path: '/spec/rules/0/backendRefs/-', value: { name: 'nowhere', port: 80, weight: 0 } }]));
    const kubectl = `${kubectlBinary()} --kubeconfig ${cluster.kubeconfig} -n ${target.namespace}`;
    const release = await run(target, { 'deploy-command': `${kubectl} patch httproute myapp --type=json --patch-file ${patch}` });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/HTTPRoute "myapp" \(generation 2\) was refused by its controller: .*BackendNotFound/);
    expect(weights(target)).toMatchObject({ 'myapp-blue': 100, 'myapp-green': 0 });
    expect((await ask(target)).color).toBe('blue');
  });

  it('refuses a color whose selectorless Service lists no ready endpoint, however many pods are ready in the namespace', async () => {
    const target = await app();
    for (const slice of ['myapp-green-0', 'myapp-green-1']) {
      cluster.kubectl(['patch', 'endpointslice', slice, '-n', target.namespace, '--type=json', '-p', '[{"op":"replace","path":"/endpoints/0/conditions/ready","value":false}]']);
    }
    // Ready pods of something else: an empty selector would match them all.
    cluster.kubectl(['create', 'deployment', 'other', '-n', target.namespace, '--image=example.invalid/other:1']);
    await waitForAvailable(cluster, target.namespace, ['other']);
    const release = await run(target);
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/green has no ready endpoint: the EndpointSlices of Service "myapp-green" list 2 endpoint\(s\), none ready/);
    expect(weights(target)).toEqual({ 'myapp-blue': 100, 'myapp-green': 0 });
  });

  it('times out, naming the parent and what it saw, when no controller answers for the route', async () => {
    const target = await app();
    cluster.kubectl(['patch', 'httproute', 'myapp', '-n', target.namespace, '--type=merge', '-p', JSON.stringify({ spec: { parentRefs: [{ name: 'nobody' }] } })]);
    const started = Date.now();
    const release = await run(target, { 'ready-timeout': '3s' });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(
      /HTTPRoute "myapp" \(generation 2\) was not reported Accepted and ResolvedRefs by every parent within 3s: Gateway gw-\d+\/nobody: no status from any controller\. Is a Gateway controller/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(weights(target)).toEqual({ 'myapp-blue': 100, 'myapp-green': 0 });
  });
});

describe('HTTPRoute in a service mesh (GAMMA): a Service as the parent', () => {
  it('reads the shipped mesh example, and names the parent Service when no mesh answers for it', async () => {
    const namespace = 'mesh';
    await ensureNamespace(cluster, namespace);
    cluster.kubectl(['apply', '-n', namespace, '-f', '-'], { input: readFileSync(join(ROOT, 'kubernetes/mesh-route.yaml'), 'utf8') });
    const inputs = { router: 'kubernetes', service: 'myapp', namespace, 'http-route': 'myapp' };
    const status = await runAction({ ...inputs, mode: 'status' }, { env: cluster.env });
    expect(status.outputs, status.stdout).toMatchObject({ 'active-color': 'blue' });
    // No mesh runs here (Traefik serves Gateways only): the release waits for the parent Service's status.
    const release = await runAction({ ...inputs, 'traffic-steps': '10,100', 'ready-timeout': '2s' }, { env: cluster.env });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/HTTPRoute "myapp" \(generation 1\) was not reported Accepted and ResolvedRefs by every parent within 2s: Service mesh\/myapp \(port 80\): no status from any controller/);
  });
});
