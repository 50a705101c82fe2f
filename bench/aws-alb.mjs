// aws-alb router figures, against moto in server mode on 127.0.0.1 (script/bootstrap installs it):
//  1. ELBv2 API calls per flip, per weighted step and per rollback, as the router counts them (every
//     call through the SDK, retries of one call counted once), and per whole run;
//  2. rollback: a fault injected into the new color's health endpoint after the flip -> the listener
//     forwards to the old target group again (seen by an independent DescribeListeners poll);
//  3. the same, the fault seen by a CloudWatch alarm (SetAlarmState to ALARM) -> the listener restored;
//  4. overhead: wall time of a whole run beyond the health window it was asked to watch.
// moto answers in about a millisecond; against AWS each call takes tens of milliseconds, so the call
// counts, not these times, are what carries over.
// Usage: node bench/aws-alb.mjs [flips, default 10] [rollbacks, default 10]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { albFixture, listenerActions, REGION, startMoto } from '../test-support/moto.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';
import { stats } from './stats.mjs';

const FLIPS = Number(process.argv[2] ?? 10);
const ROLLBACKS = Number(process.argv[3] ?? 10);
const INTERVAL_MS = 250;
const WINDOW_MS = 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let healthy = true;
const server = createServer((req, res) => res.writeHead(healthy ? 200 : 500).end());
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const health = `http://127.0.0.1:${server.address().port}/health`;
const moto = await startMoto();

/** "Flip to green: 7 ELBv2 API call(s) (...)" notes of a run, by kind. */
function callNotes(report) {
  const found = { flip: [], step: [], total: [] };
  for (const note of report.notes) {
    const flip = /^Flip to \S+: (\d+) ELBv2 API call/.exec(note);
    const step = /^Shift to \S+ \d+%: (\d+) ELBv2 API call/.exec(note);
    const total = /^(\d+) ELBv2 API call\(s\) in this step/.exec(note);
    if (flip) found.flip.push(Number(flip[1]));
    if (step) found.step.push(Number(step[1]));
    if (total) found.total.push(Number(total[1]));
  }
  return found;
}

const forwardsTo = async (f) => (await listenerActions(f.elb, f.listener)).find((a) => a.Type === 'forward')?.TargetGroupArn;

