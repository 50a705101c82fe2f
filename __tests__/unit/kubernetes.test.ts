import { describe, expect, it } from 'vitest';
import type { Obj } from '../../src/routers/kubernetes/client.js';
import { sliceCounts } from '../../src/routers/kubernetes/endpoints.js';
import { describeApiError, rbacResource } from '../../src/routers/kubernetes/errors.js';
import { kubeconfigSecrets } from '../../src/routers/kubernetes/module.js';
import { podNotReadyReason, rolloutStatus } from '../../src/routers/kubernetes/rollout.js';
import { routeProblems, routeState, selectorRevision, serviceState, weightedRules } from '../../src/routers/kubernetes/traffic.js';
import { secretsOf } from '../../src/secrets.js';

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
  it('passes other errors through', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:6443');
    expect(describeApiError(error, 'get', service, 'shop')).toBe(error);
    // A timeout's DOMException carries code 23: not an HTTP status.
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeApiError(timeout, 'patch', service, 'shop').message).toBe('The operation was aborted due to timeout');
  });
});

describe('Service selector and HTTPRoute weights', () => {
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

  const route = (blue: number | undefined, green: number) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'myapp', namespace: 'shop', generation: 4 },
    spec: {
      parentRefs: [{ name: 'gw' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { name: 'myapp-blue', port: 80, ...(blue === undefined ? {} : { weight: blue }) },
            { name: 'myapp-green', port: 80, weight: green },
          ],
        },
        { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'admin', port: 80 }] },
      ],
    },
  });
  const serviceFor = (color: string) => `myapp-${color}`;
  it('reads one color, or a split, from the weights (an absent weight is 1)', () => {
    expect(routeState(route(100, 0), serviceFor, colors)).toEqual({ active: 'blue', revision: 'generation 4' });
    expect(routeState(route(0, 5), serviceFor, colors).active).toBe('green');
    expect(routeState(route(undefined, 3), serviceFor, colors).weights).toEqual({ blue: 25, green: 75 });
  });
  it('changes only the two color weights, keeping every other field and rule', () => {
    const before = route(100, 0);
    const rules = weightedRules(before, serviceFor, colors, 'green', 10) as typeof before.spec.rules;
    expect(rules[0].backendRefs.map((ref) => ref.weight)).toEqual([90, 10]);
    expect(rules[0].matches).toEqual(before.spec.rules[0].matches);
    expect(rules[1]).toEqual(before.spec.rules[1]);
    expect(before.spec.rules[0].backendRefs[0].weight).toBe(100);
  });
  it('refuses a route whose rule routes to one color only', () => {
    const oneSided = route(100, 0);
    oneSided.spec.rules[0].backendRefs.pop();
    expect(routeProblems(oneSided, serviceFor, colors)).toEqual(['HTTPRoute "myapp" has a rule (#1 of those routing to the colors) without a backendRef to myapp-green']);
    expect(routeProblems(route(100, 0), serviceFor, colors)).toEqual([]);
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
