// Cancellation as the GitHub runner does it (SIGINT, then SIGTERM, then SIGKILL), the peers the
// cancellation matrix needs, and the matrix itself: shared by __tests__/integration/cancel-matrix.test.ts
// and bench/cancel-latency.mjs, so the test and the bench cancel in exactly the same places.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyInputs, startHaproxy } from './haproxy.mjs';
import { get, nginxInputs, post, startApps, startNginx } from './peers.mjs';
import { NODE, ROOT, runAction } from './runner.mjs';

/** The runner's gaps: SIGTERM 7.5 s after SIGINT, SIGKILL 2.5 s after SIGTERM. */
export const RUNNER_GAPS = { termAfterMs: 7500, killAfterMs: 2500 };

/** A server that accepts connections and never answers: a stuck Prometheus, a stuck smoke target. */
export function startSilentServer() {
  const sockets = new Set();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        url: `http://127.0.0.1:${port}`,
        stop() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    });
  });
}

/**
 * The public route of the command router: a proxy that reads the route file (test-support/route-file.mjs)
 * on every request. Weights are honoured deterministically: at `green=10 blue=90`, one request in ten.
 */
export function startRouteFileProxy(routeFile, ports) {
  return startRouteProxy(() => (existsSync(routeFile) ? readFileSync(routeFile, 'utf8').trim() : ''), ports);
}

/**
 * A public route that follows a router's state: `route()`, asked on every request, answers as a
 * router-get-command prints (a color, `blue=90 green=10`, or nothing), and the request goes to that
 * color's app in `ports`.
 */
export function startRouteProxy(route, ports) {
  let served = 0;
  const server = createServer((req, res) => {
    const color = pickColor(route(), served++);
    if (!color) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('no live color\n');
    const upstream = request({ host: '127.0.0.1', port: ports[color], path: req.url, method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`${error.message}\n`));
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => server.close() });
    });
  });
}

function pickColor(route, n) {
  if (!route.includes('=')) return route || undefined;
  const [[first, weight], [second]] = route.split(/\s+/).map((pair) => pair.split('='));
  const share = Number(weight) / 100;
  return Math.floor((n + 1) * share) > Math.floor(n * share) ? first : second;
}

/**
 * One router with two real apps (blue live, v1), and a silent server. `url`: the public route;
 * `serves()`: what clients get through it; `lockPath`: the router lock file.
 */
