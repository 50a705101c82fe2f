// Cancel latency: the bundled action is cancelled as the GitHub runner cancels a step (SIGINT, SIGTERM
// 7.5 s later, SIGKILL 2.5 s after that) in each phase, on each router; we measure the time from SIGINT
// to the exit of the process, and check where traffic ended (through the public route) against the outputs.
// The phases, their triggers and inputs are the ones of __tests__/integration/cancel-matrix.test.ts.
// Usage: node bench/cancel-latency.mjs [runs per router and phase, default 3]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cancelRun, phasesFor, routerEnv, RUNNER_GAPS } from '../test-support/cancel.mjs';
import { ROOT } from '../test-support/runner.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const ROUTERS = ['nginx', 'haproxy', 'command'];
/** The promise: out within about a second of SIGINT, plus the time to flip traffic back. */
const TARGET_MS = 1000;

async function once(router, phase) {
  const env = await routerEnv(router);
  try {
    const { run, reached, sent, exitedFirst, latencyMs } = await cancelRun(env, phase, RUNNER_GAPS);
    if (!reached) throw new Error(`${router} / ${phase.name}: the log never showed "${phase.cancelOn}":\n${run.stdout}`);
    const serves = await env.serves();
    const active = run.outputs['active-color'];
    return {
      latencyMs,
      exitedFirst,
      sent,
      exit: run.signal ?? `code ${run.code}`,
      result: run.outputs.result ?? '(no outputs)',
      active: active ?? '(none)',
      serves,
      preRunColor: serves === 'blue 200',
      // Outputs that disagree with the router: no outputs at all, or an active-color clients do not get.
      disagrees: !active || serves !== `${active} 200`,
    };
  } finally {
    env.stop();
  }
}

const median = (xs) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (value) => (value === undefined ? '-' : `${value}ms`);

const rows = [];
for (const router of ROUTERS) {
  for (const phase of phasesFor(router)) {
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(await once(router, phase));
    const latencies = samples.map((s) => s.latencyMs).filter((v) => v !== undefined);
    const row = {
      router,
      phase: phase.name,
      runs: RUNS,
      medianMs: median(latencies),
      maxMs: latencies.length ? Math.max(...latencies) : undefined,
      /** Runs that had already ended when the signal was due (possible in `flip back`): no latency. */
      endedBeforeSigint: samples.filter((s) => s.exitedFirst).length,
      neededSigterm: samples.filter((s) => s.sent.includes('SIGTERM')).length,
      neededSigkill: samples.filter((s) => s.sent.includes('SIGKILL')).length,
      onPreRunColor: samples.filter((s) => s.preRunColor).length,
      outputsDisagree: samples.filter((s) => s.disagrees).length,
      samples,
    };
    rows.push(row);
    console.log(`${router} / ${phase.name}: ${samples.map((s) => `${ms(s.latencyMs)} ${s.result} ${s.serves}`).join('; ')}`);
  }
}

console.log(`\nCancel latency: SIGINT -> exit of the main step (runner gaps: SIGTERM +${RUNNER_GAPS.termAfterMs}ms, SIGKILL +${RUNNER_GAPS.killAfterMs}ms)`);
console.log('| router | phase | runs | median | max | needed SIGTERM / SIGKILL | ended on pre-run color | outputs disagree with router |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const ended = r.endedBeforeSigint ? ` (${r.endedBeforeSigint} ended before SIGINT)` : '';
  console.log(`| ${r.router} | ${r.phase} | ${r.runs} | ${ms(r.medianMs)}${ended} | ${ms(r.maxMs)} | ${r.neededSigterm} / ${r.neededSigkill} | ${r.onPreRunColor}/${r.runs} | ${r.outputsDisagree} |`);
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results/cancel-latency.json');
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), runnerGaps: RUNNER_GAPS, targetMs: TARGET_MS, rows }, null, 2) + '\n');
console.log(`\nwritten: ${out}`);
