// Action overhead: (1) start-up of the bundle to its first log line, beside a bare Node start, the two
// interleaved in one run; (2) the size of dist/ and which of its chunks a run loads; (3) wall time of
// whole runs minus the waits they were asked to do: nginx with marker files, HAProxy, and nginx with
// an include file and its reload.
// Usage: node bench/overhead.mjs [runs, default 7]   (start-up is sampled three times as often: it is short)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { distSizes } from '../script/dist-size.mjs';
import { haproxyInputs, startHaproxy } from '../test-support/haproxy.mjs';
import { nginxInputs, startApps, startNginx } from '../test-support/peers.mjs';
import { ENTRY, NODE, ROOT, runAction } from '../test-support/runner.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const DIST = join(ROOT, 'dist');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = [];
const print = (line = '') => {
  out.push(line);
  console.log(line);
};

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

// Other work on the machine slows both sides of each comparison; its load is recorded with the figures.
const loadBefore = loadavg()[0];

// (1) Start-up, interleaved so that both see the same machine.
const bare = [];
const bundle = [];
for (let i = 0; i < RUNS * 3; i++) {
  bare.push((await timeToFirstLine(['-e', 'console.log("up")'], {})).ms);
  bundle.push((await timeToFirstLine([ENTRY.main], statusInputs)).ms);
}

// (2) What dist/ weighs, what each chunk holds (names only that code defines), what a run loads.
const HOLDS = {
  '"NginxRouter"': 'nginx router (nginx-conf)',
  '"NginxMarkerRouter"': 'nginx router (nginx-marker)',
  '"HaproxyRouter"': 'HAProxy router',
  '"CommandRouter"': 'command router',
  '"KubernetesObjectApi"': 'Kubernetes client',
  ElasticLoadBalancingV2Client: 'AWS SDK, ELBv2',
  '"CloudWatchClient"': 'AWS SDK, CloudWatch',
  '"Octokit"': 'GitHub client',
  UND_ERR_CONNECT_TIMEOUT: 'undici',
  'yaml.document': 'yaml',
};
const files = distSizes(DIST).filter(({ file }) => file.endsWith('.mjs'));
const hook = ['--import', join(ROOT, 'bench/load-hook.mjs'), ENTRY.main];
const loaded = (await timeToFirstLine(hook, statusInputs)).stderr
  .split('\n')
  .flatMap((line) => (line.startsWith('loaded file://') ? [relative(DIST, new URL(line.slice('loaded '.length)).pathname)] : []));
const chunks = files.map(({ file, bytes }) => {
  const text = readFileSync(join(DIST, file), 'utf8');
  const holds = Object.entries(HOLDS).flatMap(([marker, what]) => (text.includes(marker) ? [what] : []));
  return { file, bytes, holds, loadedByCommandStatusRun: loaded.includes(file) };
});

// (3) Whole runs: wall time minus the requested health window.
const WINDOW_MS = 1000;
const overhead = {};
{
  const apps = await startApps();
  const nginx = await startNginx({ ports: apps.ports, initial: 'proxy_pass http://blue;' });
  const marked = await startNginx({ ports: apps.ports, initial: 'blue', markers: true });
  const haproxy = await startHaproxy({ ports: apps.ports });
  const common = { 'health-window': `${WINDOW_MS}ms`, 'health-interval': '250ms', 'deploy-command': '', 'smoke-urls': '' };
  const markerInputs = { router: 'nginx', 'nginx-marker': marked.marker, 'nginx-pid-file': marked.pidFile, 'health-urls': `${marked.url}/` };
  const routers = [
    ['nginx-marker', { ...markerInputs, ...common }],
    ['haproxy', { ...haproxyInputs(haproxy, apps), ...common }],
    ['nginx-conf (reload)', { ...nginxInputs(nginx, apps), ...common }],
  ];
  try {
    // Round by round, one run of each router: a spell of other work on the machine slows them alike.
    const walls = Object.fromEntries(routers.map(([name]) => [name, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, inputs] of routers) {
        const started = performance.now();
        const run = await runAction({ ...inputs, version: `v${i}` }, { env: apps.env });
        walls[name].push(performance.now() - started);
        if (run.outputs.result !== 'promoted') throw new Error(`${name}: ${run.outputs.result} ${run.outputs.reason}`);
      }
    }
    for (const [name, w] of Object.entries(walls)) {
      overhead[name] = { medianWallMs: Math.round(median(w)), waitsMs: WINDOW_MS, medianOverheadMs: Math.round(median(w) - WINDOW_MS), worstOverheadMs: Math.round(Math.max(...w) - WINDOW_MS) };
    }
  } finally {
    nginx.stop();
    marked.stop();
    haproxy.stop();
    apps.stop();
  }
}

