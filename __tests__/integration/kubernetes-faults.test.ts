// The Kubernetes router and deployer when the apiserver errs, throttles, stalls or refuses, at each
// phase of a release: preflight, taking the Lease, deploying, the preview, the flip, waiting for the
// EndpointSlices, renewing the Lease during the window, the rollback, the final read. Faults come from a
// real apiserver (RBAC edited mid-run, the Lease taken by someone else) and from an HTTPS proxy in front
// of it (test-support/kube-api-faults.mjs). Every run must end on a known color: `active-color` and the
// summary's "Router now shows" say what the Service selector (or HTTPRoute) shows at the end (`untrue
// outputs`), and the action never writes once it cannot prove it holds its Lease (`writes after the fence
// lost`, judged by test-support/fence-audit.mjs from the proxy's records). Both are printed and must be 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printMatrix, writesAfterFenceLost } from '../../test-support/fence-audit.mjs';
import { revokeRight, startApiProxy } from '../../test-support/kube-api-faults.mjs';
import { createApp, serviceAccountKubeconfig, startCluster, type Cluster } from '../../test-support/kube.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';
import { startTraefik } from '../../test-support/traefik.mjs';
import { untruths } from '../../test-support/truth.mjs';

type Proxy = Awaited<ReturnType<typeof startApiProxy>>;
type Run = Awaited<ReturnType<typeof runAction>>;
interface Ctx {
  namespace: string;
  proxy: Proxy;
  /** The health endpoint's answer for this run (200 until set). */
  health(code: number): Promise<unknown>;
  /** Takes a right out of the action's Role, and waits until the apiserver refuses it. */
  revoke(verb: string, resource: string, group?: string): Promise<void>;
  /** When someone else took or removed the Lease, if they did. */
  lostAt?: number;
  /** The kubeconfig, straight to the apiserver (not through the proxy). */
  direct: string;
  /** Another run's, when a case starts one. */
  other?: Promise<Run>;
}
interface Case {
  name: string;
  /** Traffic moves through an HTTPRoute in two steps (25%, 100%) instead of the Service selector. */
  httpRoute?: boolean;
  inputs?: Record<string, string>;
  /** Faults and triggers, set before the run starts. */
  arrange(ctx: Ctx): Promise<unknown>;
  result: string;
  active: string;
  reason?: RegExp;
  check?: (run: Run, ctx: Ctx) => void | Promise<void>;
}

const SERVICE = 'myapp';
const ROLE = readFileSync(join(ROOT, 'kubernetes/role.yaml'), 'utf8');
const ACCOUNT = 'release';
type Match = { verb: string; resource: string; name?: string; after?: Match };
/** The Service patch that flips to the new color (a second one is the rollback). */
const FLIP = { verb: 'patch', resource: 'services', name: SERVICE };
const ROUTE = { verb: 'patch', resource: 'httproutes', name: SERVICE };
/** The watch of the route's status after its first weights patch: the wait for Traefik to accept it. */
const PROGRAMMED = { verb: 'watch', resource: 'httproutes', after: ROUTE };
const READ = { verb: 'get', resource: 'services', name: SERVICE };
/** The first read of the Service after the flip: the window has begun. */
const WINDOW = { ...READ, after: FLIP };
const IMAGE = { verb: 'patch', resource: 'deployments', name: 'myapp-green' };
const ROLLOUT = { verb: 'watch', resource: 'deployments' };
const SLICES = { verb: 'watch', resource: 'endpointslices', after: FLIP };
const RENEWAL = { verb: 'patch', resource: 'leases' };
/**
 * Longer than any window these runs reach: each ends as soon as what it waits for happens (a Lease run
 * out 20 s after its last confirmed renewal, a health check turned bad), however late a busy machine
 * lets the test make it happen.
 */
const LONG = { 'health-window': '60s' };
const NO_CHECKS = { 'health-urls': '' };
const lost = /this run lost its exclusive hold on the router .*It wrote nothing after that: traffic was left as the router shows it/;