export async function routerEnv(kind) {
  const apps = await startApps();
  const silent = await startSilentServer();
  const stops = [() => apps.stop(), () => silent.stop()];
  let url;
  let lockPath;
  let inputs;
  let splitInputs = {};
  try {
    if (kind === 'nginx') {
      const nginx = await startNginx({ ports: apps.ports, initial: 'proxy_pass http://blue;' });
      stops.unshift(() => nginx.stop());
      ({ url } = nginx);
      lockPath = `${nginx.live}.lock`;
      inputs = nginxInputs(nginx, apps);
    } else if (kind === 'haproxy') {
      const haproxy = await startHaproxy({ ports: apps.ports });
      stops.unshift(() => haproxy.stop());
      ({ url } = haproxy);
      lockPath = `${haproxy.map}.lock`;
      inputs = haproxyInputs(haproxy, apps);
      splitInputs = { 'haproxy-split-backend': 'split' };
    } else if (kind === 'command') {
      const routeFile = join(mkdtempSync(join(tmpdir(), 'bg-route-')), 'route');
      writeFileSync(routeFile, 'blue\n');
      const proxy = await startRouteFileProxy(routeFile, apps.ports);
      stops.unshift(() => proxy.stop());
      ({ url } = proxy);
      const tool = `${NODE} ${join(ROOT, 'test-support/route-file.mjs')}`;
      const get = `${tool} get ${routeFile}`;
      const set = `${tool} set ${routeFile} {color} {weight}`;
      // Where the command router keeps its lock: the temp folder, named after its two commands' argv.
      const id = createHash('sha256').update(JSON.stringify([get.split(' '), set.split(' ')])).digest('hex').slice(0, 16);
      lockPath = join(tmpdir(), `blue-green-command-${id}.lock`);
      inputs = {
        router: 'command',
        'router-get-command': get,
        'router-set-command': set,
        'deploy-command': apps.deployCommand,
        'smoke-urls': `http://127.0.0.1:${apps.ports.green}/`,
      };
    } else {
      throw new Error(`no such router in the cancellation matrix: ${kind}`);
    }
  } catch (error) {
    for (const stop of stops) stop();
    throw error;
  }
  return {
    kind,
    apps,
    silent,
    url: /** @type {string} */ (url),
    lockPath: /** @type {string | undefined} */ (lockPath),
    splitInputs: /** @type {Record<string, string>} */ (splitInputs),
    /** Every run is v2 over blue; the window watches the public route; lock-timeout is the lock case's to set. */
    inputs: /** @type {Record<string, string>} */ ({ ...inputs, version: 'v2', 'health-urls': `${url}/`, 'health-interval': '250ms', 'health-window': '30s', 'lock-timeout': '10s' }),
    /** Distinct answers of `n` requests through the public route, e.g. `blue 200` (a split shows two). */
    async serves(n = 20) {
      const seen = new Set();
      for (let i = 0; i < n; i++) {
        let answer = await get(url);
        if (answer.status === 0) answer = await get(url);
        seen.add(`${answer.color ?? 'none'} ${answer.status}${answer.status === 0 ? ` (${answer.body})` : ''}`);
      }
      return [...seen].sort().join(', ');
    },
    /** `none`, or the job (`run` in older lock files) named in the router lock file. */
    lockHolder() {
      if (!lockPath || !existsSync(lockPath)) return 'none';
      try {
        const holder = JSON.parse(readFileSync(lockPath, 'utf8'));
        return String(holder.job ?? holder.run);
      } catch {
        return 'unreadable';
      }
    },
    stop() {
      for (const stop of stops) stop();
    },
  };
}

const ALL = ['nginx', 'haproxy', 'command'];
const STEPS = ['haproxy', 'command'];
const PROMETHEUS_CHECK = ['- name: up', '  type: prometheus', '  query: up', '  max: 1'].join('\n');

/**
 * Where a run is cancelled. `cancelOn`: the log text the signal waits for (`delayMs` later);
 * `first`: something done earlier in the run; `expect`: the result (traffic ends on blue either way);
 * `cancelledReason`: whether `reason` must say the run was cancelled.
 */
export const PHASES = [
  {
    name: 'lock wait',
    routers: ALL,
    cancelOn: 'Waiting for the router lock',
    expect: 'aborted',
    setup: (env) => writeFileSync(env.lockPath, JSON.stringify({ job: 'other-run', pid: process.pid, host: hostname(), since: new Date().toISOString() })),
    inputs: () => ({ 'lock-timeout': '60s' }),
  },
  {
    name: 'validate',
    routers: ALL,
    cancelOn: '::group::validate checks',
    expect: 'aborted',
    inputs: (env) => ({ 'health-checks': PROMETHEUS_CHECK, 'prometheus-url': env.silent.url, 'smoke-timeout': '60s' }),
  },
  { name: 'deploy', routers: ALL, cancelOn: '::group::deploy', expect: 'aborted', inputs: () => ({ 'deploy-command': 'sleep 60' }) },
  {
    name: 'smoke',
    routers: ALL,
    cancelOn: '::group::smoke',
    expect: 'aborted',
    inputs: (env) => ({ 'smoke-urls': `${env.silent.url}/smoke/{color}`, 'smoke-timeout': '60s' }),
  },
  {
    name: '10% step',
    routers: STEPS,
    cancelOn: '::group::watch 10% step',
    expect: 'rolled-back',
    inputs: (env) => ({ ...env.splitInputs, 'traffic-steps': '10,50,100', 'step-window': '30s' }),
  },
  {
    // The 10% step passes after 3 s; the cancel lands 300 ms into the 50% step.
    name: '50% step',
    routers: STEPS,
    cancelOn: '::group::watch 50% step',
    expect: 'rolled-back',
    inputs: (env) => ({ ...env.splitInputs, 'traffic-steps': '10,50,100', 'step-window': '3s' }),
  },
  { name: 'health window', routers: ALL, cancelOn: '::group::watch health window', expect: 'rolled-back' },
  {
    // The window fails on its own (the new color starts answering 503); the cancel lands during the flip back.
    name: 'flip back',
    routers: ALL,
    first: { on: '::group::watch health window', run: (env) => post(`http://127.0.0.1:${env.apps.ports.green}/__fault`) },
    cancelOn: '::group::rollback',
    delayMs: 0,
    expect: 'rolled-back',
    cancelledReason: false,
  },
];

