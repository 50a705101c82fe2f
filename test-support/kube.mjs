// A real Kubernetes control plane for integration tests (script/control-plane: etcd, kube-apiserver
// with RBAC, controller-manager, scheduler, kwok fake nodes, Gateway API CRDs), all on 127.0.0.1,
// and fixtures on it: blue/green Deployments, Services, an HTTPRoute, service accounts with chosen rights.
// kwok plays the kubelet: pods get an IP and become Ready without running anything, so images never pull.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ROOT } from './runner.mjs';

export const CONTROL_PLANE = join(ROOT, 'script/control-plane');

/** The Kubernetes version the script builds, read from it so the cache path has one source. */
function scriptVersion() {
  const match = /^K8S=(\S+)/m.exec(readFileSync(CONTROL_PLANE, 'utf8'));
  if (!match) throw new Error(`no K8S= line in ${CONTROL_PLANE}`);
  return match[1];
}

/** Where script/control-plane caches its binaries (same rule as the script: BG_CACHE, else ~/.cache/blue-green). */
export function controlPlaneBin() {
  return join(process.env.BG_CACHE || join(homedir(), '.cache/blue-green'), 'control-plane', scriptVersion(), 'bin');
}

export function kubectlBinary() {
  return join(controlPlaneBin(), 'kubectl');
}

const BINARIES = ['etcd', 'kwok', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];
/** Clusters not stopped yet: stopped when the process exits, so a crashed test file leaves no daemons behind. */
const running = new Set();
process.once('exit', () => {
  for (const cluster of running) cluster.stop();
});

/** @typedef {Awaited<ReturnType<typeof startCluster>>} Cluster */

