// Gateway API HTTPRoutes: what the router reads from every rule and backendRef, what it writes, the
// revision it vouches for, and how it judges the controllers' status.
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../src/routers/kubernetes/client.js';
import { readyEndpoints } from '../../src/routers/kubernetes/endpoints.js';
import { routeProgress } from '../../src/routers/kubernetes/route-status.js';
import { routeProblems, routeState, rulesRevision, weightedRules } from '../../src/routers/kubernetes/traffic.js';

const colors = ['blue', 'green'] as const;
const serviceFor = (color: string) => `myapp-${color}`;
type Ref = { name: string; port?: number; weight?: number; namespace?: string; group?: string; kind?: string };
type Rule = { matches?: { path: { type: string; value: string } }[]; backendRefs: Ref[] };

const entry = (manager: string, time: string, spec: Record<string, unknown>, subresource?: string) => ({
  manager,
  operation: 'Update',
  time: time as unknown as Date,
  ...(subresource ? { subresource } : {}),
  fieldsV1: subresource ? { 'f:status': { 'f:parents': {} } } : { 'f:spec': spec },
});

function route(rules: Rule[], managedFields: ReturnType<typeof entry>[] = [entry('kubectl-create', '2026-01-01T00:00:00Z', { 'f:parentRefs': {}, 'f:rules': {} })]): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'myapp', namespace: 'shop', generation: 4, managedFields },
    spec: { parentRefs: [{ name: 'gw' }], rules },
  };
}
const rule = (path: string, blue: number | undefined, green: number): Rule => ({
  matches: [{ path: { type: 'PathPrefix', value: path } }],
  backendRefs: [
    { name: 'myapp-blue', port: 80, ...(blue === undefined ? {} : { weight: blue }) },
    { name: 'myapp-green', port: 80, weight: green },
  ],
});
const admin: Rule = { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'admin', port: 80 }] };

describe('HTTPRoute weights: every rule and every color backendRef', () => {
  it('reads one color, or a split, from the weights (an absent weight is 1); rules without a color are not the run\'s', () => {
    expect(routeState(route([rule('/', 100, 0), admin]), serviceFor, colors)).toEqual({ active: 'blue', revision: 'kubectl-create Update 2026-01-01T00:00:00Z' });
    expect(routeState(route([rule('/', 0, 5)]), serviceFor, colors).active).toBe('green');
    expect(routeState(route([rule('/', undefined, 3)]), serviceFor, colors).weights).toEqual({ blue: 25, green: 75 });
  });

  it('reports a second rule that still sends everything to the old color, naming each rule, instead of reading the first', () => {
    const split = route([rule('/', 0, 100), rule('/api', 100, 0)]);
    expect(() => routeState(split, serviceFor, colors)).toThrow(
      'HTTPRoute "myapp" routes to the colors differently from rule to rule (rule 1 (PathPrefix /) sends green; rule 2 (PathPrefix /api) sends blue), so no one split can be said to be live',
    );
    expect(routeProblems(split, serviceFor, colors)).toEqual([expect.stringMatching(/routes to the colors differently from rule to rule/)]);
    // Proportional weights are the same split: 1:1 and 50:50 agree.
    expect(routeState(route([rule('/', 50, 50), rule('/api', 1, 1)]), serviceFor, colors).weights).toEqual({ blue: 50, green: 50 });
  });

  it('sums a color named by two backendRefs of a rule (two ports), and writes them so they read back as the split written', () => {
    const twoPorts = route([{ backendRefs: [{ name: 'myapp-blue', port: 80, weight: 50 }, { name: 'myapp-blue', port: 81, weight: 50 }, { name: 'myapp-green', port: 80, weight: 0 }] }]);
    expect(routeState(twoPorts, serviceFor, colors)).toMatchObject({ active: 'blue' });
    const rules = weightedRules(twoPorts, serviceFor, colors, 'green', 11) as Rule[];
    expect(rules[0].backendRefs.map((ref) => ref.weight)).toEqual([45, 44, 11]);
    expect(routeState({ ...twoPorts, spec: { ...twoPorts.spec, rules } }, serviceFor, colors).weights).toEqual({ blue: 89, green: 11 });
  });

  it('reads and writes the same backendRefs: one to a same-named Service in another namespace or group is neither read nor rewritten', () => {
    const foreign: Ref[] = [
      { name: 'myapp-green', namespace: 'other', port: 80, weight: 7 },
      { name: 'myapp-green', group: 'example.com', kind: 'Backend', weight: 7 },
    ];
    const before = route([{ backendRefs: [...rule('/', 100, 0).backendRefs, ...foreign] }, admin]);
    expect(routeState(before, serviceFor, colors).active).toBe('blue');
    for (const percent of [10, 50, 100]) {
      const rules = weightedRules(before, serviceFor, colors, 'green', percent) as Rule[];
      expect(rules[0].backendRefs.slice(2)).toEqual(foreign);
      expect(rules[1]).toEqual(admin);
      const after = routeState({ ...before, spec: { ...before.spec, rules } }, serviceFor, colors);
      expect(after.weights ?? { [after.active!]: 100 }).toEqual(percent === 100 ? { green: 100 } : { blue: 100 - percent, green: percent });
    }
    expect(before.spec.rules[0].backendRefs[0].weight).toBe(100);
  });

  it('refuses a route whose rule routes to one color only, or one with no parent', () => {
    const oneSided = route([rule('/', 100, 0)]);
    oneSided.spec.rules[0].backendRefs.pop();
    expect(routeProblems(oneSided, serviceFor, colors)).toEqual(['HTTPRoute "myapp" has a rule 1 (PathPrefix /) without a backendRef to myapp-green']);
    expect(routeProblems(route([rule('/', 100, 0)]), serviceFor, colors)).toEqual([]);
    const orphan = route([rule('/', 100, 0)]);
    orphan.spec.parentRefs = [];
    expect(routeProblems(orphan, serviceFor, colors)).toEqual(['HTTPRoute "myapp" has no parentRefs, so no Gateway (or mesh Service) routes by it']);
  });
});

