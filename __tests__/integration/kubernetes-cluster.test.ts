// The Kubernetes fixtures themselves, on a real control plane (not the action): what the router's
// tests take for granted about the cluster must hold here first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApp,
  deploymentCondition,
  endpointColors,
  getJson,
  noRightsKubeconfig,
  serviceAccountKubeconfig,
  setSelector,
  startCluster,
  waitForEndpointColors,
} from '../../test-support/kube.mjs';

type Cluster = Awaited<ReturnType<typeof startCluster>>;
type App = Awaited<ReturnType<typeof createApp>>;

let cluster: Cluster;
let app: App;

beforeAll(async () => {
  cluster = await startCluster();
  // eslint-disable-next-line no-console -- the timings the router's tests are budgeted on
  console.log(`control plane ready in ${cluster.startMs} ms`);
  app = await createApp(cluster, { namespace: 'fixtures', httpRoute: true });
}, 120_000);
afterAll(() => cluster?.stop());

/** Names of the pods of one color, from the pods themselves. */
function podsOf(namespace: string, color: string): string[] {
  const pods = getJson(cluster, ['get', 'pods', '-n', namespace, '-l', `app=myapp,version=${color}`]);
  return pods.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
}

describe('Kubernetes fixtures on a real control plane', () => {
  it('starts a control plane with RBAC, two kwok nodes and the Gateway API, reachable with the embedded kubeconfig', () => {
    const path = cluster.writeKubeconfig(cluster.kubeconfigText);
    const version = JSON.parse(cluster.kubectl(['get', '--raw', '/version'], { kubeconfig: path }));
    expect(version.gitVersion).toBe('v1.33.13');
    const nodes = getJson(cluster, ['get', 'nodes']).items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    expect(nodes).toEqual(['kwok-node-0', 'kwok-node-1']);
    expect(cluster.kubectl(['api-versions'])).toMatch(/^gateway\.networking\.k8s\.io\/v1$/m);
    expect(cluster.kubectl(['api-versions'])).toMatch(/^rbac\.authorization\.k8s\.io\/v1$/m);
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the app: both Deployments available, kwok pods with IPs, each Service on its color only', () => {
    expect(app).toMatchObject({
      namespace: 'fixtures',
      deployments: { blue: 'myapp-blue', green: 'myapp-green' },
      services: { live: 'myapp', preview: 'myapp-preview', colors: { blue: 'myapp-blue', green: 'myapp-green' } },
      httpRoute: 'myapp',
    });
    for (const name of ['myapp-blue', 'myapp-green']) {
      const d = getJson(cluster, ['get', 'deployment', name, '-n', 'fixtures']);
      expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    }
    const pods = getJson(cluster, ['get', 'pods', '-n', 'fixtures']).items;
    expect(pods).toHaveLength(4);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.podIP).toMatch(/^10\.244\./);
      expect(pod.spec.nodeName).toMatch(/^kwok-node-/);
    }
    expect(endpointColors(cluster, 'fixtures', 'myapp')).toEqual({ colors: ['blue'], ready: 2, notReady: 0, pods: podsOf('fixtures', 'blue') });
    expect(endpointColors(cluster, 'fixtures', 'myapp-preview')).toMatchObject({ colors: ['green'], ready: 2 });
    expect(endpointColors(cluster, 'fixtures', 'myapp-blue')).toMatchObject({ colors: ['blue'], ready: 2 });
    expect(endpointColors(cluster, 'fixtures', 'myapp-green')).toMatchObject({ colors: ['green'], ready: 2 });
  });

  it('reads EndpointSlices as the controller writes them: ready endpoints with a Pod targetRef', () => {
    const slices = getJson(cluster, ['get', 'endpointslices', '-n', 'fixtures', '-l', 'kubernetes.io/service-name=myapp']).items;
    const endpoints = slices.flatMap((s: { endpoints?: unknown[] }) => s.endpoints ?? []);
    expect(endpoints).toHaveLength(2);
    for (const e of endpoints) expect(e).toMatchObject({ conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: 'fixtures' } });
  });

  it('follows a selector change made by someone else: the live Service lists only green endpoints', async () => {
    const started = Date.now();
    setSelector(cluster, 'fixtures', 'myapp', 'version', 'green');
    const seen = await waitForEndpointColors(cluster, 'fixtures', 'myapp', ['green'], { ready: 2, timeoutMs: 20_000 });
    // eslint-disable-next-line no-console -- the timings the router's tests are budgeted on
    console.log(`selector flip -> EndpointSlices list only green: ${Date.now() - started} ms (polled every 50 ms)`);
    expect(seen.pods).toEqual(podsOf('fixtures', 'green'));
    expect(endpointColors(cluster, 'fixtures', 'myapp')).toMatchObject({ colors: ['green'], ready: 2, notReady: 0 });
    expect(getJson(cluster, ['get', 'service', 'myapp', '-n', 'fixtures']).spec.selector).toEqual({ app: 'myapp', version: 'green' });
    // The wait fails loudly when the colors never come.
    await expect(waitForEndpointColors(cluster, 'fixtures', 'myapp', ['blue'], { timeoutMs: 500 })).rejects.toThrow(/timed out .* last saw .*green/);
  });

  it('keeps an unready color unready: Pending pods, ProgressDeadlineExceeded, no endpoints; a sidecar variant', async () => {
    const other = await createApp(cluster, { namespace: 'unready', unreadyColor: 'green', containers: ['app', 'sidecar'] });
    expect(other.idle).toBe('green');
    const progressing = deploymentCondition(cluster, 'unready', 'myapp-green', 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(deploymentCondition(cluster, 'unready', 'myapp-blue', 'Available')).toMatchObject({ status: 'True' });
    const green = getJson(cluster, ['get', 'pods', '-n', 'unready', '-l', 'version=green']).items;
    expect(green).toHaveLength(2);
    for (const pod of green) expect(pod.status.phase).toBe('Pending');
    expect(endpointColors(cluster, 'unready', 'myapp-preview')).toEqual({ colors: [], ready: 0, notReady: 0, pods: [] });
    expect(endpointColors(cluster, 'unready', 'myapp')).toMatchObject({ colors: ['blue'], ready: 2 });
    const blue = getJson(cluster, ['get', 'deployment', 'myapp-blue', '-n', 'unready']);
    expect(blue.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual([
      'app=example.invalid/myapp:v1',
      'sidecar=example.invalid/sidecar:v1',
    ]);
  });

  it('gives a service account only the rights of its Role: reading is allowed, a patch without the verb is forbidden', async () => {
    const readOnly = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-only}
rules:
  - apiGroups: [""]
    resources: [services, pods]
    verbs: [get, list, watch]
`;
    const withPatch = readOnly.replace('read-only', 'read-patch').replace('[get, list, watch]', '[get, list, watch, patch]');
    const reader = cluster.writeKubeconfig(await serviceAccountKubeconfig(cluster, { namespace: 'fixtures', roleYaml: readOnly }));
    const patcher = cluster.writeKubeconfig(await serviceAccountKubeconfig(cluster, { namespace: 'fixtures', roleYaml: withPatch }));
    const nobody = cluster.writeKubeconfig(await noRightsKubeconfig(cluster, { namespace: 'fixtures' }));
    const patch = ['patch', 'service', 'myapp', '-n', 'fixtures', '--type=merge', '-p', '{"spec":{"selector":{"version":"blue"}}}'];

    expect(cluster.kubectlResult(['get', 'service', 'myapp', '-n', 'fixtures'], { kubeconfig: reader }).code).toBe(0);
    const refused = cluster.kubectlResult(patch, { kubeconfig: reader });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/forbidden.*cannot patch resource "services"/i);
    expect(getJson(cluster, ['get', 'service', 'myapp', '-n', 'fixtures']).spec.selector.version).toBe('green');
    expect(cluster.kubectlResult(['get', 'deployments', '-n', 'fixtures'], { kubeconfig: reader }).stderr).toMatch(/forbidden/i);

    const nothing = cluster.kubectlResult(['get', 'services', '-n', 'fixtures'], { kubeconfig: nobody });
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toMatch(/forbidden/i);

    // The same token kind with the verb granted succeeds: the refusal above was about the right.
    expect(cluster.kubectlResult(patch, { kubeconfig: patcher })).toMatchObject({ code: 0 });
    await waitForEndpointColors(cluster, 'fixtures', 'myapp', ['blue'], { ready: 2 });
  });

  it('creates an HTTPRoute split between the color Services, with the match and filter a router must keep', () => {
    const route = getJson(cluster, ['get', 'httproute', 'myapp', '-n', 'fixtures']);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([expect.objectContaining({ name: 'gw', kind: 'Gateway' })]);
    expect(route.spec.rules).toHaveLength(1);
    const [rule] = route.spec.rules;
    expect(rule.backendRefs.map((b: { name: string; weight: number; port: number }) => [b.name, b.weight, b.port])).toEqual([
      ['myapp-blue', 100, 80],
      ['myapp-green', 0, 80],
    ]);
    expect(rule.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(rule.filters).toEqual([{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Served-By', value: 'myapp' }] } }]);
  });
});
