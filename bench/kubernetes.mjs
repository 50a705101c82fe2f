// Kubernetes router figures, on a real control plane (script/control-plane) on 127.0.0.1:
//  1. flip: from the start of the selector patch to EndpointSlices listing only the new color (the
//     action's own figure), and, seen by an independent watch here, from the Service's selector change
//     to the slices following;
//  2. rollback: a fault injected into the new color's health endpoint after the flip -> the Service's
//     EndpointSlices list only the old color again (seen by the independent watch);
//  3. overhead: wall time of a whole run beyond the health window it was asked to watch;
//  4. HTTPRoute through Traefik (a real Gateway data plane, test-support/traefik.mjs) under load from 4
//     clients: from the weights patch to the route's status reporting it programmed (the action's own
//     figure), from the patch (seen by a watch here) to every answer coming from the new color, and
//     the failed requests per change.
// Usage: node bench/kubernetes.mjs [flips, default 20] [rollbacks, default 10] [route flips, default 10]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { createRoutedApp, load } from '../test-support/data-plane.mjs';
import { createApp, getJson, startCluster } from '../test-support/kube.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';
import { startTraefik } from '../test-support/traefik.mjs';
import { quantile } from './stats.mjs';

const FLIPS = Number(process.argv[2] ?? 20);
const ROLLBACKS = Number(process.argv[3] ?? 10);
const ROUTE_FLIPS = Number(process.argv[4] ?? 10);
const INTERVAL_MS = 250;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stats = (xs) => ({ n: xs.length, medianMs: quantile(xs, 0.5), p95Ms: quantile(xs, 0.95), maxMs: Math.max(...xs) });

/** Watches a Service's EndpointSlices; `onlyColor()` says which single color its ready endpoints have now. */
async function sliceWatcher(cluster, namespace, service, podColors) {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const slices = new Map();
  const listeners = new Set();
  // What the slices show, and since when: a question asked after the fact gets the moment it happened.
  let shows;
  let since = performance.now();
  const state = () => {
    const colors = new Set();
    for (const slice of slices.values()) {
      for (const e of slice.endpoints ?? []) if (e.conditions?.ready !== false) colors.add(podColors.get(e.targetRef?.name) ?? '?');
    }
    return colors.size === 1 ? [...colors][0] : undefined;
  };
  const controller = await new Watch(kc).watch(
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
    { labelSelector: `kubernetes.io/service-name=${service}` },
    (type, slice) => {
      if (type === 'DELETED') slices.delete(slice.metadata.name);
      else slices.set(slice.metadata.name, slice);
      const now = performance.now();
      const current = state();
      if (current !== shows) [shows, since] = [current, now];
      for (const listener of listeners) listener(current, now);
    },
    () => {},
  );
  return {
    /** Resolves with the time (performance.now) at which the slices began to show only `color`. */
    until(color) {
      if (shows === color) return Promise.resolve(since);
      return new Promise((resolve) => {
        const listener = (shows, at) => {
          if (shows !== color) return;
          listeners.delete(listener);
          resolve(at);
        };
        listeners.add(listener);
      });
    },
    stop: () => controller.abort(),
  };
}