type Fault = { status?: number; landed?: boolean; hang?: boolean; delayMs?: number; freezeMs?: number };
/** The requests `match` picks (from the `skip+1`th, `times` of them) get `fault` from the proxy. */
const fault =
  (match: Match, what: Fault, { skip = 0, times = Infinity } = {}) =>
  ({ namespace, proxy }: Ctx) =>
    proxy.fault({ namespace, ...match, skip, times, fault: what });
/** The same, in a window that fails (the health check answers 500), so the second Service patch is the rollback. */
const inRollback = (what: Fault) => async (ctx: Ctx) => {
  await ctx.health(500);
  await fault(FLIP, what, { skip: 1, times: 1 })(ctx);
};
const once = { times: 1 };

const CASES: Case[] = [
  { name: 'preflight: reading the Service answers 503', arrange: fault(READ, { status: 503 }, once), result: 'aborted', active: 'blue', reason: /^could not get Service "myapp" in namespace "\S+": HTTP 503/ },
  { name: 'preflight: reading a Deployment is held 2 s', arrange: fault({ verb: 'get', resource: 'deployments', name: 'myapp-green' }, { delayMs: 2000 }, once), result: 'promoted', active: 'green' },
  { name: 'taking the Lease: its creation answers 500', arrange: fault({ verb: 'create', resource: 'leases' }, { status: 500 }), result: 'aborted', active: 'blue', reason: /could not create Lease "blue-green-myapp" in namespace "\S+": HTTP 500/ },
  {
    name: 'taking the Lease: it is created, but the answer is lost (503)',
    arrange: fault({ verb: 'create', resource: 'leases' }, { status: 503, landed: true }),
    result: 'aborted',
    active: 'blue',
    reason: /could not create Lease "blue-green-myapp" in namespace "\S+": HTTP 503/,
  },
  { name: 'deploy: the image patch answers 503', arrange: fault(IMAGE, { status: 503 }), result: 'aborted', active: 'blue', reason: /could not patch Deployment "myapp-green" in namespace "\S+": HTTP 503/ },
  { name: 'deploy: the image patch is held 2 s', arrange: fault(IMAGE, { delayMs: 2000 }, once), result: 'promoted', active: 'green' },
  { name: 'deploy: the rollout watch fails 3 times (500)', arrange: fault(ROLLOUT, { status: 500 }, { times: 3 }), result: 'promoted', active: 'green' },
  { name: 'deploy: the rollout watch is refused (403)', arrange: fault(ROLLOUT, { status: 403 }), result: 'aborted', active: 'blue', reason: /may not watch deployments\.apps in namespace "\S+" \(403 Forbidden\)/ },
  {
    name: 'deploy: the rollout watch never answers (ready-timeout 3s)',
    inputs: { 'ready-timeout': '3s' },
    arrange: fault(ROLLOUT, { hang: true }),
    result: 'aborted',
    active: 'blue',
    reason: /Deployment "myapp-green" not rolled out within ready-timeout \(3s\)/,
  },
  {
    // A write stuck on the way must not land once another run may hold the Lease: here runner B takes
    // it over (it saw the Lease unrenewed for 30 s) and stages v3 on green while this run's image patch
    // for green (v2) is still held.
    name: 'partition: cut off 40 s as the image patch is sent, while another run takes the Lease',
    arrange: async (ctx) => {
      await fault(IMAGE, { freezeMs: 40_000 }, once)(ctx);
      await ctx.proxy.on({ namespace: ctx.namespace, ...IMAGE }, () => (ctx.other = runOther(ctx)));
    },
    result: 'aborted',
    active: 'blue',
    reason: /could not patch Deployment "myapp-green" in namespace "\S+": timed out after 5s without an answer from the API server, so the write was given up/,
    check: async (_run, ctx) => {
      const other = await ctx.other!;
      expect(other.outputs.result, other.stdout).toBe('staged');
      const green = JSON.parse(await cluster.kubectlAsync(['get', 'deployment', 'myapp-green', '-n', ctx.namespace, '-o', 'json']));
      expect(green.spec.template.spec.containers[0].image).toBe('example.invalid/myapp:v3');
    },
  },
  {
    name: 'preview: the preview Service patch answers 503',
    arrange: fault({ ...FLIP, name: 'myapp-preview' }, { status: 503 }),
    result: 'aborted',
    active: 'blue',
    reason: /could not patch Service "myapp-preview" in namespace "\S+": HTTP 503/,
  },
  { name: 'flip: the Service patch answers 503 (not applied)', arrange: fault(FLIP, { status: 503 }), result: 'aborted', active: 'blue', reason: /could not patch Service "myapp" .*HTTP 503.*Traffic stayed on blue/ },
  { name: 'flip: the Service patch answers 429 (not applied)', arrange: fault(FLIP, { status: 429 }), result: 'aborted', active: 'blue', reason: /could not patch Service "myapp" .*HTTP 429.*Traffic stayed on blue/ },
  { name: 'flip: the Service patch lands, but its answer is lost (503)', arrange: fault(FLIP, { status: 503, landed: true }, once), result: 'rolled-back', active: 'blue' },
  { name: 'flip: the Service patch is held 2 s', arrange: fault(FLIP, { delayMs: 2000 }, once), result: 'promoted', active: 'green' },
  { name: 'EndpointSlices: the watch after the flip fails 3 times (500)', arrange: fault(SLICES, { status: 500 }, { times: 3 }), result: 'promoted', active: 'green' },
  { name: 'EndpointSlices: every watch after the flip is refused (403)', arrange: fault(SLICES, { status: 403 }), result: 'rolled-back', active: 'blue', reason: /may not watch endpointslices\.discovery\.k8s\.io/ },
  {
    name: 'EndpointSlices: no watch after the flip ever answers (ready-timeout 3s)',
    inputs: { image: '', 'ready-timeout': '3s' },
    arrange: fault(SLICES, { hang: true }),
    result: 'rolled-back',
    active: 'blue',
    reason: /Service "myapp" still did not route only to green after 3s/,
  },
  {
    name: 'Lease: renewals refused from the window on (Role edited)',
    inputs: LONG,
    arrange: (ctx) => ctx.proxy.on({ namespace: ctx.namespace, ...WINDOW }, () => ctx.revoke('patch', 'leases', 'coordination.k8s.io')),
    result: 'failed',
    active: 'green',
    reason: lost,
  },
  { name: 'Lease: renewals never answer from the window on', inputs: LONG, arrange: fault({ ...RENEWAL, after: FLIP }, { hang: true }), result: 'failed', active: 'green', reason: lost },
  {
    name: 'Lease: a renewal lands but its answer is lost (the next one meets a 409)',
    inputs: { 'health-window': '15s' },
    arrange: fault(RENEWAL, { status: 503, landed: true }, once),
    result: 'promoted',
    active: 'green',
    check: async (_run, { namespace, proxy }) => {
      // The lost answer left this run a stale resourceVersion: a 409, then, re-read, confirmed renewals.
      const renewals = (await proxy.of(namespace)).filter((r) => r.resource === 'leases' && r.verb === 'patch');
      expect(renewals.map((r) => r.status).join(' ')).toMatch(/^503 (\S+ )*409 (\S+ )*200/);
    },
  },
  {
    name: 'Lease: taken by another holder mid-window',
    inputs: LONG,
    arrange: (ctx) =>
      ctx.proxy.on({ namespace: ctx.namespace, ...WINDOW }, async () => {
        ctx.lostAt = Date.now();
        await cluster.kubectlAsync(['patch', 'lease', `blue-green-${SERVICE}`, '-n', ctx.namespace, '--type=merge', '-p', JSON.stringify({ spec: { holderIdentity: 'run 9 attempt 1, job other' } })]);
      }),
    result: 'failed',
    active: 'green',
    reason: /Lease "blue-green-myapp" was taken by run 9 attempt 1, job other while this run held it/,
    check: async (_run, { namespace }) => {
      const lease = JSON.parse(await cluster.kubectlAsync(['get', 'lease', `blue-green-${SERVICE}`, '-n', namespace, '-o', 'json']));
      expect(lease.spec.holderIdentity).toBe('run 9 attempt 1, job other');
    },
  },
  { name: 'rollback: the Service patch answers 503 once', arrange: inRollback({ status: 503 }), result: 'rolled-back', active: 'blue' },
  { name: 'rollback: the Service patch lands, but its answer is lost (503)', arrange: inRollback({ status: 503, landed: true }), result: 'rolled-back', active: 'blue' },
  { name: 'rollback: the Service patch is held 2 s', arrange: inRollback({ delayMs: 2000 }), result: 'rolled-back', active: 'blue' },
  {
    name: 'rollback: "patch services" revoked mid-window (Role edited), then the window fails',
    inputs: LONG,
    arrange: (ctx) =>
      ctx.proxy.on({ namespace: ctx.namespace, ...WINDOW }, async () => {
        await ctx.revoke('patch', 'services');
        await ctx.health(500);
      }),
    result: 'failed',
    active: 'green',
    reason: /then the rollback to blue failed: the credentials may not patch services in namespace "\S+" \(403 Forbidden\)/,
  },
  { name: "HTTPRoute: the 100% step's patch answers 503 after the 25% step", httpRoute: true, arrange: fault(ROUTE, { status: 503 }, { skip: 1, times: 1 }), result: 'rolled-back', active: 'blue', reason: /could not patch HTTPRoute "myapp" .*HTTP 503/ },
  { name: "HTTPRoute: the 100% step's patch lands, but its answer is lost (503)", httpRoute: true, arrange: fault(ROUTE, { status: 503, landed: true }, { skip: 1, times: 1 }), result: 'rolled-back', active: 'blue' },
  { name: 'HTTPRoute: the status watch after the 25% patch fails 3 times (500)', httpRoute: true, arrange: fault(PROGRAMMED, { status: 500 }, { times: 3 }), result: 'promoted', active: 'green' },
  // Like the EndpointSlices case: the rollback's retry finds its weights written and takes them.
  { name: 'HTTPRoute: every status watch after the 25% patch is refused (403)', httpRoute: true, arrange: fault(PROGRAMMED, { status: 403 }), result: 'rolled-back', active: 'blue', reason: /may not watch httproutes\.gateway\.networking\.k8s\.io/ },
  {
    name: 'verdict: the final read answers 503 (no health checks)',
    inputs: NO_CHECKS,
    arrange: fault({ ...READ, after: FLIP }, { status: 503 }, { skip: 1 }),
    result: 'failed',
    active: '',
    reason: /the router could not be read at the end \(could not get Service "myapp" .*HTTP 503/,
  },
  { name: 'verdict: the final read answers 503 once (no health checks)', inputs: NO_CHECKS, arrange: fault({ ...READ, after: FLIP }, { status: 503 }, { skip: 1, times: 1 }), result: 'promoted', active: 'green' },
  {
    name: 'after promotion: scaling the previous color down answers 503',
    inputs: { 'scale-down-delay': '1s' },
    arrange: fault({ ...IMAGE, name: 'myapp-blue' }, { status: 503 }),
    result: 'promoted',
    active: 'green',
    check: (run) => expect(run.report().notes.join(' ')).toMatch(/After the promotion: could not patch Deployment "myapp-blue" .*HTTP 503/),
  },
];

let traefik: Awaited<ReturnType<typeof startTraefik>>;
let cluster: Cluster;
let proxy: Proxy;
const rows: Parameters<typeof printMatrix>[0] = [];

beforeAll(async () => {
  cluster = await startCluster();
  proxy = await startApiProxy(cluster);
  // The HTTPRoute cases' Gateway controller: each weight change is done when it accepts it.
  traefik = await startTraefik(cluster);
}, 120_000);

afterAll(async () => {
  traefik?.stop();
  await proxy?.close();
  cluster?.stop();
  const totals = printMatrix(rows);
  expect(totals).toEqual({ 'untrue outputs': 0, 'writes after the fence lost': 0 });
});

/**
 * The color(s) the router sends traffic to now, as the truth check takes them: the Service selector's
 * color ('none' without one), or the HTTPRoute's backends with a weight.
 */
async function routedTo(namespace: string, httpRoute: boolean): Promise<string> {
  const kind = httpRoute ? 'httproute' : 'service';
  const object = JSON.parse(await cluster.kubectlAsync(['get', kind, SERVICE, '-n', namespace, '-o', 'json']));
  if (!httpRoute) return object.spec.selector?.version ?? 'none';
  const refs: { name: string; weight: number }[] = object.spec.rules[0].backendRefs;
  return refs.filter((ref) => ref.weight > 0).map((ref) => ref.name.replace(`${SERVICE}-`, '')).sort().join(', ') || 'none';
}

/**
 * Runner B, which reaches the apiserver while this one cannot: stages v3 on green, waiting for the
 * Lease as long as it takes; the moment it takes the Lease over is when this run lost it.
 */
function runOther(ctx: Ctx): Promise<Run> {
  const inputs = { router: 'kubernetes', service: SERVICE, namespace: ctx.namespace, kubeconfig: ctx.direct, mode: 'stage', image: 'example.invalid/myapp:v3', version: 'v3', 'lock-timeout': '90s' };
  const onOutput = (chunk: string) => {
    if (ctx.lostAt === undefined && chunk.includes('Taking over Lease')) ctx.lostAt = Date.now();
  };
  return runAction(inputs, { env: { KUBECONFIG: '' }, onOutput });
}

async function prepare(httpRoute: boolean): Promise<{ ctx: Ctx; kubeconfig: string }> {
  const app = await createApp(cluster, { name: SERVICE, replicas: { blue: 1, green: 1 }, colorServices: httpRoute, httpRoute, gateway: traefik });
  const { namespace } = app;
  const direct = await serviceAccountKubeconfig(cluster, { namespace, roleYaml: ROLE, name: ACCOUNT });
  const kubeconfig = proxy.kubeconfig(direct);
  const ctx: Ctx = {
    namespace,
    proxy,
    direct,
    health: (code) => proxy.health(namespace, code),
    revoke: (verb, resource, group = '') => revokeRight(cluster, { namespace, role: 'blue-green-deployer', subject: `system:serviceaccount:${namespace}:${ACCOUNT}`, verb, resource, group }),
  };
  return { ctx, kubeconfig };
}

describe.concurrent('kubernetes: the apiserver errs, stalls or refuses at each phase', () => {
  for (const c of CASES)
    it(c.name, { timeout: 120_000 }, async ({ expect }) => {
      const httpRoute = Boolean(c.httpRoute);
      const { ctx, kubeconfig } = await prepare(httpRoute);
      const { namespace } = ctx;
      await c.arrange(ctx);
      const run = await runAction(
        {
          router: 'kubernetes',
          service: SERVICE,
          namespace,
          kubeconfig,
          image: 'example.invalid/myapp:v2',
          'preview-service': 'myapp-preview',
          'health-urls': `${proxy.healthUrl}/${namespace}`,
          'health-interval': '200ms',
          'health-window': '1s',
          'lock-timeout': '5s',
          ...(httpRoute ? { 'http-route': SERVICE, 'traffic-steps': '25,100', 'step-window': '1s' } : {}),
          ...c.inputs,
        },
        { env: { KUBECONFIG: '' } },
      );
      const untrue: string[] = untruths(run, await routedTo(namespace, httpRoute));
      const late: string[] = writesAfterFenceLost(await proxy.of(namespace), { lostAt: ctx.lostAt });
      rows.push({ name: c.name, expected: `${c.result} ${c.active || '(empty)'}`, got: `${run.outputs.result} ${run.outputs['active-color'] || '(empty)'}`, untrue, late });
      // The fault really happened: every rule hit, every trigger ran.
      expect(await proxy.unfired(namespace)).toEqual([]);
      expect({ result: run.outputs.result, 'active-color': run.outputs['active-color'], 'untrue outputs': untrue, 'writes after the fence lost': late }, `${run.outputs.reason}\n${run.stdout}`).toEqual({
        result: c.result,
        'active-color': c.active,
        'untrue outputs': [],
        'writes after the fence lost': [],
      });
      if (c.reason) expect(run.outputs.reason).toMatch(c.reason);
      await c.check?.(run, ctx);
    });
});
