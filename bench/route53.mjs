// route53 router figures, against moto in server mode on 127.0.0.1 (script/bootstrap installs it), through
// the bundled action:
//  1. Route 53 API calls per flip, per weighted step and per whole run, as the router counts them (every
//     call through the SDK, a retried call counted once) and says in each run's summary;
//  2. time from sending a change to Route 53 saying INSYNC (GetChange), as the router measures it;
//  3. time from INSYNC to the window starting to count: the records' TTL, waited out (TTL 1 s here);
//  4. a whole promote run beyond its window and its TTL wait.
// moto answers INSYNC at once and in about a millisecond; on AWS a change is usually INSYNC within a
// minute and polled every 2 s (one GetChange each), so the counts and the TTL wait carry over, the
// INSYNC time does not.
// Usage: node bench/route53.mjs [runs, default 10]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startMoto } from '../test-support/moto.mjs';
import { NAME, zoneFixture } from '../test-support/route53.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';
import { stats } from './stats.mjs';

const RUNS = Number(process.argv[2] ?? 10);
const WINDOW_MS = 1000;
const TTL_S = 1;


/** The router's notes of a run: calls per change and in all, INSYNC seconds per change. */
function notes(report) {
  const found = { flip: [], step: [], total: [], insyncS: [] };
  for (const note of report.notes) {
    const change = /^(Flip to|Shift to) \S+(?: \d+%)?: change \S+ was INSYNC ([\d.]+) s after it was sent.* (\d+) Route 53 API call\(s\)/.exec(note);
    const total = /^(\d+) Route 53 API call\(s\) in this step/.exec(note);
    if (change) {
      found[change[1] === 'Flip to' ? 'flip' : 'step'].push(Number(change[3]));
      found.insyncS.push(Number(change[2]));
    }
    if (total) found.total.push(Number(total[1]));
  }
  return found;
}

/** Milliseconds from the change to the window: the log's `flip`/`shift` phase end to the window's start. */
function ttlWaitMs(report) {
  const window = report.phases.find((p) => p.name.startsWith('watch'));
  const flip = report.phases.find((p) => p.name === 'flip' || p.name.startsWith('shift'));
  return window && flip ? Date.parse(window.startedAt) - Date.parse(flip.startedAt) : undefined;
}

// The window needs something to watch: the records point at no real server, so a local one answers.
const server = createServer((req, res) => res.writeHead(200).end());
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const health = `http://127.0.0.1:${server.address().port}/health`;
const moto = await startMoto();
const flipCalls = [];
const stepCalls = [];
const runCalls = { promote: [], steps: [] };
const insyncMs = [];
const changeToWindowMs = [];
const overheadMs = [];
try {
  for (const [kind, extra] of [
    ['promote', {}],
    ['steps', { 'traffic-steps': '10,100', 'step-window': `${WINDOW_MS}ms` }],
  ]) {
    for (let i = 0; i < RUNS; i++) {
      const f = await zoneFixture(moto, { ttl: TTL_S });
      const inputs = { router: 'route53', 'hosted-zone-id': f.zoneId, 'record-name': NAME, 'record-type': f.type, 'health-window': `${WINDOW_MS}ms`, 'health-interval': '250ms', 'health-urls': health, version: `v${i}`, ...extra };
      const started = performance.now();
      const run = await runAction(inputs, { env: moto.env() });
      const wall = performance.now() - started;
      if (run.outputs.result !== 'promoted') throw new Error(`${kind}: ${run.outputs.result}: ${run.outputs.reason}\n${run.stdout}`);
      const report = run.report();
      const n = notes(report);
      flipCalls.push(...n.flip);
      stepCalls.push(...n.step);
      runCalls[kind].push(...n.total);
      insyncMs.push(...n.insyncS.map((s) => s * 1000));
      if (kind === 'promote') {
        const wait = ttlWaitMs(report);
        if (wait !== undefined) changeToWindowMs.push(wait);
        overheadMs.push(wall - WINDOW_MS - TTL_S * 1000);
      }
    }
  }
} finally {
  moto.stop();
  server.close();
}

const rows = [
  { figure: 'Route 53 calls per flip (read, change batch, GetChange, read-back)', unit: 'calls', ...stats(flipCalls) },
  { figure: 'Route 53 calls per weighted step below 100%', unit: 'calls', ...stats(stepCalls) },
  { figure: 'Route 53 calls per whole promote run (TXT lock, discover, flip, a read per sample, final read)', unit: 'calls', ...stats(runCalls.promote) },
  { figure: 'Route 53 calls per whole run with steps 10,100', unit: 'calls', ...stats(runCalls.steps) },
  { figure: 'change sent -> INSYNC (GetChange), as the router measures it', unit: 'ms', ...stats(insyncMs) },
  { figure: `change sent -> the window counts (INSYNC, then the records' TTL of ${TTL_S} s)`, unit: 'ms', ...stats(changeToWindowMs) },
  { figure: `a whole promote run beyond its ${WINDOW_MS} ms health window and ${TTL_S} s TTL`, unit: 'ms', ...stats(overheadMs.map(Math.round)) },
];
console.log('| figure | n | median | p95 | max |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.figure} | ${r.n} | ${r.median} ${r.unit} | ${r.p95} ${r.unit} | ${r.max} ${r.unit} |`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const samples = { flipCalls, stepCalls, runCalls, insyncMs, changeToWindowMs, overheadMs };
writeFileSync(join(ROOT, 'bench/results/route53.json'), JSON.stringify({ measuredAt: new Date().toISOString(), peer: 'moto 5.2.5 (server mode)', runs: RUNS, ttlSeconds: TTL_S, rows, samples }, null, 2) + '\n');
console.log('\nwritten: bench/results/route53.json');
