// Detection time of a Prometheus gate: with a 1 s scrape and a 1 s health-interval, errors are injected
// into the new color during the window; we measure the time until the failing sample, and until a
// client polling the public URL (through HAProxy) sees the old color again.
// Usage: node bench/prometheus-detection.mjs [runs, default 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyInputs, startHaproxy } from '../test-support/haproxy.mjs';
import { get, post, startApps, startTraffic } from '../test-support/peers.mjs';
import { startPrometheus } from '../test-support/prometheus.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const RATE_WINDOW = '5s';
const QUERY = `sum(rate(http_requests_total{color="{color}",status="503"}[${RATE_WINDOW}])) / sum(rate(http_requests_total{color="{color}"}[${RATE_WINDOW}]))`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const apps = await startApps();
const haproxy = await startHaproxy({ ports: apps.ports });
const prometheus = await startPrometheus({ ports: apps.ports, scrapeInterval: '1s' });
const traffic = startTraffic(haproxy.url);
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const live = (await get(haproxy.url)).color;
    const idle = live === 'blue' ? 'green' : 'blue';
    let injectedAt = 0;
    let fired = false;
    const restored = new Promise((resolve) => {
      const watchClient = async () => {
        while (!injectedAt) await sleep(5);
        while ((await get(haproxy.url)).color !== live) await sleep(5);
        resolve(Date.now() - injectedAt);
      };
      void watchClient();
    });
    const run = await runAction(
      {
        ...haproxyInputs(haproxy, apps),
        'smoke-urls': '',
        'health-urls': '',
        'prometheus-url': prometheus.url,
        'health-checks': `- name: error ratio\n  type: prometheus\n  query: '${QUERY}'\n  max: 0.1`,
        'health-interval': '1s',
        'health-window': '60s',
        version: `v${i + 2}`,
      },
      {
        env: apps.env,
        onOutput: (chunk) => {
          if (!fired && chunk.includes('::group::watch')) {
            fired = true;
            // Past the first seconds, when the new color's rate window fills; at a random point of a second.
            setTimeout(() => {
              injectedAt = Date.now();
              void post(`http://127.0.0.1:${apps.ports[idle]}/__fault`);
            }, 4000 + Math.random() * 1000);
          }
        },
      },
    );
    if (run.outputs.result !== 'rolled-back') throw new Error(`expected rolled-back, got ${run.outputs.result}: ${run.outputs.reason}`);
    const failedAt = Date.parse(run.report().samples.find((s) => s.status === 'fail').at);
    runs.push({ detectMs: failedAt - injectedAt, restoreMs: await restored });
    await post(`http://127.0.0.1:${apps.ports[idle]}/__heal`);
    await sleep(6000); // the injected errors leave the rate window before the next run
  }
} finally {
  await traffic.stop();
  await prometheus.destroy();
  haproxy.stop();
  apps.stop();
}

const detect = runs.map((r) => r.detectMs);
const restore = runs.map((r) => r.restoreMs);
console.log(`\nPrometheus gate: scrape 1s, health-interval 1s, rate window ${RATE_WINDOW}, max 0.1, errors injected at 100%`);
console.log('| | runs | median | worst |\n|---|---|---|---|');
console.log(`| fault -> failing sample | ${RUNS} | ${median(detect)}ms | ${Math.max(...detect)}ms |`);
console.log(`| fault -> client sees the old color | ${RUNS} | ${median(restore)}ms | ${Math.max(...restore)}ms |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results/prometheus-detection.json');
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), scrapeInterval: '1s', healthInterval: '1s', rateWindow: RATE_WINDOW, runs }, null, 2) + '\n');
console.log(`\nwritten: ${out}`);
