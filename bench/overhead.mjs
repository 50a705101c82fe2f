// Action overhead: (1) wall time of a whole run minus the waits it was asked to do; (2) start-up time of
// the bundle to its first log line, beside a bare Node start; (3) which router chunks a run loads.
// Usage: node bench/overhead.mjs [runs, default 7]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyInputs, startHaproxy } from '../test-support/haproxy.mjs';
import { nginxInputs, startApps, startNginx } from '../test-support/peers.mjs';
import { NODE, ROOT, runAction } from '../test-support/runner.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from spawn to the first byte on stdout; `stderr` collects what the hook prints. */
function timeToFirstLine(args, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(NODE, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first;
    let stderr = '';
    child.stdout.once('data', () => (first = performance.now() - started));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', () => resolve({ ms: first ?? performance.now() - started, stderr }));
  });
}

const statusInputs = {
  INPUT_MODE: 'status',
  INPUT_ROUTER: 'command',
  'INPUT_ROUTER-GET-COMMAND': 'echo blue',
  'INPUT_ROUTER-SET-COMMAND': 'true {color}',
  INPUT_VERSION: 'v1',
};

// (2) Start-up.
const bare = [];
const bundle = [];
for (let i = 0; i < RUNS; i++) {
  bare.push((await timeToFirstLine(['-e', 'console.log("up")'], {})).ms);
  bundle.push((await timeToFirstLine([join(ROOT, 'dist/main/index.js')], statusInputs)).ms);
}

// (3) Lazy loading: which chunk files does a run with each router load?
const chunks = readdirSync(join(ROOT, 'dist/main')).filter((f) => /^\d+\.index\.js$/.test(f));
const chunkRouter = Object.fromEntries(
  chunks.map((f) => {
    const text = readFileSync(join(ROOT, 'dist/main', f), 'utf8');
    const router = ['NginxRouter', 'HaproxyRouter', 'CommandRouter'].find((name) => text.includes(`class ${name}`)) ?? 'shared';
    return [f, { router, bytes: statSync(join(ROOT, 'dist/main', f)).size }];
  }),
);
const hook = ['--import', join(ROOT, 'bench/load-hook.mjs'), join(ROOT, 'dist/main/index.js')];
const loaded = (await timeToFirstLine(hook, statusInputs)).stderr
  .split('\n')
  .map((line) => /dist\/main\/(\d+\.index\.js)$/.exec(line)?.[1])
  .filter(Boolean);

// (1) Whole runs: wall time minus the requested health window.
const WINDOW_MS = 1000;
const overhead = {};
{
  const apps = await startApps();
  const nginx = await startNginx({ ports: apps.ports, initial: 'proxy_pass http://blue;' });
  const haproxy = await startHaproxy({ ports: apps.ports });
  const common = { 'health-window': `${WINDOW_MS}ms`, 'health-interval': '250ms', 'deploy-command': '', 'smoke-urls': '' };
  try {
    for (const [name, inputs] of [
      ['nginx', { ...nginxInputs(nginx, apps), ...common }],
      ['haproxy', { ...haproxyInputs(haproxy, apps), ...common }],
    ]) {
      const walls = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const run = await runAction({ ...inputs, version: `v${i}` }, { env: apps.env });
        walls.push(performance.now() - started);
        if (run.outputs.result !== 'promoted') throw new Error(`${name}: ${run.outputs.result} ${run.outputs.reason}`);
      }
      overhead[name] = { medianWallMs: Math.round(median(walls)), waitsMs: WINDOW_MS, medianOverheadMs: Math.round(median(walls) - WINDOW_MS), worstOverheadMs: Math.round(Math.max(...walls) - WINDOW_MS) };
    }
  } finally {
    nginx.stop();
    haproxy.stop();
    apps.stop();
  }
}

const result = {
  measuredAt: new Date().toISOString(),
  runs: RUNS,
  startup: { bareNodeMedianMs: Math.round(median(bare)), bundleMedianMs: Math.round(median(bundle)), bundleWorstMs: Math.round(Math.max(...bundle)) },
  mainBundleBytes: statSync(join(ROOT, 'dist/main/index.js')).size,
  chunks: chunkRouter,
  loadedByCommandStatusRun: loaded,
  overhead,
};
console.log('\nStart-up to the first log line (mode status, router command)');
console.log('| | median | worst |\n|---|---|---|');
console.log(`| bare \`node -e\` | ${result.startup.bareNodeMedianMs}ms | ${Math.round(Math.max(...bare))}ms |`);
console.log(`| dist/main/index.js | ${result.startup.bundleMedianMs}ms | ${result.startup.bundleWorstMs}ms |`);
console.log('\nRouter chunks (loaded only when that router is chosen)');
console.log('| chunk | holds | bytes | loaded by a command-router run |\n|---|---|---|---|');
for (const [file, info] of Object.entries(chunkRouter)) console.log(`| ${file} | ${info.router} | ${info.bytes} | ${loaded.includes(file) ? 'yes' : 'no'} |`);
console.log(`main bundle: ${result.mainBundleBytes} bytes`);
console.log(`\nWhole run minus requested waits (health-window ${WINDOW_MS}ms, no deploy, no smoke)`);
console.log('| router | median wall | median overhead | worst overhead |\n|---|---|---|---|');
for (const [name, o] of Object.entries(overhead)) console.log(`| ${name} | ${o.medianWallMs}ms | ${o.medianOverheadMs}ms | ${o.worstOverheadMs}ms |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results/overhead.json');
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(`\nwritten: ${out}`);
