// Exclusion that fences, on a real control plane (RBAC on): a Lease whose holder's clock is skewed is
// not taken while it is renewed; a holder whose renewals fail stops writing (no flip back) and ends
// `failed`; the post step undoes only its own write; the verdict is read after scale-down-delay; two
// calls of one reusable workflow in one run are two lock holders. Each case checks what the Service
// shows at the end against the outputs, and that nothing was written after the lock was lost.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, getJson, serviceAccountKubeconfig, setSelector, startCluster, type Cluster } from '../../test-support/kube.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';

let cluster: Cluster;
let server: Server;
let base: string;

beforeAll(async () => {
  cluster = await startCluster();
  server = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  cluster?.stop();
  server?.close();
});

type App = Awaited<ReturnType<typeof createApp>>;
type Child = { kill(signal: string): void };

function run(app: App, extra: Record<string, string> = {}, options: { env?: Record<string, string>; onOutput?: (chunk: string, child: Child) => void } = {}) {
  const inputs = { router: 'kubernetes', service: app.name, namespace: app.namespace, 'health-urls': `${base}/ok`, 'health-interval': '500ms', 'health-window': '1s', ...extra };
  return runAction(inputs, { ...options, env: { ...cluster.env, ...options.env } });
}

const service = (app: App) => getJson(cluster, ['get', 'service', app.name, '-n', app.namespace, '--show-managed-fields']);
/** Who last wrote the selector's color key, and when: any write by the action after a moment changes it. */
const selectorWriter = (app: App) =>
  JSON.stringify(((service(app).metadata.managedFields ?? []) as { manager: string; time: string; fieldsV1?: { 'f:spec'?: { 'f:selector'?: object } } }[]).filter((f) => f.fieldsV1?.['f:spec']?.['f:selector']));
/** The selector's owner is recorded, so "unchanged" below compares something real. */
const hasSelectorWriter = (app: App) => expect(selectorWriter(app)).toMatch(/"manager":"blue-green-action"/);
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