describe('HTTPRoute revision: the last write of the rules, where the weights are', () => {
  const ours = entry('blue-green-action', '2026-01-01T00:01:00Z', { 'f:rules': {} });
  it('is the newest owner of the rules; the controller\'s status and edits elsewhere do not move it', () => {
    const fields = [
      entry('kubectl-create', '2026-01-01T00:00:00Z', { 'f:parentRefs': {}, 'f:rules': {} }),
      ours,
      entry('traefik', '2026-01-01T00:01:01Z', {}, 'status'),
      entry('kubectl-label', '2026-01-01T00:02:00Z', { 'f:hostnames': {} }),
    ];
    expect(rulesRevision(route([rule('/', 0, 100)], fields))).toBe('blue-green-action Update 2026-01-01T00:01:00Z');
  });
  it('moves to whoever rewrote the rules since, even to the same weights', () => {
    const fields = [ours, entry('kubectl-edit', '2026-01-01T00:03:00Z', { 'f:rules': {} })];
    expect(rulesRevision(route([rule('/', 0, 100)], fields))).toBe('kubectl-edit Update 2026-01-01T00:03:00Z');
  });
});

describe('HTTPRoute status: done when every parent reports the written generation Accepted and ResolvedRefs', () => {
  const condition = (type: string, status: string, observedGeneration: number | undefined, reason = type, message = '') => ({ type, status, reason, message, observedGeneration });
  const withStatus = (parents: unknown[], parentRefs: unknown[] = [{ name: 'gw' }]): Obj => ({ ...route([rule('/', 100, 0)]), spec: { parentRefs, rules: [] }, status: { parents } });
  const answer = (generation: number, resolved = 'True', parentRef: unknown = { name: 'gw' }, reason = 'ResolvedRefs', message = '') => ({
    parentRef,
    controllerName: 'traefik.io/gateway-controller',
    conditions: [condition('Accepted', 'True', generation), condition('ResolvedRefs', resolved, generation, reason, message)],
  });

  it('is pending until a controller answers for the generation written (an older answer is not one)', () => {
    expect(routeProgress(withStatus([]), 5)).toEqual({ state: 'pending', parents: ['Gateway shop/gw: no status from any controller'], controllers: [] });
    const stale = routeProgress(withStatus([answer(4)]), 5);
    expect(stale.state).toBe('pending');
    expect(stale.parents[0]).toBe('Gateway shop/gw (traefik.io/gateway-controller): Accepted True (Accepted) for generation 4, ResolvedRefs True (ResolvedRefs) for generation 4');
    expect(routeProgress(withStatus([answer(5)]), 5)).toMatchObject({ state: 'programmed', controllers: ['traefik.io/gateway-controller'] });
    expect(routeProgress(withStatus([answer(6)]), 5).state).toBe('programmed');
  });

  it('takes the word of a controller that stamps no generation (Linkerd\'s) as it stands, and says so', () => {
    const unstamped = { ...answer(5), controllerName: 'linkerd.io/policy-controller', conditions: [condition('Accepted', 'True', undefined), condition('ResolvedRefs', 'True', undefined)] };
    expect(routeProgress(withStatus([unstamped]), 5)).toMatchObject({
      state: 'programmed',
      parents: ['Gateway shop/gw (linkerd.io/policy-controller): Accepted True (Accepted) with no generation stated, ResolvedRefs True (ResolvedRefs) with no generation stated'],
    });
    const refused = { ...unstamped, conditions: [condition('Accepted', 'False', undefined, 'NoMatchingParent')] };
    expect(routeProgress(withStatus([refused]), 5).state).toBe('rejected');
  });

  it('is rejected when a condition is False for that generation, quoting the controller', () => {
    const missing = answer(5, 'False', { name: 'gw' }, 'BackendNotFound', 'Cannot load HTTPBackendRef shop/nowhere: service not found');
    expect(routeProgress(withStatus([missing]), 5)).toMatchObject({
      state: 'rejected',
      parents: ['Gateway shop/gw (traefik.io/gateway-controller): Accepted True (Accepted) for generation 5, ResolvedRefs False (BackendNotFound: Cannot load HTTPBackendRef shop/nowhere: service not found) for generation 5'],
    });
    // A refusal of an older generation may no longer hold: it is waited on, not believed.
    expect(routeProgress(withStatus([missing]), 6).state).toBe('pending');
  });

  it('needs every parent: one Gateway answered and another not is pending; the API\'s defaults in a controller\'s copy still match', () => {
    const refs = [{ name: 'gw' }, { name: 'internal', namespace: 'infra', sectionName: 'http' }];
    const defaulted = answer(5, 'True', { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'gw' });
    const progress = routeProgress(withStatus([defaulted], refs), 5);
    expect(progress.state).toBe('pending');
    expect(progress.parents[1]).toBe('Gateway infra/internal (listener http): no status from any controller');
    const both = [defaulted, answer(5, 'True', { name: 'internal', namespace: 'infra', sectionName: 'http' })];
    expect(routeProgress(withStatus(both, refs), 5).state).toBe('programmed');
  });

  it('judges a mesh (GAMMA) route, whose parent is a Service, the same way', () => {
    const mesh = { group: '', kind: 'Service', name: 'myapp' };
    const istio = { ...answer(5, 'True', mesh), controllerName: 'istio.io/gateway-controller' };
    expect(routeProgress(withStatus([istio], [mesh]), 5)).toMatchObject({ state: 'programmed', parents: [expect.stringMatching(/^Service shop\/myapp \(istio.io\/gateway-controller\): Accepted True/)] });
    expect(routeProgress(withStatus([], [mesh]), 5).parents).toEqual(['Service shop/myapp: no status from any controller']);
    // The core group written as Linkerd's examples write it, on either side.
    const linkerd = { ...answer(5, 'True', { ...mesh, group: 'core' }), controllerName: 'linkerd.io/policy-controller' };
    expect(routeProgress(withStatus([linkerd], [mesh]), 5).state).toBe('programmed');
  });
});

describe('ready endpoints of a color Service, whatever selects them', () => {
  const slice = (...endpoints: [string, boolean | undefined, string?][]) => ({
    endpoints: endpoints.map(([address, ready, pod]) => ({ addresses: [address], ...(pod ? { targetRef: { kind: 'Pod', name: pod } } : {}), conditions: ready === undefined ? {} : { ready } })),
  });
  it('counts the slices\' own endpoints (a selectorless Service\'s hand-written ones too), never pods elsewhere in the namespace', () => {
    expect(readyEndpoints([])).toEqual({ ready: 0, total: 0 });
    expect(readyEndpoints([slice(['10.244.250.1', true], ['10.244.250.2', false])])).toEqual({ ready: 1, total: 2 });
    // Unset `ready` is ready, as the API tells consumers; an endpoint listed in two slices counts once.
    expect(readyEndpoints([slice(['10.1.0.1', undefined, 'p1']), slice(['10.1.0.1', true, 'p1'])])).toEqual({ ready: 1, total: 1 });
  });
});
