// A blue-green app on a real data plane: app processes (test-support/app.mjs) on extra addresses of
// `lo`, selectorless color Services whose EndpointSlices (written here, as a controller outside the
// cluster would) list those processes, and an HTTPRoute through a Traefik Gateway. Requests sent to
// Traefik reach the processes, and each answer says its color: what the route really does.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureNamespace, getJson, until } from './kube.mjs';
import { claimLoopbackAddresses, release } from './loopback.mjs';
import { NODE, ROOT } from './runner.mjs';

/** Starts app.mjs on `host` and a free port; resolves with the child and its port once it listens. */
function startApp(host, color, version) {
  const child = spawn(NODE, [join(ROOT, 'test-support/app.mjs')], {
    env: { ...process.env, APP_HOST: host, APP_PORT: '0', APP_COLOR: color, APP_VERSION: version },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const port = Number(/:(\d+)$/.exec(line)?.[1]);
      if (port) resolve({ child, host, port, color });
      else reject(new Error(`app ${color} on ${host} said: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`app ${color} on ${host} exited (${code}) before it listened`)));
  });
}

/** A selectorless Service (port 80, named `http`) and one EndpointSlice per app process behind it. */
function serviceWithEndpoints(namespace, name, apps) {
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
  const slices = apps.map((app, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-${i}`, namespace, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'blue-green-tests' } },
    addressType: 'IPv4',
    // Named, as the Service port is: Traefik matches them by name (and v3.5 fails on an unnamed one).
    ports: [{ name: 'http', port: app.port, protocol: 'TCP' }],
    // Ready set explicitly: Traefik skips an endpoint whose ready is unset.
    endpoints: [{ addresses: [app.host], conditions: { ready: true } }],
  }));
  return [service, ...slices];
}

/**
 * The HTTPRoute `name` for `host`, one rule (PathPrefix /) to the color Services, all weight on `live`.
 * @param {string} namespace @param {string} name @param {string} host @param {string[]} colors
 * @param {string} live @param {Record<string, unknown>[]} [extraRefs]
 */
export function httpRoute(namespace, name, host, colors, live, extraRefs = []) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ name: 'gw' }],
      // Every app's Gateway shares Traefik's one entry point: the host keeps their routes apart.
      hostnames: [host],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [...colors.map((c) => ({ name: `${name}-${c}`, port: 80, weight: c === live ? 100 : 0 })), ...extraRefs] }],
    },
  };
}

/**
 * One GET through the gateway for the app's host: the answering color (x-color), the status, or the error.
 * @param {{ url: string, host: string }} app @param {Agent} [agent]
 */
export function ask({ url, host }, agent) {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: 5000, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ color: res.headers['x-color'], status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => resolve({ status: 0, error: error.message }));
    req.end();
  });
}

/**
 * Creates the app in a new namespace: a Traefik Gateway `gw`, `replicas` app processes per color,
 * the live Service `name` (the action's `service` input; selectorless, nothing routes by it), the
 * color Services `{name}-{color}` with their EndpointSlices, and the HTTPRoute `name` with all weight
 * on `live`. Resolves once Traefik answers through the route with the live color.
 * `extraRefs`: more backendRefs in the rule (a missing Service, for a route Traefik refuses).
 * @param {import('./kube.mjs').Cluster} cluster
 * @param {{ gateway(namespace: string): Promise<void>, url: string }} traefik
 * @param {{ namespace: string, name?: string, colors?: string[], live?: string, replicas?: number,
 *   version?: string, extraRefs?: Record<string, unknown>[] }} options
 */
export async function createRoutedApp(cluster, traefik, { namespace, name = 'myapp', colors = ['blue', 'green'], live = 'blue', replicas = 2, version = 'v1', extraRefs = [] }) {
  await ensureNamespace(cluster, namespace);
  await traefik.gateway(namespace);
  const host = `${name}.${namespace}.test`;
  const url = `${traefik.url}/`;
  const addresses = claimLoopbackAddresses(replicas);
  const apps = [];
  const stop = () => {
    for (const app of apps) app.child.kill('SIGKILL');
    for (const address of addresses) release(address);
  };
  try {
    for (const color of colors) for (const host of addresses) apps.push(await startApp(host, color, version));
    const items = [{ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } }];
    for (const color of colors) items.push(...serviceWithEndpoints(namespace, `${name}-${color}`, apps.filter((app) => app.color === color)));
    items.push(httpRoute(namespace, name, host, colors, live, extraRefs));
    cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
    if (!extraRefs.length) {
      const agent = new Agent({ keepAlive: false });
      await until(async () => (await ask({ url, host }, agent)).color === live, {
        what: `Traefik to route ${namespace}/${name} to ${live}`,
        describe: () => JSON.stringify(getJson(cluster, ['get', 'httproute', name, '-n', namespace]).status),
      });
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { namespace, name, colors, live, url, host, apps, stop };
}

/**
 * Sends GETs through the gateway for the app's host from `concurrency` keep-alive clients, back to
 * back, until `stop()` or `maxMs` (a bound, so a test that fails early never leaves load running);
 * resolves `stop()` with every answer: `{ at (Date.now() when answered), color, status, error }`.
 * @param {{ url: string, host: string }} app
 */
export function load(app, { concurrency = 4, maxMs = 120_000 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const answers = [];
  let running = true;
  const timer = setTimeout(() => (running = false), maxMs);
  const worker = async () => {
    while (running) answers.push({ ...(await ask(app, agent)), at: Date.now() });
  };
  const workers = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    answers,
    async stop() {
      running = false;
      clearTimeout(timer);
      await workers;
      agent.destroy();
      return answers;
    },
  };
}

/** The share (percent, rounded) of each color among the answers, and the failures (status not 200). */
export function shares(answers) {
  const ok = answers.filter((a) => a.status === 200);
  const count = (color) => ok.filter((a) => a.color === color).length;
  const colors = [...new Set(ok.map((a) => a.color))].sort();
  return { n: answers.length, failed: answers.length - ok.length, percent: Object.fromEntries(colors.map((c) => [c, Math.round((count(c) * 100) / Math.max(ok.length, 1))])) };
}
