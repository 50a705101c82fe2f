// The Kubernetes router and deployer through the bundled action, against a real control plane
// (etcd, kube-apiserver with RBAC, controller-manager, scheduler, kwok nodes) on 127.0.0.1.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, endpointColors, getJson, kubectlBinary, serviceAccountKubeconfig, startCluster, waitForEndpointColors, type Cluster } from '../../test-support/kube.mjs';
import { moduleLog, commandRouterRun } from '../../test-support/chunks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';
import { startTraefik } from '../../test-support/traefik.mjs';

let cluster: Cluster;
/** A stand-in for the app's health and smoke endpoints: kwok pods serve nothing, so answers come from here. */
let server: Server;
let base: string;
const answers: Record<string, number> = { '/ok': 200, '/broken': 500 };

beforeAll(async () => {
  cluster = await startCluster();
  server = createServer((req, res) => {
    res.writeHead(answers[req.url ?? ''] ?? 404).end('answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  cluster?.stop();
  server?.close();
});

type App = Awaited<ReturnType<typeof createApp>>;

function inputs(app: App, extra: Record<string, string> = {}): Record<string, string> {
  return { router: 'kubernetes', service: app.name, namespace: app.namespace, 'health-urls': `${base}/ok`, 'health-interval': '200ms', 'health-window': '1s', ...extra };
}

interface RunOptions {
  env?: Record<string, string>;
  onOutput?: (chunk: string, child: { kill(signal: string): void }) => void;
}

function run(app: App, extra: Record<string, string> = {}, options: RunOptions = {}) {
  return runAction(inputs(app, extra), { ...options, env: { ...cluster.env, ...options.env } });
}

function selector(app: App): Record<string, string> {
  return getJson(cluster, ['get', 'service', app.name, '-n', app.namespace]).spec.selector;
}

function deployment(app: App, color: string) {
  return getJson(cluster, ['get', 'deployment', `${app.name}-${color}`, '-n', app.namespace]);
}

describe('kubernetes router', () => {
  it('deploys the image to the idle color, scales it to the live load, flips the selector and proves it on the EndpointSlices', async () => {
    const app = await createApp(cluster, { replicas: { blue: 3, green: 1 } });
    const release = await run(app, { image: 'example.invalid/myapp:v2', version: 'v2' });
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(selector(app)).toEqual({ app: 'myapp', version: 'green' });
    expect(endpointColors(cluster, app.namespace, app.name).colors).toEqual(['green']);
    const green = deployment(app, 'green');
    expect(green.spec.template.spec.containers[0].image).toBe('example.invalid/myapp:v2');
    expect(green.spec.replicas).toBe(3);
    expect(green.metadata.annotations['blue-green-action/version']).toBe('v2');
    expect(deployment(app, 'blue').spec.replicas).toBe(3);
    expect(release.stdout).toMatch(/myapp-green: 3\/3 updated, 3 available: rolled out/);
    expect(release.summary()).toMatch(/Service myapp routed only to green \(3 ready endpoint\(s\) in its EndpointSlices\) \d+ ms after the selector patch began/);
    // The Lease was released.
    expect(cluster.kubectlResult(['get', 'lease', 'blue-green-myapp', '-n', app.namespace]).code).not.toBe(0);
  });

  it('keeps the previous color warm through the window, then scales it to 0 after scale-down-delay', async () => {
    const app = await createApp(cluster, { terminationGracePeriodSeconds: 2 });
    // Scaled down sooner than its pods' grace, the old color could be cut off mid-request: refused first.
    const tooSoon = await run(app, { 'scale-down-delay': '1s' });
    expect(tooSoon.outputs.result).toBe('aborted');
    expect(tooSoon.outputs.reason).toMatch(/Input 'scale-down-delay': got "1s", shorter than the 2 s the pods of Deployment myapp-blue may take to drain/);
    expect(selector(app).version).toBe('blue');
    // A failed release never scales anything down: the old color is where traffic went back.
    const failed = await run(app, { 'health-urls': `${base}/broken`, 'scale-down-delay': '2s' });
    expect(failed.outputs.result).toBe('rolled-back');
    expect([deployment(app, 'blue').spec.replicas, deployment(app, 'green').spec.replicas]).toEqual([2, 2]);
    const release = await run(app, { 'scale-down-delay': '2s' });
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(deployment(app, 'blue').spec.replicas).toBe(0);
    expect(deployment(app, 'green').spec.replicas).toBe(2);
    expect(release.summary()).toContain('Scaled Deployment myapp-blue (blue, the previous color) to 0 replicas after scale-down-delay');
    // The next release must deploy (and so scale up) the idle color first: a flip to no pods is refused,
    // and so is a rollback to a color that is no longer deployed.
    const next = await run(app);
    expect(next.outputs.result).toBe('aborted');
    expect(next.outputs.reason).toMatch(/blue has no ready pod/);
    const back = await run(app, { mode: 'rollback' });
    expect(back.outputs.result).toBe('aborted');
    expect(back.outputs.reason).toMatch(/blue has no ready pod .*would empty the Service/);
    expect(selector(app).version).toBe('green');
    expect((await run(app, { image: 'example.invalid/myapp:v3' })).outputs).toMatchObject({ result: 'promoted', 'active-color': 'blue' });
    expect(deployment(app, 'blue').spec.replicas).toBe(2);
  });

  it('aborts a rollout that never becomes ready, quoting the condition and the pod, with the Service untouched', async () => {
    const app = await createApp(cluster, { unreadyColor: 'green', progressDeadlineSeconds: 3 });
    const release = await run(app, { image: 'example.invalid/myapp:v2', version: 'v2', 'ready-timeout': '40s' });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Deployment "myapp-green" exceeded its progress deadline: .*; pod myapp-green-\S+: PodScheduled is False: Unschedulable/);
    expect(selector(app).version).toBe('blue');
    expect(endpointColors(cluster, app.namespace, app.name).colors).toEqual(['blue']);
  });

  it('stops waiting at ready-timeout when the rollout has not failed yet', async () => {
    const app = await createApp(cluster, { unreadyColor: 'green' });
    // Far from its progress deadline: only ready-timeout can end the wait.
    cluster.kubectl(['patch', 'deployment', 'myapp-green', '-n', app.namespace, '--type=merge', '-p', '{"spec":{"progressDeadlineSeconds":600}}']);
    const release = await run(app, { image: 'example.invalid/myapp:v2', 'ready-timeout': '2s' });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Deployment "myapp-green" not rolled out within ready-timeout \(2s\): \d\/2 updated, 0 available/);
    expect(selector(app).version).toBe('blue');
  });

  it('refuses to flip to a color without ready pods: an empty Service is an outage', async () => {
    const app = await createApp(cluster, { unreadyColor: 'green' });
    const release = await run(app);
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/green has no ready pod matching app=myapp,version=green .*would empty the Service.*Traffic stayed on blue/);
    expect(selector(app).version).toBe('blue');
  });

  it('points the preview Service at the idle color before smoke tests, and aborts when they fail', async () => {
    const app = await createApp(cluster, { live: 'green' });
    const release = await run(app, { 'preview-service': 'myapp-preview', 'smoke-urls': `${base}/broken` });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Smoke test failed on blue/);
    expect(getJson(cluster, ['get', 'service', 'myapp-preview', '-n', app.namespace]).spec.selector.version).toBe('blue');
    expect(endpointColors(cluster, app.namespace, 'myapp-preview').colors).toEqual(['blue']);
    expect(selector(app).version).toBe('green');
  });

  it('rolls back on a failing window, and the EndpointSlices follow back', async () => {
    const app = await createApp(cluster);
    const release = await run(app, { 'health-urls': `${base}/broken` });
    expect(release.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(selector(app).version).toBe('blue');
    expect(endpointColors(cluster, app.namespace, app.name).colors).toEqual(['blue']);
    expect(release.report().notes.join(' ')).toMatch(/routed only to blue .* ms after the selector patch began/);
  });

  it('never overwrites a selector someone else changed after discovery', async () => {
    const app = await createApp(cluster);
    // Someone flips the Service while this run deploys (between its read and its flip).
    const patch = JSON.stringify({ spec: { selector: { version: 'green' } } });
    const kubectl = kubectlBinary();
    const release = await run(app, { 'deploy-command': `${kubectl} --kubeconfig ${cluster.kubeconfig} -n ${app.namespace} patch service myapp --type=merge -p '${patch}'` });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/changed during this run: it shows green, but this run read blue\. Nothing was changed/);
    expect(selector(app).version).toBe('green');
  });

  it('serializes two runs at once with a Lease; the second releases from where the first left', async () => {
    const app = await createApp(cluster);
    const [a, b] = await Promise.all([run(app, { image: 'example.invalid/myapp:a', version: 'a' }), run(app, { image: 'example.invalid/myapp:b', version: 'b' })]);
    expect([a.outputs.result, b.outputs.result]).toEqual(['promoted', 'promoted']);
    const [first, second] = /Waiting for Lease/.test(a.stdout) ? [b, a] : [a, b];
    expect(second.stdout).toMatch(/Waiting for Lease "blue-green-myapp": held by /);
    expect(first.outputs['active-color']).toBe('green');
    expect(second.outputs['active-color']).toBe('blue');
    expect(selector(app).version).toBe('blue');
  });

  it('takes over the Lease of a run that died once seen unrenewed for 30 s, and not one that is renewed', async () => {
    const app = await createApp(cluster);
    const lease = (labels: Record<string, string> = {}) =>
      JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'blue-green-myapp', namespace: app.namespace, labels },
        spec: { holderIdentity: 'run 1 attempt 1, job gone', leaseDurationSeconds: 30, renewTime: new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') },
      });
    // A fresh renewTime does not keep a dead holder's Lease: only renewals seen by this runner do.
    cluster.kubectl(['create', '-f', '-'], { input: lease() });
    const took = await run(app);
    expect(took.outputs.result).toBe('promoted');
    expect(took.stdout).toMatch(/Taking over Lease "blue-green-myapp" from run 1 attempt 1, job gone: it was not renewed for 30 s \(as seen from this runner\)/);
    cluster.kubectl(['create', '-f', '-'], { input: lease() });
    let n = 0;
    const renewing = setInterval(() => cluster.kubectl(['apply', '-f', '-'], { input: lease({ renewals: String(++n) }) }), 1000);
    const blocked = await run(app, { 'lock-timeout': '3s' }).finally(() => clearInterval(renewing));
    expect(blocked.outputs.result).toBe('aborted');
    expect(blocked.outputs.reason).toMatch(/another run holds Lease "blue-green-myapp" .*run 1 attempt 1, job gone/);
    expect(selector(app).version).toBe('green');
  }, 90_000);

  it('shifts HTTPRoute weights in steps, changing only the two color backendRefs', async () => {
    // Traefik, a real Gateway controller, accepts each change (the run waits for that).
    const traefik = await startTraefik(cluster);
    const { app, before, release } = await (async () => {
      const app = await createApp(cluster, { httpRoute: true, gateway: traefik });
      const before = getJson(cluster, ['get', 'httproute', 'myapp', '-n', app.namespace]);
      return { app, before, release: await run(app, { 'http-route': 'myapp', 'traffic-steps': '25,100', 'step-window': '600ms' }) };
    })().finally(() => traefik.stop());
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    const after = getJson(cluster, ['get', 'httproute', 'myapp', '-n', app.namespace]);
    expect(after.spec.rules[0].backendRefs.map((ref: { name: string; weight: number }) => [ref.name, ref.weight])).toEqual([
      ['myapp-blue', 0],
      ['myapp-green', 100],
    ]);
    const rest = (route: { spec: { rules: Record<string, unknown>[]; parentRefs: unknown } }) => ({ ...route.spec, rules: route.spec.rules.map(({ backendRefs: _, ...rule }) => rule) });
    expect(rest(after)).toEqual(rest(before));
    expect(release.summary()).toContain('| 25% | 600ms | ✅ passed |');
    expect(release.summary()).toMatch(/HTTPRoute myapp at 25% green was programmed \d+ ms after the weights patch began/);
  });

  it('promote refuses a version other than the one staged, then promotes the staged one', async () => {
    const app = await createApp(cluster);
    expect((await run(app, { mode: 'stage', image: 'example.invalid/myapp:v2', version: 'v2' })).outputs.result).toBe('staged');
    expect(JSON.parse(deployment(app, 'green').metadata.annotations['blue-green-action/staged']).version).toBe('v2');
    const wrong = await run(app, { mode: 'promote', version: 'v3' });
    expect(wrong.outputs.result).toBe('aborted');
    expect(wrong.outputs.reason).toMatch(/green holds v2 \(staged at .* by .*\), not v3/);
    expect(selector(app).version).toBe('blue');
    expect((await run(app, { mode: 'promote', version: 'v2' })).outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
  });

  it('puts traffic back when cancelled mid-window', async () => {
    const app = await createApp(cluster);
    let sent = false;
    const release = await run(app, { 'health-window': '30s' }, {
      onOutput: (chunk: string, child: { kill(signal: string): void }) => {
        if (!sent && chunk.includes('::group::watch health window')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(release.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(selector(app).version).toBe('blue');
    await waitForEndpointColors(cluster, app.namespace, app.name, ['blue'], { timeoutMs: 5000 });
  });

  it('the post step flips back when the main step was killed mid-window', async () => {
    const app = await createApp(cluster);
    let killed = false;
    const release = await run(app, { 'health-window': '30s' }, {
      onOutput: (chunk: string, child: { kill(signal: string): void }) => {
        if (!killed && chunk.includes('::group::watch health window')) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(selector(app).version).toBe('green');
    const post = await release.post('cancelled');
    expect(post.code).toBe(0);
    expect(selector(app).version).toBe('blue');
    await waitForEndpointColors(cluster, app.namespace, app.name, ['blue'], { timeoutMs: 5000 });
  });
});

describe('kubernetes configuration and rights', () => {
  it('the shipped Role is enough for a release with an image', async () => {
    const app = await createApp(cluster);
    const kubeconfig = await serviceAccountKubeconfig(cluster, { namespace: app.namespace, roleYaml: readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8') });
    const release = await run(app, { kubeconfig, image: 'example.invalid/myapp:v2' }, { env: { KUBECONFIG: '' } });
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    // Every credential in the kubeconfig is masked: the token never shows.
    const token = /token: (\S+)/.exec(kubeconfig)![1];
    const shown = (release.stdout + release.stderr).split('\n').filter((line: string) => !line.startsWith('::add-mask::'));
    expect(shown.join('\n') + release.summary() + readFileSync(release.outputs.report, 'utf8')).not.toContain(token);
  });

  it('a Role without "patch services" fails naming it, with the Service untouched', async () => {
    const app = await createApp(cluster);
    const role = readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8').replace('verbs: ["get", "patch"]', 'verbs: ["get"]');
    expect(role).not.toEqual(readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8'));
    const kubeconfig = await serviceAccountKubeconfig(cluster, { namespace: app.namespace, roleYaml: role });
    const release = await run(app, { kubeconfig }, { env: { KUBECONFIG: '' } });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/may not patch services in namespace "app-\S+" \(403 Forbidden\): grant "patch" on "services"/);
    expect(selector(app).version).toBe('blue');
  });

  it('names a missing Service as a bad input before anything changes', async () => {
    const app = await createApp(cluster);
    const release = await run(app, { service: 'nosuch' });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Input 'service': Service "nosuch" was not found in namespace/);
  });

  it('fails at once, saying where configuration is looked for, when there is none', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bg-home-'));
    const started = Date.now();
    const release = await runAction({ router: 'kubernetes', service: 'myapp' }, { env: { KUBECONFIG: '', HOME: home } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Input 'kubeconfig': no Kubernetes configuration was found; give it as the kubeconfig input, the KUBECONFIG variable, ~\/.kube\/config, or the in-cluster service account/);
  });
});

describe('plug-ins load lazily', () => {
  it('a run of another router never loads the Kubernetes client; a Kubernetes run does', async () => {
    const modules = moduleLog();
    const other = await commandRouterRun(modules.env);
    expect(other.outputs, other.stdout).toMatchObject({ result: 'promoted' });
    expect(modules.loaded().length).toBeGreaterThan(0);
    expect(modules.loadedHolding('KubernetesObjectApi')).toEqual([]);
    const app = await createApp(cluster);
    modules.clear();
    expect((await run(app, {}, { env: modules.env })).outputs.result).toBe('promoted');
    expect(modules.loadedHolding('KubernetesObjectApi').length).toBeGreaterThan(0);
  });
});