const suffix = () => randomBytes(3).toString('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value, which it returns; fails with `describe()` of the last result. */
export async function until(check, { timeoutMs = 30_000, everyMs = 100, what = 'a condition', describe = (v) => JSON.stringify(v) } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last && (typeof last !== 'object' || last.ok !== false)) return last;
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${describe(last)}`);
    await sleep(everyMs);
  }
}

function kubectlError(args, code, stderr) {
  const error = new Error(`kubectl ${args.join(' ')} failed (exit ${code}): ${String(stderr).trim()}`);
  Object.assign(error, { code, stderr: String(stderr) });
  return error;
}

/** A kubeconfig with everything embedded, as a workflow secret holds it. `user`: token or client cert data. */
export function kubeconfigText({ server, caFile, user }) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority-data': readFileSync(caFile).toString('base64') } }],
    users: [{ name: 'user', user }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'user' } }],
    'current-context': 'local',
  });
}

/**
 * Starts a control plane in a fresh temporary folder (~10 s once built). One per test file:
 * `beforeAll(async () => { cluster = await startCluster(); }, 120_000)` and `afterAll(() => cluster?.stop())`.
 * Unbuilt binaries fail here, loudly: the build belongs to script/bootstrap (background) and
 * script/control-plane wait-build, not to a test's timeout.
 */
export async function startCluster() {
  const bin = controlPlaneBin();
  const missing = BINARIES.filter((b) => !existsSync(join(bin, b)));
  if (missing.length > 0) {
    throw new Error(`the Kubernetes control plane is not built (missing ${missing.join(', ')} in ${bin}): run script/bootstrap, then script/control-plane wait-build`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bg-kube-'));
  const started = Date.now();
  await new Promise((resolve, reject) => {
    execFile(CONTROL_PLANE, ['start', dir], { encoding: 'utf8', timeout: 110_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      // The script has stopped what it started; its output holds the failing daemon's last log lines.
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`script/control-plane start failed: ${error.message}\n${stderr}`));
    });
  });
  const env = Object.fromEntries(
    readFileSync(join(dir, 'env'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const kubeconfig = join(dir, 'kubeconfig');
  const pki = join(dir, 'pki');
  const kubectl = kubectlBinary();
  let stopped = false;
  const cluster = {
    dir,
    kubeconfig,
    /** The admin's kubeconfig with the CA, certificate and key embedded (no file references). */
    kubeconfigText: kubeconfigText({
      server: env.KUBE_APISERVER,
      caFile: join(pki, 'ca.crt'),
      user: {
        'client-certificate-data': readFileSync(join(pki, 'admin.crt')).toString('base64'),
        'client-key-data': readFileSync(join(pki, 'admin.key')).toString('base64'),
      },
    }),
    server: env.KUBE_APISERVER,
    caFile: join(pki, 'ca.crt'),
    env: { KUBECONFIG: kubeconfig },
    startMs: Date.now() - started,
    /** Runs kubectl as admin (or as `kubeconfig`, a path); returns stdout, throws with stderr on failure. */
    /** @param {string[]} args @param {{ input?: string, kubeconfig?: string }} [options] */
    kubectl(args, { input, kubeconfig: as = kubeconfig } = {}) {
      const result = cluster.kubectlResult(args, { input, kubeconfig: as });
      if (result.code !== 0) throw kubectlError(args, result.code, result.stderr);
      return result.stdout;
    },
    /** Like kubectl, but never throws: `{ code, stdout, stderr }`, for asserting refusals. */
    /** @param {string[]} args @param {{ input?: string, kubeconfig?: string }} [options] */
    kubectlResult(args, { input, kubeconfig: as = kubeconfig } = {}) {
      const result = spawnSync(kubectl, ['--kubeconfig', as, ...args], { input, encoding: 'utf8', timeout: 60_000 });
      if (result.error) throw result.error;
      return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    },
    /** The same, without blocking the event loop (while the action runs beside it, for instance). */
    /** @param {string[]} args @param {{ input?: string, kubeconfig?: string }} [options] */
    kubectlAsync(args, { input, kubeconfig: as = kubeconfig } = {}) {
      return new Promise((resolve, reject) => {
        const child = execFile(kubectl, ['--kubeconfig', as, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
          if (error) reject(kubectlError(args, error.code, stderr));
          else resolve(stdout);
        });
        child.stdin?.end(input ?? '');
      });
    },
    /** Writes a kubeconfig text into the cluster's folder; returns its path (for kubectl's `kubeconfig` option). */
    writeKubeconfig(text, name = `kubeconfig-${suffix()}`) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    },
    /** Stops every daemon and removes the folder; safe to call twice. */
    stop() {
      if (stopped) return;
      stopped = true;
      running.delete(cluster);
      spawnSync(CONTROL_PLANE, ['stop', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(cluster);
  return cluster;
}

/** `kubectl <args> -o json`, parsed. */
export function getJson(cluster, args) {
  return JSON.parse(cluster.kubectl([...args, '-o', 'json']));
}

/** Creates the namespace unless it exists, and waits for its default service account (pods need it). */
export async function ensureNamespace(cluster, namespace) {
  if (cluster.kubectlResult(['get', 'namespace', namespace]).code !== 0) cluster.kubectl(['create', 'namespace', namespace]);
  await until(() => cluster.kubectlResult(['get', 'serviceaccount', 'default', '-n', namespace]).code === 0, {
    what: `the default service account of ${namespace}`,
  });
}

function create(cluster, items) {
  cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
}

/** True when the Deployment has rolled out its current spec and every replica is available. */
export function isAvailable(deployment) {
  const { metadata, status = {}, spec } = deployment;
  const want = spec.replicas ?? 1;
  return (status.observedGeneration ?? 0) >= metadata.generation && (status.updatedReplicas ?? 0) === want && (status.availableReplicas ?? 0) === want;
}

export async function waitForAvailable(cluster, namespace, names, timeoutMs = 60_000) {
  return until(
    () => {
      const items = getJson(cluster, ['get', 'deployments', '-n', namespace]).items.filter((d) => names.includes(d.metadata.name));
      const pending = names.filter((n) => !items.some((d) => d.metadata.name === n && isAvailable(d)));
      return { ok: pending.length === 0, pending, status: items.map((d) => ({ name: d.metadata.name, ...d.status, conditions: undefined })) };
    },
    { timeoutMs, what: `Deployments ${names.join(', ')} in ${namespace} to be available` },
  );
}

/** The Deployment's condition of that type (`Available`, `Progressing`), or undefined. */
export function deploymentCondition(cluster, namespace, name, type) {
  return getJson(cluster, ['get', 'deployment', name, '-n', namespace]).status?.conditions?.find((c) => c.type === type);
}

export async function waitForDeploymentReason(cluster, namespace, name, reason, { type = 'Progressing', timeoutMs = 30_000 } = {}) {
  return until(
    () => {
      const condition = deploymentCondition(cluster, namespace, name, type);
      return condition?.reason === reason ? condition : { ok: false, condition };
    },
    { timeoutMs, what: `${namespace}/${name} to report ${type} ${reason}` },
  );
}

/**
 * Creates a blue-green app: Deployments `${name}-${color}` (pods labeled `app: name` and
 * `[colorLabel]: color`), the live Service `${name}` (selector on `live`), the preview Service
 * `${name}-preview` (on the idle color), per-color Services `${name}-${color}`, and, with
 * `httpRoute`, a Gateway API HTTPRoute `${name}` splitting between the per-color Services (live 100,
 * others 0) with a path match and a header filter that a router must keep. All Services: port 80 → 8080.
 * `gateway`: a started Traefik (test-support/traefik.mjs), which then serves the route through a
 * Gateway `gw` in the namespace, and writes its status (without one, nothing answers for the route).
 * `unreadyColor`: that color's pods never become ready (they fit no node), and its Deployment reports
 * ProgressDeadlineExceeded after `progressDeadlineSeconds`. `image`: one for all colors, or per color.
 * Waits until the ready colors' Deployments are available and the Services list their endpoints, and
 * until the unready one reports ProgressDeadlineExceeded, so a test starts from a settled state.
 * @param {Cluster} cluster
 * @param {{ namespace?: string, name?: string, colors?: string[], live?: string,
 *   replicas?: Record<string, number>, image?: string | Record<string, string>, containers?: string[],
 *   colorLabel?: string, preview?: boolean, colorServices?: boolean, httpRoute?: boolean,
 *   gateway?: { gateway(namespace: string): Promise<void> }, unreadyColor?: string, progressDeadlineSeconds?: number,
 *   terminationGracePeriodSeconds?: number }} [options]
 */
export async function createApp(
  cluster,
  {
    namespace = `app-${suffix()}`,
    name = 'myapp',
    colors = ['blue', 'green'],
    live = 'blue',
    replicas = {},
    image = 'example.invalid/myapp:v1',
    containers = ['app'],
    colorLabel = 'version',
    preview = true,
    colorServices = true,
    httpRoute = false,
    gateway = undefined,
    unreadyColor = undefined,
    progressDeadlineSeconds = 5,
    // kwok's pods never drain; a short grace lets tests use a short scale-down-delay, which is held to it.
    terminationGracePeriodSeconds = 1,
  } = {},
) {
  const idle = colors.find((c) => c !== live);
  const count = (color) => replicas[color] ?? 2;
  const imageOf = (color, container) =>
    container === containers[0] ? (typeof image === 'string' ? image : image[color]) : `example.invalid/${container}:v1`;
  const labels = (color) => ({ app: name, [colorLabel]: color });
  const ports = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }];
  const service = (serviceName, color) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName, namespace, labels: { app: name } },
    spec: { selector: labels(color), ports },
  });
  const deployments = Object.fromEntries(colors.map((c) => [c, `${name}-${c}`]));
  const services = {
    live: name,
    preview: preview && idle ? `${name}-preview` : undefined,
    colors: colorServices ? Object.fromEntries(colors.map((c) => [c, `${name}-${c}`])) : undefined,
  };
  const items = colors.map((color) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployments[color], namespace, labels: labels(color) },
    spec: {
      replicas: count(color),
      selector: { matchLabels: labels(color) },
      ...(color === unreadyColor ? { progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: labels(color) },
        spec: {
          // kwok makes every scheduled pod Ready; a node selector no node has keeps these Pending instead.
          ...(color === unreadyColor ? { nodeSelector: { 'blue-green.test/no-such-node': 'true' } } : {}),
          terminationGracePeriodSeconds,
          containers: containers.map((container, i) => ({
            name: container,
            image: imageOf(color, container),
            ...(i === 0 ? { ports: [{ name: 'http', containerPort: 8080 }] } : {}),
          })),
        },
      },
    },
  }));
  items.push(service(services.live, live));
  if (services.preview) items.push(service(services.preview, idle));
  for (const color of colorServices ? colors : []) items.push(service(services.colors[color], color));
  if (httpRoute) {
    if (!colorServices) throw new Error('createApp: httpRoute needs colorServices (its backends)');
    items.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace, labels: { app: name } },
      spec: {
        parentRefs: [{ name: 'gw' }],
        rules: [
          {
            // Not the router's to change: a router that rewrites the rule must keep these.
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Served-By', value: name }] } }],
            backendRefs: colors.map((c) => ({ name: services.colors[c], port: 80, weight: c === live ? 100 : 0 })),
          },
        ],
      },
    });
  }
  await ensureNamespace(cluster, namespace);
  if (httpRoute && gateway) await gateway.gateway(namespace);
  create(cluster, items);

  const ready = colors.filter((c) => c !== unreadyColor);
  await waitForAvailable(cluster, namespace, ready.map((c) => deployments[c]));
  const expected = [[services.live, live]];
  if (services.preview) expected.push([services.preview, idle]);
  for (const color of colorServices ? colors : []) expected.push([services.colors[color], color]);
  for (const [serviceName, color] of expected) {
    if (color !== unreadyColor && count(color) > 0) {
      await waitForEndpointColors(cluster, namespace, serviceName, [color], { ready: count(color), colorLabel });
    }
  }
  if (unreadyColor) await waitForDeploymentReason(cluster, namespace, deployments[unreadyColor], 'ProgressDeadlineExceeded');
  return { namespace, name, colorLabel, colors, live, idle, labels: { app: name }, deployments, services, httpRoute: httpRoute ? name : undefined };
}

/**
 * What a Service really sends traffic to: its EndpointSlices' ready endpoints, each mapped through its
 * targetRef to its pod and that pod's color label. Returns `{ colors, ready, notReady, pods }`: the
 * sorted distinct colors and pod names of ready endpoints, and the counts. An endpoint without a pod
 * counts as color '(no pod)'.
 */
export function endpointColors(cluster, namespace, service, { colorLabel = 'version' } = {}) {
  for (let attempt = 1; ; attempt++) {
    // One kubectl call for both (each call costs ~100 ms), so a poll sees the change sooner.
    const items = getJson(cluster, ['get', 'endpointslices,pods', '-n', namespace]).items;
    const slices = items.filter((i) => i.kind === 'EndpointSlice' && i.metadata.labels?.['kubernetes.io/service-name'] === service);
    const pods = new Map(items.filter((i) => i.kind === 'Pod').map((p) => [p.metadata.name, p]));
    const seen = new Map();
    for (const endpoint of slices.flatMap((s) => s.endpoints ?? [])) {
      // An endpoint can sit in two slices for a moment while the controller moves it.
      seen.set(endpoint.targetRef?.name ?? endpoint.addresses.join(','), endpoint);
    }
    // Per the API, an unset `ready` means unknown, to be taken as ready.
    const ready = [...seen.values()].filter((e) => e.conditions?.ready !== false);
    const podOf = (e) => (e.targetRef?.kind === 'Pod' ? pods.get(e.targetRef.name) : undefined);
    // kubectl lists the slices before the pods: a pod deleted in between is read again, not guessed.
    if (ready.some((e) => e.targetRef && !podOf(e)) && attempt < 3) continue;
    const colors = ready.map((e) => podOf(e)?.metadata.labels?.[colorLabel] ?? '(no pod)');
    return {
      colors: [...new Set(colors)].sort(),
      ready: ready.length,
      notReady: seen.size - ready.length,
      pods: ready.map((e) => e.targetRef?.name ?? e.addresses.join(',')).sort(),
    };
  }
}

/**
 * Waits until the Service's ready endpoints are exactly of `colors` (and, with `ready`, that many).
 * Returns the last `endpointColors` result plus `ms`, how long it took.
 * @param {Cluster} cluster
 * @param {string} namespace
 * @param {string} service
 * @param {string[]} colors
 * @param {{ ready?: number, colorLabel?: string, timeoutMs?: number, everyMs?: number }} [options]
 */
export async function waitForEndpointColors(cluster, namespace, service, colors, { ready = undefined, colorLabel = 'version', timeoutMs = 30_000, everyMs = 50 } = {}) {
  const want = [...colors].sort().join(',');
  const started = Date.now();
  const seen = await until(
    () => {
      const now = endpointColors(cluster, namespace, service, { colorLabel });
      return { ...now, ok: now.colors.join(',') === want && (ready === undefined || now.ready === ready) };
    },
    { timeoutMs, everyMs, what: `${namespace}/${service} endpoints to be [${want}]${ready === undefined ? '' : ` with ${ready} ready`}` },
  );
  return { colors: seen.colors, ready: seen.ready, notReady: seen.notReady, pods: seen.pods, ms: Date.now() - started };
}

/** Someone else's change: sets one key of a Service's selector (`value` null removes the key). */
export function setSelector(cluster, namespace, service, key, value) {
  cluster.kubectl(['patch', 'service', service, '-n', namespace, '--type=merge', '-p', JSON.stringify({ spec: { selector: { [key]: value } } })]);
}

/**
 * A kubeconfig (text: embedded CA and a TokenRequest token, the cluster's server) for a new
 * ServiceAccount bound to the Roles (or ClusterRoles) in `roleYaml`, applied in `namespace`; without
 * `roleYaml` the account has no rights at all. Returns once the first rule of each role is in effect.
 * @param {Cluster} cluster
 * @param {{ namespace: string, roleYaml?: string, name?: string }} options
 * @returns {Promise<string>}
 */
export async function serviceAccountKubeconfig(cluster, { namespace, roleYaml = undefined, name = `deployer-${suffix()}` }) {
  if (!namespace) throw new Error('serviceAccountKubeconfig: namespace is required');
  await ensureNamespace(cluster, namespace);
  cluster.kubectl(['create', 'serviceaccount', name, '-n', namespace]);
  const subject = `system:serviceaccount:${namespace}:${name}`;
  if (roleYaml) {
    const roles = parseAllDocuments(roleYaml)
      .map((d) => d.toJS())
      .filter((d) => d && (d.kind === 'Role' || d.kind === 'ClusterRole'));
    if (roles.length === 0) throw new Error('serviceAccountKubeconfig: roleYaml holds no Role or ClusterRole');
    cluster.kubectl(['apply', '-n', namespace, '-f', '-'], { input: roleYaml });
    for (const role of roles) {
      const flag = role.kind === 'Role' ? '--role' : '--clusterrole';
      cluster.kubectl(['create', 'rolebinding', `${name}-${role.metadata.name}`, '-n', namespace, `${flag}=${role.metadata.name}`, `--serviceaccount=${namespace}:${name}`]);
      // RBAC reaches the authorizer through informers: wait until a right the role grants is granted.
      const rule = role.rules?.find((r) => r.verbs?.length && r.resources?.length);
      if (rule) {
        const resource = rule.apiGroups?.[0] ? `${rule.resources[0]}.${rule.apiGroups[0]}` : rule.resources[0];
        const verb = rule.verbs[0] === '*' ? 'get' : rule.verbs[0];
        await until(() => cluster.kubectlResult(['auth', 'can-i', verb, resource, '-n', namespace, `--as=${subject}`]).code === 0, {
          timeoutMs: 10_000,
          what: `${subject} to be allowed to ${verb} ${resource}`,
        });
      }
    }
  }
  const token = cluster.kubectl(['create', 'token', name, '-n', namespace, '--duration=2h']).trim();
  return kubeconfigText({ server: cluster.server, caFile: cluster.caFile, user: { token } });
}

/**
 * A kubeconfig for a ServiceAccount with no rights at all (authenticated, refused everything).
 * @param {Cluster} cluster
 * @param {{ namespace: string, name?: string }} options
 */
export function noRightsKubeconfig(cluster, { namespace, name = undefined }) {
  return serviceAccountKubeconfig(cluster, { namespace, ...(name ? { name } : {}) });
}