/** Undoes the escaping of workflow command lines (`%25`, `%0D`, `%0A`). */
export const decodeCommands = (text) => text.replace(/%(25|0D|0A)/g, (_, code) => ({ 25: '%', '0D': '\r', '0A': '\n' })[code]);

/** The phase the run was cancelled in, as named in the report (none for the lock wait: it precedes every phase). */
export const stopsIn = (phase) => (phase.cancelOn.startsWith('::group::') ? phase.cancelOn.slice('::group::'.length) : undefined);

/** The phases that apply to one router. */
export const phasesFor = (kind) => PHASES.filter((phase) => phase.routers.includes(kind));

/**
 * Runs the bundled action on `env` and cancels it in `phase`: `signal` (SIGINT as the runner sends),
 * then SIGTERM `termAfterMs` later and SIGKILL `killAfterMs` after that, each only if it is still alive.
 * Returns the run, the signals actually sent, and the time from the first signal to the process exit
 * (`latencyMs`; undefined when the run had ended before the signal was due, `exitedFirst`).
 */
export async function cancelRun(env, phase, { signal = 'SIGINT', termAfterMs = RUNNER_GAPS.termAfterMs, killAfterMs = RUNNER_GAPS.killAfterMs, deadlineMs = 45_000 } = {}) {
  phase.setup?.(env);
  const sent = [];
  const timers = [];
  let child;
  let raw = '';
  let firstDone = false;
  let armed = false;
  let exitedFirst = false;
  let signalledAt;
  let exitedAt;
  const later = (ms, fn) => timers.push(setTimeout(fn, ms));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const send = (name) => {
    if (!alive()) return false;
    child.kill(name);
    sent.push(name);
    return true;
  };
  const cancel = () => {
    if (!alive()) return void (exitedFirst = true);
    signalledAt = performance.now();
    send(signal);
    if (signal !== 'SIGKILL') later(termAfterMs, () => send('SIGTERM') && later(killAfterMs, () => send('SIGKILL')));
  };
  const run = await runAction(
    { ...env.inputs, ...phase.inputs?.(env) },
    {
      env: env.apps.env,
      onStart: (started) => {
        child = started;
        child.once('exit', () => (exitedAt = performance.now()));
        // A run that never reaches its phase must not outlive the test.
        later(deadlineMs, () => send('SIGKILL'));
      },
      onOutput: (chunk) => {
        // Workflow commands escape `%` as `%25` (`::group::watch 10%25 step`): match what the runner shows.
        raw += chunk;
        const output = decodeCommands(raw);
        if (phase.first && !firstDone && output.includes(phase.first.on)) {
          firstDone = true;
          phase.first.run(env).catch(() => undefined);
        }
        if (!armed && output.includes(phase.cancelOn)) {
          armed = true;
          later(phase.delayMs ?? 300, cancel);
        }
      },
    },
  );
  for (const timer of timers) clearTimeout(timer);
  const latencyMs = signalledAt !== undefined && exitedAt !== undefined ? Math.round(exitedAt - signalledAt) : undefined;
  return { run, reached: armed, sent, exitedFirst, latencyMs };
}
