// The Kubernetes connection against a real control plane: every request is bounded by a timeout when
// the API server stalls (a TCP proxy in front of it that accepts connections, then answers nothing) or
// an exec plugin never answers; and a token an exec plugin mints, never written in the kubeconfig, is
// told to onSecret, and masked by the action.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, connect } from '../../src/routers/kubernetes/client.js';
import { kubeconfigSecrets } from '../../src/routers/kubernetes/module.js';
import { createApp, getJson, kubeconfigText, serviceAccountKubeconfig, startCluster, type Cluster as ControlPlane } from '../../test-support/kube.mjs';
import { NODE, ROOT, runAction } from '../../test-support/runner.mjs';
import { startStallProxy } from '../../test-support/stall-proxy.mjs';

type App = Awaited<ReturnType<typeof createApp>>;

let plane: ControlPlane;
let app: App;
let proxy: Awaited<ReturnType<typeof startStallProxy>>;

beforeAll(async () => {
  plane = await startCluster();
  app = await createApp(plane, { namespace: 'client' });
  proxy = await startStallProxy(plane.server);
}, 120_000);
afterAll(() => {
  proxy?.stop();
  plane?.stop();
});

const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const EXEC_PLUGIN = join(ROOT, 'test-support/exec-credential.mjs');

function connected(kubeconfig: string, options: { onSecret?: (value: string) => void; requestTimeoutMs?: number } = {}): Cluster {
  const cluster = connect({ kubeconfig, namespace: app.namespace }, options);
  if (cluster instanceof Error) throw cluster;
  return cluster;
}

/** A kubeconfig whose user gets its token from the exec plugin (`source`: a token file, or `stall`). */
function execKubeconfig(source: string, server = plane.server): string {
  return kubeconfigText({ server, caFile: plane.caFile, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: NODE, args: [EXEC_PLUGIN, source], interactiveMode: 'Never' } } });
}

/** The call's rejection and how long it took to come. */
async function timed(call: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  const error = await call.then(
    () => new Error('the call succeeded'),
    (e: Error) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('a stalled API server fails each call within its timeout', () => {
  it('get, list, patch, create, update and delete, with no signal or with one never aborted; the watch ends at its own timeout', async () => {
    const cluster = connected(plane.kubeconfigText.replace(plane.server, proxy.url), { requestTimeoutMs: 1000 });
    const live = { ...SERVICE, name: app.name };
    // Through the proxy, before it stalls: the calls reach the real server.
    const service = await cluster.get(live);
    expect(service?.spec?.selector).toEqual({ app: 'myapp', version: 'blue' });
    proxy.stall();
    const where = `in namespace "${app.namespace}": timed out after 1s without an answer from the API server`;
    const given = `${where}, so the write was given up (it must not land after another run may have taken the Lease)`;
    const calls: [string, () => Promise<unknown>][] = [
      [`could not get Service "myapp" ${where}`, () => cluster.get(live)],
      [`could not get Service "myapp" ${where}`, () => cluster.get(live, new AbortController().signal)],
      [`could not list pods ${where}`, () => cluster.list('v1', 'Pod', 'app=myapp')],
      [`could not patch Service "myapp" ${given}`, () => cluster.patch(live, { spec: { selector: { version: 'green' } } })],
      [`could not create Service "other" ${given}`, () => cluster.create({ ...SERVICE, name: 'other' }, { spec: { ports: [{ port: 80 }] } })],
      [`could not update Service "myapp" ${given}`, () => cluster.replace(live, service!)],
      [`could not delete Service "myapp" ${given}`, () => cluster.delete(live, String(service!.metadata?.resourceVersion))],
    ];
    for (const [message, call] of calls) {
      const { error, ms } = await timed(call());
      expect(error.message).toBe(message);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(3000);
    }
    // The requests reached the proxy (which took them and answered nothing); the server saw none of them.
    expect(proxy.state.bytesWhileStalled).toBeGreaterThan(0);
    expect(getJson(plane, ['get', 'service', app.name, '-n', app.namespace]).spec.selector.version).toBe('blue');
    const watchStarted = performance.now();
    await expect(cluster.watchUntil({ apiVersion: 'v1', kind: 'Pod' }, {}, () => true, 1500)).resolves.toBeUndefined();
    expect(performance.now() - watchStarted).toBeLessThan(3000);
  });

  it('a cancel during the wait ends the call at once with the cancel, not a timeout', async () => {
    const cluster = connected(plane.kubeconfigText.replace(plane.server, proxy.url), { requestTimeoutMs: 5000 });
    proxy.stall();
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(new Error('received SIGTERM')), 200);
    const { error, ms } = await timed(cluster.get({ ...SERVICE, name: app.name }, cancel.signal));
    expect(error.message).toBe('received SIGTERM');
    expect(ms).toBeLessThan(1500);
  });

  it('an exec plugin that never answers fails the call within the timeout too (auth runs before the request)', async () => {
    const cluster = connected(execKubeconfig('stall'), { requestTimeoutMs: 1000 });
    const { error, ms } = await timed(cluster.get({ ...SERVICE, name: app.name }));
    expect(error.message).toBe(`could not get Service "myapp" in namespace "${app.namespace}": timed out after 1s without an answer from the API server`);
    expect(ms).toBeLessThan(3000);
  });
});

describe('a token an exec plugin mints', () => {
  let token: string;
  let kubeconfig: string;
  beforeAll(async () => {
    const role = readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8');
    token = /token: (\S+)/.exec(await serviceAccountKubeconfig(plane, { namespace: app.namespace, roleYaml: role }))![1];
    const file = join(mkdtempSync(join(tmpdir(), 'bg-exec-')), 'token');
    writeFileSync(file, token, { mode: 0o600 });
    kubeconfig = execKubeconfig(file);
  });

  it('is told to onSecret once, as the client sends it, though the kubeconfig does not hold it', async () => {
    expect(kubeconfig).not.toContain(token);
    expect(kubeconfigSecrets(kubeconfig)).not.toContain(token);
    const told: string[] = [];
    const cluster = connected(kubeconfig, { onSecret: (value) => told.push(value) });
    expect((await cluster.get({ ...SERVICE, name: app.name }))?.metadata?.name).toBe('myapp');
    expect((await cluster.list('v1', 'Pod', 'app=myapp')).length).toBeGreaterThan(0);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment' };
    await cluster.watchUntil(deployment, {}, (objects) => (objects.size > 0 ? objects.size : undefined), 5000);
    expect(told).toEqual([token]);
  });

  it('is masked by the action, which warns that the plugin runs with the step\'s environment', async () => {
    const release = await runAction(
      { router: 'kubernetes', service: app.name, namespace: app.namespace, kubeconfig, 'health-window': '0s' },
      { env: { KUBECONFIG: '' } },
    );
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(release.stdout).toContain(`::add-mask::${token}\n`);
    expect(release.stdout).toMatch(/::warning title=Input::Input 'kubeconfig': user "user" runs the program ".*node" \(an exec credential plugin\) to get its credential, with the whole environment of this step/);
    const shown = release.stdout.split('\n').filter((line: string) => !line.startsWith('::add-mask::'));
    expect(shown.join('\n') + release.summary() + readFileSync(release.outputs.report, 'utf8')).not.toContain(token);
  });
});
