import { describe, expect, it } from 'vitest';
import type { Obj } from '../../src/routers/kubernetes/client.js';
import { sliceCounts } from '../../src/routers/kubernetes/endpoints.js';
import { describeApiError, rbacResource, timedOut } from '../../src/routers/kubernetes/errors.js';
import { kubeconfigSecrets } from '../../src/routers/kubernetes/module.js';
import { podNotReadyReason, rolloutStatus } from '../../src/routers/kubernetes/rollout.js';
import { selectorRevision, serviceState } from '../../src/routers/kubernetes/traffic.js';
import { secretsOf } from '../../src/secrets.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import { inputs } from '../../test-support/fakes.js';

const colors = ['blue', 'green'] as const;

function deployment(spec: { replicas?: number; generation?: number }, status: Record<string, unknown>) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'myapp-green', generation: spec.generation ?? 2 }, spec: { replicas: spec.replicas ?? 3 }, status };
}

describe('rollout status, decided as kubectl rollout status decides it', () => {
  it('waits until the controller observed the new generation', () => {
    expect(rolloutStatus(deployment({ generation: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 })).state).toBe('waiting');
  });
  it('fails on ProgressDeadlineExceeded, quoting the condition', () => {
    const status = rolloutStatus(
      deployment({}, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] }),
    );
    expect(status).toEqual({ state: 'failed', message: 'myapp-green exceeded its progress deadline: ReplicaSet "x" has timed out progressing.' });
  });
  it('waits for updated, then old replicas to go, then availability', () => {
    expect(rolloutStatus(deployment({}, { observedGeneration: 2, updatedReplicas: 1, replicas: 4, availableReplicas: 3 })).message).toBe(
      '1/3 updated, 3 available: waiting for new replicas to be updated',
    );
    expect(rolloutStatus(deployment({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 })).message).toMatch(/1 old replica\(s\) pending termination/);
    expect(rolloutStatus(deployment({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toMatch(/waiting for updated replicas to be available/);
  });
  it('is done when every replica is updated and available', () => {
    expect(rolloutStatus(deployment({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({ state: 'done', message: '3/3 updated, 3 available: rolled out' });
  });
  it('says why a pod is not ready: a waiting container first, else a false condition', () => {
    const waiting = { metadata: { name: 'p1' }, status: { conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff', message: 'pull failed' } } }] } };
    expect(podNotReadyReason(waiting)).toBe('pod p1: container app is ImagePullBackOff: pull failed');
    const unscheduled = { metadata: { name: 'p2' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available' }] } };
    expect(podNotReadyReason(unscheduled)).toBe('pod p2: PodScheduled is False: Unschedulable (0/2 nodes are available)');
    expect(podNotReadyReason({ metadata: { name: 'p3' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBeUndefined();
  });
});

describe('API errors in the user\'s terms', () => {
  const service = { apiVersion: 'v1', kind: 'Service', name: 'myapp' };
  it('403 names the verb and the resource as RBAC names it', () => {
    const error = describeApiError({ code: 403, body: { message: 'services "myapp" is forbidden' } }, 'patch', service, 'shop');
    expect(error.message).toMatch(/may not patch services in namespace "shop" \(403 Forbidden\): grant "patch" on "services"/);
    expect(rbacResource({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: 'r' })).toBe('httproutes.gateway.networking.k8s.io');
    expect(rbacResource({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'l' })).toBe('leases.coordination.k8s.io');
  });
  it('404 names the object, 409 says nothing was overwritten, 422 quotes the API', () => {
    expect(describeApiError({ code: 404, body: {} }, 'get', service, 'shop').message).toBe('Service "myapp" was not found in namespace "shop"');
    expect(describeApiError({ code: 409, body: JSON.stringify({ message: 'the object has been modified' }) }, 'patch', service, 'shop').message).toMatch(
      /changed by someone else between this run's read and its patch \(409 Conflict: the object has been modified\); nothing was overwritten/,
    );
    expect(describeApiError({ code: 422, body: { message: 'spec.selector: Invalid value' } }, 'patch', service, 'shop').message).toMatch(/422 Invalid\): spec.selector: Invalid value/);
  });
  it('a request left unanswered says which call timed out, on what, after how long', () => {
    expect(timedOut('get', service, 'shop', 30_000).message).toBe('could not get Service "myapp" in namespace "shop": timed out after 30s without an answer from the API server');
    expect(timedOut('list', { apiVersion: 'v1', kind: 'Pod', name: '' }, 'shop', 1500).message).toBe(
      'could not list pods in namespace "shop": timed out after 1.5s without an answer from the API server',
    );
  });
  it('passes other errors through', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:6443');
    expect(describeApiError(error, 'get', service, 'shop')).toBe(error);
    // A timeout's DOMException carries code 23: not an HTTP status.
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeApiError(timeout, 'patch', service, 'shop').message).toBe('The operation was aborted due to timeout');
  });
});

describe('Service selector', () => {
  const svc = (value?: string): Obj => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'myapp', managedFields: [{ manager: 'blue-green-action', operation: 'Update', time: '2026-01-01T00:00:00Z' as unknown as Date, fieldsV1: { 'f:spec': { 'f:selector': { 'f:version': {} } } } }] },
    spec: { selector: value ? { app: 'myapp', version: value } : { app: 'myapp' } },
  });
  it('reads the color from the selector key, and who wrote it last as the revision', () => {
    expect(serviceState(svc('green'), 'version', colors)).toEqual({ active: 'green', revision: 'blue-green-action Update 2026-01-01T00:00:00Z' });
    expect(serviceState(svc(), 'version', colors).active).toBeUndefined();
    expect(() => serviceState(svc('purple'), 'version', colors)).toThrow(/selects version=purple, which is not one of the colors \(blue, green\)/);
    expect(selectorRevision(svc('blue'), 'color')).toBeUndefined();
  });
  it('reads the revision of an atomic selector (f:selector: {}, as the API records a Service\'s), newest owner first', () => {
    const atomic = svc('green');
    atomic.metadata!.managedFields = [
      { manager: 'blue-green-action', operation: 'Update', time: '2026-01-01T00:00:00Z' as unknown as Date, fieldsV1: { 'f:spec': { 'f:selector': {} } } },
      { manager: 'kubectl-patch', operation: 'Update', time: '2026-01-01T00:00:05Z' as unknown as Date, fieldsV1: { 'f:spec': { 'f:selector': {} } } },
      { manager: 'kubectl-create', operation: 'Update', time: '2026-01-01T00:00:09Z' as unknown as Date, fieldsV1: { 'f:spec': { 'f:ports': {} } } },
    ];
    expect(selectorRevision(atomic, 'version')).toBe('kubectl-patch Update 2026-01-01T00:00:05Z');
  });
});

describe('EndpointSlices', () => {
  const slice = (...endpoints: [string, boolean | undefined][]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    endpoints: endpoints.map(([pod, ready]) => ({ addresses: ['10.0.0.1'], targetRef: { kind: 'Pod', name: pod }, conditions: ready === undefined ? {} : { ready } })),
  });
  it('counts ready endpoints of the target pods and any endpoint of another pod', () => {
    const target = new Set(['g1', 'g2']);
    expect(sliceCounts([slice(['g1', true], ['g2', undefined])], target)).toEqual({ ready: 2, others: 0 });
    expect(sliceCounts([slice(['g1', false]), slice(['b1', true])], target)).toEqual({ ready: 0, others: 1 });
  });
});

describe('kubeconfig credentials are masked', () => {
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://k8s.example.com"}}]
users:
- name: ci
  user:
    token: eyJhbGciOiJSUzI1NiJ9.secret-token-value
- name: admin
  user:
    client-key-data: ${Buffer.from('-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----\n').toString('base64')}
    password: hunter2-password
contexts: [{name: c, context: {cluster: c, user: ci}}]
current-context: c
`;
  it('finds tokens, keys (also decoded) and passwords, even in a document that refers to itself', () => {
    const found = kubeconfigSecrets(kubeconfig);
    expect(found).toContain('eyJhbGciOiJSUzI1NiJ9.secret-token-value');
    expect(found).toContain('hunter2-password');
    expect(found).toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(kubeconfigSecrets('- &a [*a]')).toEqual([]);
    expect(kubeconfigSecrets('not: [yaml')).toEqual([]);
  });
  it('are part of what every run masks', () => {
    const secrets = secretsOf((name) => (name === 'kubeconfig' ? kubeconfig : ''));
    expect(secrets).toContain('eyJhbGciOiJSUzI1NiJ9.secret-token-value');
    expect(secrets).toContain(kubeconfig);
  });
});

describe('kubeconfig credentials an exec plugin or auth-provider is given', () => {
  const withUser = (user: string) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://k8s.example.com"}}]
users:
- name: ci
  user:
${user.replace(/^/gm, '    ')}
contexts: [{name: c, context: {cluster: c, user: ci}}]
current-context: c
`;
  const exec = withUser(`exec:
  apiVersion: client.authentication.k8s.io/v1
  command: cloud-login
  args: [get-token, --token=eq-token-1, --token, sep-token-2, --client-secret=client-secret-3, -password, pass-word-4,
         --apiKey, camel-key-5, --token-file, /var/run/token-path, --password-stdin, --region, us-east-1, --token]
  env:
  - {name: LOGIN_SECRET, value: env-secret-6}
  - {name: ANYTHING, value: env-value-7}
  - {name: VERBOSE, value: "true"}`);
  it('masks every exec env value and the values of flags named for a credential, in both forms', () => {
    const found = kubeconfigSecrets(exec);
    expect(found).toEqual(expect.arrayContaining(['eq-token-1', 'sep-token-2', 'client-secret-3', 'pass-word-4', 'camel-key-5', 'env-secret-6', 'env-value-7']));
    // A path, a switch, a plain argument and a switch-like env value are not credentials.
    for (const plain of ['/var/run/token-path', 'us-east-1', 'get-token', 'cloud-login', 'true', '--region']) expect(found).not.toContain(plain);
  });
  it('masks the credentials of an auth-provider config and its cmd-args, not its program or settings', () => {
    const found = kubeconfigSecrets(
      withUser(`auth-provider:
  name: gcp
  config:
    cmd-path: /usr/bin/gcloud
    cmd-args: config config-helper --format=json --access-token=arg-token-8
    access-token: ya29.access-token-9
    my-api-key: provider-key-10
    client-id: public-client-id
    expiry: "2030-01-01T00:00:00Z"`),
    );
    expect(found).toEqual(expect.arrayContaining(['arg-token-8', 'ya29.access-token-9', 'provider-key-10']));
    for (const plain of ['/usr/bin/gcloud', 'public-client-id', 'json', '2030-01-01T00:00:00Z']) expect(found).not.toContain(plain);
  });

  const settingsOf = (kubeconfig: string, extra: Record<string, string> = {}) => readSettings(inputs({ router: 'kubernetes', service: 'myapp', version: 'v2', kubeconfig, ...extra }));
  it('warns that an exec plugin or an auth-provider program runs with the step\'s environment, naming it', () => {
    expect(settingsOf(exec).warnings).toEqual([
      expect.stringMatching(/^Input 'kubeconfig': user "ci" runs the program "cloud-login" \(an exec credential plugin\) to get its credential, with the whole environment of this step: every input of the action \(github-token, this kubeconfig\)/),
    ]);
    const gcp = withUser('auth-provider: {name: gcp, config: {cmd-path: /usr/bin/gcloud, cmd-args: config config-helper}}');
    expect(settingsOf(gcp).warnings).toEqual([expect.stringMatching(/user "ci" runs "\/usr\/bin\/gcloud" through a shell \(auth-provider "gcp"\) to refresh its token, with the whole environment/)]);
  });
  it('does not warn for what runs nothing: a token, an auth-provider without a program, another context\'s user', () => {
    expect(settingsOf(withUser('token: abcdefgh')).warnings).toEqual([]);
    expect(settingsOf(withUser('auth-provider: {name: oidc, config: {id-token: x.y.z, idp-issuer-url: "https://idp"}}')).warnings).toEqual([]);
    const unused = exec.replace('current-context: c', 'current-context: other');
    expect(settingsOf(unused).warnings).toEqual([]);
  });
});

describe('Kubernetes names as the API checks them', () => {
  const problemsOf = (given: Record<string, string>) => {
    try {
      readSettings(inputs({ router: 'kubernetes', service: 'myapp', version: 'v2', ...given }));
      return [];
    } catch (error) {
      if (error instanceof SettingsError) return error.problems;
      throw error;
    }
  };
  it('a namespace is an RFC 1123 label: it may start with a digit', () => {
    for (const namespace of ['1team', 'team-1', 'a', '0', 'x'.repeat(63)]) expect(problemsOf({ namespace })).toEqual([]);
    for (const namespace of ['-team', 'team-', 'Team', 'te_am', 'team.a', 'x'.repeat(64)]) {
      expect(problemsOf({ namespace })).toEqual([
        `Input 'namespace': got "${namespace}"; expected a namespace name (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit), or empty for the context's namespace.`,
      ]);
    }
  });
  it('a Service name stays an RFC 1035 label: it starts with a letter', () => {
    expect(problemsOf({ service: '1team' })).toEqual([expect.stringMatching(/^Input 'service': got "1team"; expected the name of the live Service/)]);
  });
});