/** Times of the Service's selector changes, seen by a watch. */
async function selectorWatcher(cluster, namespace, service) {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const changes = [];
  const controller = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/services`,
    { fieldSelector: `metadata.name=${service}` },
    (type, object) => changes.push({ color: object.spec?.selector?.version, at: performance.now() }),
    () => {},
  );
  return { changes, stop: () => controller.abort() };
}

/** When the HTTPRoute's weights changed (generation), seen by a watch, on the clock the answers use. */
async function routeWatcher(cluster, namespace, name) {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const changes = [];
  const controller = await new Watch(kc).watch(
    `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes`,
    { fieldSelector: `metadata.name=${name}` },
    (type, route) => {
      if (changes.at(-1)?.generation !== route.metadata.generation) changes.push({ generation: route.metadata.generation, at: Date.now() });
    },
    () => {},
  );
  return { changes, stop: () => controller.abort() };
}

/**
 * Flips an HTTPRoute back and forth through Traefik under load, in two kinds of run taking turns: a
 * single change, and 50% then 100% one second apart (a second change within Traefik's 2 s
 * providersThrottleDuration of the first). Per run: the action's patch -> programmed for each change,
 * the last change's patch (seen by a watch here) -> the first moment after which every answer is the
 * new color, and the requests that failed between the start and the end of the run.
 */
async function routeFlips(cluster, inputs, count) {
  const traefik = await startTraefik(cluster);
  const app = await createRoutedApp(cluster, traefik, { namespace: 'bench-route' });
  const route = await routeWatcher(cluster, 'bench-route', 'myapp');
  const traffic = load(app);
  const figures = { programmedMs: [], answeredMs: [], answeredQuickMs: [], failed: [] };
  try {
    for (let i = 0; i < count; i++) {
      const quick = i % 2 === 1;
      const started = Date.now();
      const steps = quick ? { 'traffic-steps': '50,100', 'step-window': '1s' } : {};
      const run = await runAction({ ...inputs, ...steps, namespace: 'bench-route', 'http-route': 'myapp', 'health-window': '3s', version: `route-${i}` }, { env: cluster.env });
      if (run.outputs.result !== 'promoted') throw new Error(`route flip ${i}: ${run.outputs.result}: ${run.outputs.reason}`);
      for (const note of run.report().notes) {
        const programmed = /programmed (\d+) ms after the weights patch began/.exec(note);
        if (programmed) figures.programmedMs.push(Number(programmed[1]));
      }
      const patchedAt = route.changes.findLast((c) => c.at >= started).at;
      const during = traffic.answers.filter((a) => a.at >= started);
      const lastOld = during.findLast((a) => a.color !== run.outputs['active-color']);
      (quick ? figures.answeredQuickMs : figures.answeredMs).push(Math.max(0, (lastOld?.at ?? patchedAt) - patchedAt));
      figures.failed.push(during.filter((a) => a.status !== 200).length);
    }
  } finally {
    await traffic.stop();
    route.stop();
    app.stop();
    traefik.stop();
  }
  return { ...figures, answers: traffic.answers.length };
}

const health = { status: 200 };
const server = createServer((_, res) => res.writeHead(health.status).end());
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const healthUrl = `http://127.0.0.1:${server.address().port}/`;

const cluster = await startCluster();
try {
  await createApp(cluster, { namespace: 'bench', replicas: { blue: 3, green: 3 } });
  const pods = getJson(cluster, ['get', 'pods', '-n', 'bench', '-l', 'app=myapp']).items;
  const podColors = new Map(pods.map((pod) => [pod.metadata.name, pod.metadata.labels.version]));
  const slices = await sliceWatcher(cluster, 'bench', 'myapp', podColors);
  const selectors = await selectorWatcher(cluster, 'bench', 'myapp');
  const inputs = { router: 'kubernetes', service: 'myapp', namespace: 'bench', 'health-urls': healthUrl, 'health-interval': `${INTERVAL_MS}ms` };
  const env = cluster.env;

  // 1. Flips.
  const actionMs = [];
  const watchedMs = [];
  const overheadMs = [];
  for (let i = 0; i < FLIPS; i++) {
    const windowMs = 1000;
    const started = performance.now();
    const run = await runAction({ ...inputs, 'health-window': `${windowMs}ms`, version: `flip-${i}` }, { env });
    const wall = performance.now() - started;
    if (run.outputs.result !== 'promoted') throw new Error(`flip ${i}: ${run.outputs.result}: ${run.outputs.reason}`);
    const note = run.report().notes.find((n) => n.includes('after the selector patch began'));
    actionMs.push(Number(/(\d+) ms after the selector patch began/.exec(note)[1]));
    const change = selectors.changes.findLast((c) => c.color === run.outputs['active-color']);
    watchedMs.push(Math.round((await slices.until(run.outputs['active-color'])) - change.at));
    overheadMs.push(Math.round(wall - windowMs));
  }

  // 2. Rollbacks: the fault lands at a random point of a health interval after the flip.
  const restoreMs = [];
  for (let i = 0; i < ROLLBACKS; i++) {
    health.status = 200;
    let flipped;
    const watching = new Promise((resolve) => (flipped = resolve));
    const running = runAction(
      { ...inputs, 'health-window': '60s', version: `fault-${i}` },
      { env, onOutput: (chunk) => chunk.includes('::group::watch health window') && flipped() },
    );
    await watching;
    await sleep(300 + Math.random() * INTERVAL_MS);
    const current = getJson(cluster, ['get', 'service', 'myapp', '-n', 'bench']).spec.selector.version;
    const previous = current === 'blue' ? 'green' : 'blue';
    const faultAt = performance.now();
    health.status = 500;
    const backAt = await slices.until(previous);
    restoreMs.push(Math.round(backAt - faultAt));
    const run = await running;
    if (run.outputs.result !== 'rolled-back') throw new Error(`rollback ${i}: ${run.outputs.result}: ${run.outputs.reason}`);
  }
  slices.stop();
  selectors.stop();

  // 4. HTTPRoute flips through Traefik, in the same run and on the same control plane.
  health.status = 200;
  const routes = await routeFlips(cluster, inputs, ROUTE_FLIPS);

  const rows = {
    flipActionMs: stats(actionMs),
    flipWatchedMs: stats(watchedMs),
    rollbackMs: { ...stats(restoreMs), healthIntervalMs: INTERVAL_MS, targetMedianMs: INTERVAL_MS + 300 },
    overheadMs: stats(overheadMs),
    routeProgrammedMs: stats(routes.programmedMs),
    routeAnsweredMs: stats(routes.answeredMs),
    routeAnsweredQuickMs: stats(routes.answeredQuickMs),
    routeFailed: { n: routes.failed.length, total: routes.failed.reduce((a, b) => a + b, 0), max: Math.max(...routes.failed), answers: routes.answers },
  };
  console.log(`\nKubernetes router on a real control plane (kube-apiserver ${cluster.server}, kwok nodes), ${FLIPS} flips, ${ROLLBACKS} rollbacks, ${ROUTE_FLIPS} HTTPRoute flips`);
  console.log('| figure | n | median | p95 | max |');
  console.log('|---|---|---|---|---|');
  const line = (label, s) => console.log(`| ${label} | ${s.n} | ${s.medianMs} ms | ${s.p95Ms} ms | ${s.maxMs} ms |`);
  line('flip: selector patch start -> EndpointSlices only the new color (action)', rows.flipActionMs);
  line('flip: selector change seen -> EndpointSlices only the new color (independent watch)', rows.flipWatchedMs);
  line(`rollback: fault -> EndpointSlices only the old color (health-interval ${INTERVAL_MS}ms)`, rows.rollbackMs);
  line('overhead: run wall time beyond the 1s health window', rows.overheadMs);
  line('HTTPRoute through Traefik: weights patch start -> status programmed (action)', rows.routeProgrammedMs);
  line('HTTPRoute through Traefik: weights patch seen -> every answer from the new color (4 clients)', rows.routeAnsweredMs);
  line('HTTPRoute through Traefik: the same, for a change 1 s after another (50% then 100%)', rows.routeAnsweredQuickMs);
  const f = rows.routeFailed;
  console.log(`| HTTPRoute through Traefik: failed requests per run (of ${f.answers} answers) | ${f.n} | ${f.total} in all | | ${f.max} |`);
  console.log(`goals: flip verified < 250 ms median (${rows.flipActionMs.medianMs < 250 ? 'met' : 'MISSED'}); rollback <= interval + 300 ms median (${rows.rollbackMs.medianMs <= rows.rollbackMs.targetMedianMs ? 'met' : 'MISSED'})`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results/kubernetes.json');
  writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), flips: FLIPS, rollbacks: ROLLBACKS, rows, samples: { actionMs, watchedMs, restoreMs, overheadMs, ...routes } }, null, 2) + '\n');
  console.log(`\nwritten: ${out}`);
} finally {
  cluster.stop();
  server.close();
}