const total = distSizes(DIST).reduce((sum, { bytes }) => sum + bytes, 0);
const result = {
  measuredAt: new Date().toISOString(),
  runs: RUNS,
  machine: { cores: cpus().length, loadAverage1m: { before: Number(loadBefore.toFixed(1)), after: Number(loadavg()[0].toFixed(1)) } },
  startup: {
    samples: bare.length,
    bareNodeMedianMs: Math.round(median(bare)),
    bareNodeWorstMs: Math.round(Math.max(...bare)),
    bundleMedianMs: Math.round(median(bundle)),
    bundleWorstMs: Math.round(Math.max(...bundle)),
    ratio: Number((median(bundle) / median(bare)).toFixed(2)),
  },
  dist: { totalBytes: total, mainBytes: chunks.find((c) => c.file === relative(DIST, ENTRY.main)).bytes, postBytes: chunks.find((c) => c.file === relative(DIST, ENTRY.post)).bytes },
  loadedByCommandStatusRun: loaded,
  chunks,
  overhead,
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
print(`Machine: ${result.machine.cores} cores, 1-minute load average ${result.machine.loadAverage1m.before} before, ${result.machine.loadAverage1m.after} after.\n`);
print(`Start-up to the first log line (mode status, router command; ${bare.length} interleaved samples each)`);
print('| | median | worst |\n|---|---|---|');
print(`| bare \`node -e\` | ${result.startup.bareNodeMedianMs}ms | ${result.startup.bareNodeWorstMs}ms |`);
print(`| ${relative(ROOT, ENTRY.main)} | ${result.startup.bundleMedianMs}ms | ${result.startup.bundleWorstMs}ms |`);
print(`bundle / bare (medians): ${result.startup.ratio}×`);
print(`\ndist/: ${mb(total)} in all; main ${result.dist.mainBytes} bytes, post ${result.dist.postBytes} bytes. A command-router status run loads ${loaded.length} files, ${mb(chunks.filter((c) => c.loadedByCommandStatusRun).reduce((s, c) => s + c.bytes, 0))}.`);
print('\nChunks that hold a plug-in or a large library (loaded only by the runs that use it)');
print('| file | holds | bytes | loaded by a command-router run |\n|---|---|---|---|');
for (const c of chunks.filter((c) => c.holds.length)) print(`| ${c.file} | ${c.holds.join(', ')} | ${c.bytes} | ${c.loadedByCommandStatusRun ? 'yes' : 'no'} |`);
print(`\nWhole run minus requested waits (health-window ${WINDOW_MS}ms, no deploy, no smoke; ${RUNS} runs each, the routers taking turns)`);
print('| router | median wall | median overhead | worst overhead |\n|---|---|---|---|');
for (const [name, o] of Object.entries(overhead)) print(`| ${name} | ${o.medianWallMs}ms | ${o.medianOverheadMs}ms | ${o.worstOverheadMs}ms |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/overhead.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(join(ROOT, 'bench/results/overhead.md'), `${out.join('\n')}\n`);
console.log('\nwritten: bench/results/overhead.json, bench/results/overhead.md');