try {
  const flipCalls = [];
  const stepCalls = [];
  const rollbackCalls = [];
  const runCalls = { promote: [], steps: [], rollback: [] };
  const overheadMs = [];
  const restoreMs = [];
  for (let i = 0; i < FLIPS; i++) {
    await moto.reset();
    const f = await albFixture(moto);
    const inputs = { router: 'aws-alb', 'listener-arn': f.listener, 'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`, 'health-urls': health, 'health-interval': `${INTERVAL_MS}ms`, 'health-window': `${WINDOW_MS}ms` };
    const started = performance.now();
    const release = await runAction(inputs, { env: moto.env() });
    const took = performance.now() - started;
    if (release.outputs.result !== 'promoted') throw new Error(`flip ${i}: ${release.outputs.result}: ${release.outputs.reason}`);
    overheadMs.push(Math.round(took - WINDOW_MS));
    const calls = callNotes(release.report());
    flipCalls.push(...calls.flip);
    runCalls.promote.push(...calls.total);
    const stepped = await runAction({ ...inputs, 'traffic-steps': '10,50,100', 'step-window': '500ms' }, { env: moto.env() });
    if (stepped.outputs.result !== 'promoted') throw new Error(`steps ${i}: ${stepped.outputs.result}: ${stepped.outputs.reason}`);
    const stepCallsOfRun = callNotes(stepped.report());
    stepCalls.push(...stepCallsOfRun.step);
    runCalls.steps.push(...stepCallsOfRun.total);
  }
  for (let i = 0; i < ROLLBACKS; i++) {
    await moto.reset();
    const f = await albFixture(moto);
    healthy = true;
    let faultAt = 0;
    let restoredAt = 0;
    let watching;
    const inputs = { router: 'aws-alb', 'listener-arn': f.listener, 'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`, 'health-urls': health, 'health-interval': `${INTERVAL_MS}ms`, 'health-window': '30s' };
    const release = await runAction(inputs, {
      env: moto.env(),
      onOutput: (chunk) => {
        if (watching || !chunk.includes('::group::watch health window')) return;
        // The fault lands a moment into the window, between two samples, as real faults do.
        watching = (async () => {
          await sleep(100 + Math.random() * INTERVAL_MS);
          healthy = false;
          faultAt = performance.now();
          while (!restoredAt) {
            if ((await forwardsTo(f)) === f.groups.blue) restoredAt = performance.now();
            else await sleep(5);
          }
        })();
      },
    });
    await watching;
    if (release.outputs.result !== 'rolled-back') throw new Error(`rollback ${i}: ${release.outputs.result}: ${release.outputs.reason}`);
    restoreMs.push(Math.round(restoredAt - faultAt));
    const calls = callNotes(release.report());
    // The run's second "Flip to" note is the rollback's.
    rollbackCalls.push(calls.flip[1]);
    runCalls.rollback.push(...calls.total);
  }
  // 3. The same fault, seen by a CloudWatch alarm instead of an HTTP check: SetAlarmState to ALARM.
  const alarmMs = [];
  const cloudwatch = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, protocol: AwsQueryProtocol });
  const setState = (StateValue) => cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'api-5xx', StateValue, StateReason: `bench: ${StateValue}` }));
  for (let i = 0; i < ROLLBACKS; i++) {
    await moto.reset();
    const f = await albFixture(moto);
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'api-5xx', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    );
    await setState('OK');
    let faultAt = 0;
    let restoredAt = 0;
    let watching;
    const inputs = { router: 'aws-alb', 'listener-arn': f.listener, 'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`, 'health-checks': '- type: cloudwatch-alarm\n  alarm: api-5xx', 'health-interval': `${INTERVAL_MS}ms`, 'health-window': '30s' };
    const release = await runAction(inputs, {
      env: moto.env(),
      onOutput: (chunk) => {
        if (watching || !chunk.includes('::group::watch health window')) return;
        watching = (async () => {
          await sleep(100 + Math.random() * INTERVAL_MS);
          faultAt = performance.now();
          await setState('ALARM');
          while (!restoredAt) {
            if ((await forwardsTo(f)) === f.groups.blue) restoredAt = performance.now();
            else await sleep(5);
          }
        })();
      },
    });
    await watching;
    if (release.outputs.result !== 'rolled-back') throw new Error(`alarm ${i}: ${release.outputs.result}: ${release.outputs.reason}`);
    alarmMs.push(Math.round(restoredAt - faultAt));
  }
  const rows = [
    { figure: 'ELBv2 calls per flip (target health, read and compare, ModifyListener, read-back)', unit: 'calls', ...stats(flipCalls) },
    { figure: 'ELBv2 calls per weighted step below 100% (the first one also checks stickiness)', unit: 'calls', ...stats(stepCalls) },
    { figure: 'ELBv2 calls per rollback flip', unit: 'calls', ...stats(rollbackCalls) },
    { figure: 'ELBv2 calls per whole promote run (1 s window, 250 ms samples of target health)', unit: 'calls', ...stats(runCalls.promote) },
    { figure: 'ELBv2 calls per whole run with steps 10,50,100', unit: 'calls', ...stats(runCalls.steps) },
    { figure: 'ELBv2 calls per whole rolled-back run', unit: 'calls', ...stats(runCalls.rollback) },
    { figure: `rollback: fault -> listener forwards to the old group (health-interval ${INTERVAL_MS}ms)`, unit: 'ms', ...stats(restoreMs) },
    { figure: `rollback: alarm set to ALARM -> listener forwards to the old group (health-interval ${INTERVAL_MS}ms)`, unit: 'ms', ...stats(alarmMs) },
    { figure: `a whole promote run beyond its ${WINDOW_MS} ms health window`, unit: 'ms', ...stats(overheadMs) },
  ];
  console.log('| figure | n | median | p95 | max |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.figure} | ${r.n} | ${r.median} ${r.unit} | ${r.p95} ${r.unit} | ${r.max} ${r.unit} |`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results/aws-alb.json');
  writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), peer: 'moto 5.2.5 (server mode)', flips: FLIPS, rollbacks: ROLLBACKS, rows, samples: { flipCalls, stepCalls, rollbackCalls, runCalls, restoreMs, alarmMs, overheadMs } }, null, 2) + '\n');
  console.log(`\nwritten to ${out}`);
} finally {
  moto.stop();
  server.close();
}
