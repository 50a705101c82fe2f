// Rollback latency: a fault is injected into the new color after the flip; we measure the time until a
// client polling the public URL (through nginx, and through HAProxy) sees the old color answer 200 again.
// Usage: node bench/rollback-latency.mjs [runs per interval, default 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyInputs, startHaproxy } from '../test-support/haproxy.mjs';
import { get, nginxInputs, post, startApps, startNginx } from '../test-support/peers.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const INTERVALS = [{ label: '250ms', ms: 250 }, { label: '1s', ms: 1000 }];
const POLL_MS = 5;

const ROUTERS = {
  nginx: async (apps) => {
    const proxy = await startNginx({ ports: apps.ports, initial: 'proxy_pass http://blue;' });
    return { proxy, inputs: nginxInputs(proxy, apps) };
  },
  haproxy: async (apps) => {
    const proxy = await startHaproxy({ ports: apps.ports });
    return { proxy, inputs: { ...haproxyInputs(proxy, apps), 'health-urls': `${proxy.url}/` } };
  },
};

async function once(router, interval) {
  const apps = await startApps();
  const { proxy, inputs } = await ROUTERS[router](apps);
  try {
    const run = runAction(
      {
        ...inputs,
        'deploy-command': '',
        'smoke-urls': '',
        version: 'v2',
        'health-window': '60s',
        'health-interval': interval.label,
      },
      { env: apps.env },
    );
    // Wait until clients are served by green, then inject the fault at a random point of the interval.
    while ((await get(proxy.url)).color !== 'green') await sleep(POLL_MS);
    await sleep(300 + Math.random() * interval.ms);
    const faultAt = performance.now();
    await post(`http://127.0.0.1:${apps.ports.green}/__fault`);
    for (;;) {
      const answer = await get(proxy.url);
      if (answer.color === 'blue' && answer.status === 200) break;
      await sleep(POLL_MS);
    }
    const restoredMs = performance.now() - faultAt;
    const result = await run;
    if (result.outputs.result !== 'rolled-back') throw new Error(`expected rolled-back, got ${result.outputs.result}: ${result.stdout}`);
    return restoredMs;
  } finally {
    proxy.stop();
    apps.stop();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const router of Object.keys(ROUTERS)) {
  for (const interval of INTERVALS) {
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(Math.round(await once(router, interval)));
    const target = interval.ms + 300;
    rows.push({ router, interval: interval.label, runs: RUNS, medianMs: median(samples), worstMs: Math.max(...samples), targetMedianMs: target, samplesMs: samples, meetsTarget: median(samples) <= target });
  }
}

console.log('\nRollback latency: fault injected into the new color -> a client polling the public URL sees the old color again');
console.log('| router | health-interval | runs | median | worst | target (median <= interval + 300ms) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.router} | ${r.interval} | ${r.runs} | ${r.medianMs}ms | ${r.worstMs}ms | ${r.targetMedianMs}ms ${r.meetsTarget ? 'met' : 'MISSED'} |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results/rollback-latency.json');
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), pollMs: POLL_MS, rows }, null, 2) + '\n');
console.log(`\nwritten: ${out}`);