describe('kubernetes: exclusion that fences', () => {
  it('never takes a Lease its holder keeps renewing, whatever that holder\'s clock says; takes it once seen unrenewed for 30 s', async () => {
    const app = await createApp(cluster);
    // A live holder on a runner whose clock is 40 s behind: its renewTime always looks 40 s old. The
    // old rule (renewTime + 30 s < now) took such a Lease at once, while its holder was deploying.
    const lease = (n: number) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: `blue-green-${app.name}`, namespace: app.namespace, labels: { renewals: String(n) } },
      spec: { holderIdentity: 'run 1 attempt 1, job skewed, step 0a0a0a0a', leaseDurationSeconds: 30, renewTime: microTime(Date.now() - 40_000) },
    });
    cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(lease(0)) });
    let renewals = 0;
    let lastRenewedAt = Date.now();
    const renewing = setInterval(() => {
      cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(lease(++renewals)) });
      lastRenewedAt = Date.now();
    }, 2000);
    let stoppedAt = 0;
    setTimeout(() => {
      clearInterval(renewing);
      stoppedAt = Date.now();
    }, 8000);
    let tookAt = 0;
    const release = await run(app, { 'lock-timeout': '2m' }, {
      onOutput: (chunk) => {
        if (!tookAt && chunk.includes('Taking over Lease')) tookAt = Date.now();
      },
    });
    clearInterval(renewing);
    expect(renewals).toBeGreaterThanOrEqual(3);
    expect(release.stdout).toMatch(/Waiting for Lease "blue-green-myapp": held by run 1 attempt 1, job skewed/);
    expect(release.stdout).toMatch(/Taking over Lease "blue-green-myapp" from run 1 attempt 1, job skewed, step 0a0a0a0a: it was not renewed for 30 s \(as seen from this runner\)/);
    // Not while renewed, and only a whole lease after the last renewal (less a second for the log's pipe).
    expect(tookAt).toBeGreaterThan(stoppedAt);
    expect(tookAt - lastRenewedAt).toBeGreaterThanOrEqual(29_000);
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(service(app).spec.selector.version).toBe('green');
  }, 120_000);

  it('a holder whose renewals are refused stops writing: the window fails, nothing is flipped back, the run ends failed', async () => {
    const app = await createApp(cluster);
    const roleYaml = readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8');
    const kubeconfig = await serviceAccountKubeconfig(cluster, { namespace: app.namespace, roleYaml });
    let afterFlip = '';
    let revokedAt = 0;
    const release = await run(app, { kubeconfig, 'health-window': '45s' }, {
      env: { KUBECONFIG: '' },
      onOutput: (chunk) => {
        if (revokedAt || !chunk.includes('::group::watch health window')) return;
        afterFlip = selectorWriter(app);
        // The Role loses the right to renew (patch) its Lease: every renewal is now refused (403).
        cluster.kubectl(['apply', '-n', app.namespace, '-f', '-'], { input: roleYaml.replace('verbs: ["get", "create", "patch", "delete"]', 'verbs: ["get", "create", "delete"]') });
        revokedAt = Date.now();
      },
    });
    expect(revokedAt).toBeGreaterThan(0);
    expect(release.stdout).toMatch(/Could not renew Lease "blue-green-myapp": .*403/);
    expect(release.outputs.result).toBe('failed');
    expect(release.outputs.reason).toMatch(/this run lost its exclusive hold on the router \(Lease "blue-green-myapp" was last confirmed 2\d\.\d s ago; it lasts 30 s, and a holder that cannot confirm it within 20 s stops writing\)/);
    expect(release.outputs.reason).toMatch(/It wrote nothing after that: traffic was left as the router shows it/);
    // No write after the fence: the selector is as the flip left it, and the outputs say so.
    hasSelectorWriter(app);
    expect(selectorWriter(app)).toBe(afterFlip);
    expect(service(app).spec.selector.version).toBe('green');
    expect(release.outputs['active-color']).toBe('green');
    expect(release.stdout).not.toMatch(/Rollback to blue/);
    expect(release.summary()).toMatch(/green/);
  }, 120_000);

  it('the post step leaves a Service someone changed after this run; undoes only its own write', async () => {
    const app = await createApp(cluster);
    let killed = false;
    const kill = (chunk: string, child: Child) => {
      if (!killed && chunk.includes('::group::watch health window')) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const release = await run(app, { 'health-window': '30s' }, { onOutput: kill });
    expect(killed).toBe(true);
    // Later releases by someone else: back to blue, then green again (another build), outside this run.
    setSelector(cluster, app.namespace, app.name, 'version', 'blue');
    setSelector(cluster, app.namespace, app.name, 'version', 'green');
    const post = await release.post('cancelled');
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/someone else changed the router after this run, so the post step leaves it as it is instead of flipping back to blue/);
    expect(service(app).spec.selector.version).toBe('green');
  }, 90_000);

  it('reads the verdict after scale-down-delay: a rollback by someone else during it is what the outputs say', async () => {
    const app = await createApp(cluster);
    let rolledBack = false;
    const release = await run(app, { 'scale-down-delay': '6s' }, {
      onOutput: (chunk) => {
        if (!rolledBack && chunk.includes('Keeping blue warm for scale-down-delay')) {
          rolledBack = true;
          setSelector(cluster, app.namespace, app.name, 'version', 'blue');
        }
      },
    });
    expect(rolledBack).toBe(true);
    expect(release.outputs).toMatchObject({ result: 'failed', 'active-color': 'blue' });
    expect(release.outputs.reason).toMatch(/the router shows blue at the end, not green: it was changed outside this run/);
    expect(release.summary()).toMatch(/Did not scale blue down/);
    expect(getJson(cluster, ['get', 'deployment', `${app.name}-blue`, '-n', app.namespace]).spec.replicas).toBeGreaterThan(0);
  }, 90_000);

  it('two calls of one reusable workflow in one run (same run, attempt and job id) are two holders', async () => {
    const app = await createApp(cluster);
    // Before step identities, both took the Lease as their own and released into each other.
    const env = { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'release' };
    const [a, b] = await Promise.all([run(app, { version: 'a' }, { env }), run(app, { version: 'b' }, { env })]);
    expect([a.outputs.result, b.outputs.result], a.stdout + b.stdout).toEqual(['promoted', 'promoted']);
    const [first, second] = /Waiting for Lease/.test(a.stdout) ? [b, a] : [a, b];
    expect(second.stdout).toMatch(/Waiting for Lease "blue-green-myapp": held by run 4242 attempt 1, job release, step [0-9a-f]{8}/);
    expect(first.outputs['active-color']).toBe('green');
    expect(second.outputs).toMatchObject({ 'previous-color': 'green', 'active-color': 'blue' });
    expect(service(app).spec.selector.version).toBe('blue');
  }, 90_000);
});
