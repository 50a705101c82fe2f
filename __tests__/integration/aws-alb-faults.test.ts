// Each ELBv2 call of an aws-alb release failing (503, Throttling, AccessDenied), stalling, or landing
// and then failing, at each phase (preflight, lock, before the flip, the flip, the window, the
// rollback, the release of the lock), through the bundled action against moto behind the fault proxy
// (test-support/aws-proxy.mjs). Over the whole matrix three figures must be 0: untrue outputs (the
// outputs or the summary disagree with the listener as the test reads it at the end), writes after
// the lock was lost (a ModifyListener that reached moto when another run could hold the lock) and
// writes after the fence was lost (one the holder sent when it could no longer vouch for its lock).
import { DeleteRuleCommand, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { albUntruths, foreignElb, foreignLock, LOCK_PRIORITY, runVia, startMotoBehindProxy, writeLedger } from '../../test-support/alb-fence.mjs';
import { failingChecks, registering } from '../../test-support/aws-proxy.mjs';
import { albFixture, listenerActions, listenerRules } from '../../test-support/moto.mjs';

type Peers = Awaited<ReturnType<typeof startMotoBehindProxy>>;
type Moto = Peers['moto'];
type Proxy = Peers['proxy'];
type Fixture = Awaited<ReturnType<typeof albFixture>>;
type Run = Awaited<ReturnType<typeof runVia>>;
interface Call {
  action: string;
  phase: string;
  params: URLSearchParams;
}
interface Fault {
  match: (call: Call) => boolean;
  answer?: string | { code: string; applied: true };
  hold?: number;
  rewrite?: (xml: string) => string;
  after?: () => Promise<unknown>;
  times?: number;
}
interface Case {
  name: string;
  faults: (f: Fixture, foreign: ReturnType<typeof foreignElb>) => Fault[];
  inputs?: Record<string, string>;
  /** A lock rule of another run exists for this long when the run starts (then its holder releases it). */
  held?: number;
  result: string;
  active: string;
  reason?: RegExp;
  check?: (run: Run, f: Fixture) => Promise<void> | void;
}

const on = (action: string, phase?: string) => (c: Call) => c.action === action && (!phase || c.phase === phase);
const fail = (action: string, phase: string | undefined, code: string, times?: number): Fault => ({ match: on(action, phase), answer: code, times });
const stall = (action: string, phase: string, ms: number): Fault => ({ match: on(action, phase), hold: ms, times: 1 });
const landThenFail = (action: string, phase: string | undefined, times?: number): Fault => ({ match: on(action, phase), answer: { code: 'ServiceUnavailable', applied: true }, times });
/** Green's targets fail their health checks once traffic is on green: the window fails, the run rolls back. */
const greenFails = (f: Fixture): Fault => ({ match: (c) => on('DescribeTargetHealth', 'window')(c) && c.params.get('TargetGroupArn') === f.groups.green, rewrite: failingChecks });
const unreadable = /the router could not be read at the end/;
const LONG = { 'health-window': '30s', 'health-interval': '500ms' };

const CASES: Case[] = [
  // preflight: the first calls, before the lock.
  { name: 'DescribeListeners 503 (preflight on)', faults: () => [fail('DescribeListeners', 'preflight', 'ServiceUnavailable')], result: 'aborted', active: '', reason: unreadable },
  { name: 'DescribeListeners throttled once (preflight)', faults: () => [fail('DescribeListeners', 'preflight', 'Throttling', 1)], result: 'promoted', active: 'green' },
  { name: 'DescribeTargetGroups AccessDenied (preflight)', faults: () => [fail('DescribeTargetGroups', 'preflight', 'AccessDenied')], result: 'aborted', active: 'blue', reason: /elasticloadbalancing:DescribeTargetGroups/ },
  // lock: CreateRule, and the waiter's DescribeRules/DescribeTags while another run holds it.
  { name: 'CreateRule 503', faults: () => [fail('CreateRule', undefined, 'ServiceUnavailable')], result: 'aborted', active: 'blue', reason: /CreateRule .*ServiceUnavailable/ },
  { name: 'CreateRule throttled once', faults: () => [fail('CreateRule', undefined, 'Throttling', 1)], result: 'promoted', active: 'green' },
  { name: 'CreateRule stalls 6s once', faults: () => [stall('CreateRule', 'lock', 6_000)], result: 'promoted', active: 'green' },
  {
    name: 'CreateRule lands, then answers 503 once (the retry meets its own rule)',
    faults: () => [landThenFail('CreateRule', 'lock', 1)],
    result: 'promoted',
    active: 'green',
    check: (run) => expect(run.stdout).toMatch(/Taking over the lock rule on listener \S+ from local run .*: this step left it\./),
  },
  { name: 'DescribeRules 503 while waiting for the lock', held: 3_000, faults: () => [fail('DescribeRules', 'lock', 'ServiceUnavailable')], result: 'aborted', active: 'blue', reason: /DescribeRules .*ServiceUnavailable/ },
  { name: 'DescribeTags throttled once while waiting for the lock', held: 3_000, faults: () => [fail('DescribeTags', 'lock', 'Throttling', 1)], result: 'promoted', active: 'green' },
  { name: 'DescribeTags AccessDenied while waiting for the lock', held: 3_000, faults: () => [fail('DescribeTags', 'lock', 'AccessDenied')], result: 'aborted', active: 'blue', reason: /elasticloadbalancing:DescribeTags/ },
  // before the flip: discovery, the target-health wait, the read just before the write.
  { name: 'DescribeListeners 503 (from discovery on)', faults: () => [fail('DescribeListeners', 'before-flip', 'ServiceUnavailable')], result: 'aborted', active: '', reason: unreadable },
  { name: 'DescribeListeners throttled once (before the flip)', faults: () => [fail('DescribeListeners', 'before-flip', 'Throttling', 1)], result: 'promoted', active: 'green' },
  { name: 'DescribeTargetHealth 503 (before the flip)', faults: () => [fail('DescribeTargetHealth', 'before-flip', 'ServiceUnavailable')], result: 'aborted', active: 'blue', reason: /DescribeTargetHealth .*ServiceUnavailable.*Traffic stayed on blue/ },
  { name: 'DescribeTargetHealth stalls 6s once (before the flip)', faults: () => [stall('DescribeTargetHealth', 'before-flip', 6_000)], result: 'promoted', active: 'green' },
  {
    name: 'renewals fail while green registers for 24 s: the flip is refused',
    inputs: { 'ready-timeout': '60s' },
    faults: (f) => [fail('AddTags', undefined, 'ServiceUnavailable'), { match: (c) => on('DescribeTargetHealth')(c) && c.params.get('TargetGroupArn') === f.groups.green, rewrite: registering, times: 12 }],
    result: 'aborted',
    active: 'blue',
    reason: /The flip of .* to green was refused: this run lost its exclusive hold on the router .*Live traffic was not touched/,
  },
  {
    // Decided well within the fence, the write would land ~37 s after the last renewal, when a waiter
    // may hold the lock: it is given up after half the lock's margin, and never reaches moto.
    name: 'renewals fail, the flip decided at ~12 s stalls 25 s',
    inputs: { 'ready-timeout': '60s' },
    faults: (f) => [fail('AddTags', undefined, 'ServiceUnavailable'), { match: (c) => on('DescribeTargetHealth')(c) && c.params.get('TargetGroupArn') === f.groups.green, rewrite: registering, times: 6 }, stall('ModifyListener', 'flip', 25_000)],
    result: 'aborted',
    active: 'blue',
    reason: /Could not flip .* to green: ELBv2 did not answer within 5 s \(half the time this run's lock keeps for a write to land\), so it was given up.*Traffic stayed on blue/,
  },
  // the flip: ModifyListener itself.
  { name: 'ModifyListener 503 (the flip)', faults: () => [fail('ModifyListener', 'flip', 'ServiceUnavailable')], result: 'aborted', active: 'blue', reason: /Could not flip .*ServiceUnavailable.*Traffic stayed on blue/ },
  { name: 'ModifyListener throttled once (the flip)', faults: () => [fail('ModifyListener', 'flip', 'Throttling', 1)], result: 'promoted', active: 'green' },
  { name: 'ModifyListener AccessDenied (the flip)', faults: () => [fail('ModifyListener', 'flip', 'AccessDenied')], result: 'aborted', active: 'blue', reason: /elasticloadbalancing:ModifyListener.*Traffic stayed on blue/ },
  { name: 'ModifyListener stalls 3s once (the flip)', faults: () => [stall('ModifyListener', 'flip', 3_000)], result: 'promoted', active: 'green' },
  { name: 'ModifyListener lands, then answers 503 once (the flip)', faults: () => [landThenFail('ModifyListener', 'flip', 1)], result: 'promoted', active: 'green' },
  // The flip back lands too; the rollback's retry reads blue and is done.
  { name: 'ModifyListener lands, then answers 503 on every attempt', faults: () => [landThenFail('ModifyListener', undefined)], result: 'rolled-back', active: 'blue', reason: /^Could not flip .* to green: .*ServiceUnavailable/ },
  {
    name: "someone changes the forward action's stickiness right after the flip",
    faults: (f, foreign) => [{ match: on('ModifyListener', 'flip'), times: 1, after: () => foreign.send(stickyGreen(f)) }],
    result: 'failed',
    active: 'green',
    reason: /Besides the forward targets, the settings of its forward action\(s\) changed/,
    check: async (_run, f) => expect((await listenerActions(f.elb, f.listener))[0].ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 120 }),
  },
  // the window: the read-back, target health, the guard's reads, the renewals.
  { name: 'DescribeListeners 503 once (window)', faults: () => [fail('DescribeListeners', 'window', 'ServiceUnavailable', 1)], result: 'promoted', active: 'green' },
  { name: 'DescribeListeners 503 (from the read-back on)', faults: () => [fail('DescribeListeners', 'window', 'ServiceUnavailable')], result: 'failed', active: '', reason: unreadable },
  { name: 'DescribeTargetGroupAttributes 503 (after the flip)', faults: () => [fail('DescribeTargetGroupAttributes', 'window', 'ServiceUnavailable')], result: 'promoted', active: 'green' },
  { name: 'DescribeTargetHealth 503 (window)', faults: () => [fail('DescribeTargetHealth', 'window', 'ServiceUnavailable')], result: 'rolled-back', active: 'blue' },
  { name: 'green unhealthy (window)', faults: (f) => [greenFails(f)], result: 'rolled-back', active: 'blue' },
  { name: 'AddTags stalls 6s once (a renewal, window 8s)', inputs: { 'health-window': '8s', 'health-interval': '500ms' }, faults: () => [stall('AddTags', 'window', 6_000)], result: 'promoted', active: 'green' },
  { name: 'AddTags 503 (renewals, window 30s)', inputs: LONG, faults: () => [fail('AddTags', 'window', 'ServiceUnavailable')], result: 'failed', active: 'green', reason: /It wrote nothing after that/ },
  { name: 'AddTags lands, then answers 503 (renewals, window 30s)', inputs: LONG, faults: () => [landThenFail('AddTags', 'window')], result: 'failed', active: 'green', reason: /It wrote nothing after that/ },
  // the rollback: green fails its checks, then the flip back meets the fault.
  { name: 'ModifyListener 503 (the rollback)', faults: (f) => [greenFails(f), fail('ModifyListener', 'rollback', 'ServiceUnavailable')], result: 'failed', active: 'green', reason: /then the rollback to blue failed/ },
  { name: 'ModifyListener throttled once (the rollback)', faults: (f) => [greenFails(f), fail('ModifyListener', 'rollback', 'Throttling', 1)], result: 'rolled-back', active: 'blue' },
  { name: 'ModifyListener AccessDenied (the rollback)', faults: (f) => [greenFails(f), fail('ModifyListener', 'rollback', 'AccessDenied')], result: 'failed', active: 'green', reason: /then the rollback to blue failed/ },
  { name: 'ModifyListener stalls 3s once (the rollback)', faults: (f) => [greenFails(f), stall('ModifyListener', 'rollback', 3_000)], result: 'rolled-back', active: 'blue' },
  { name: 'DescribeListeners 503 (after the flip back)', faults: (f) => [greenFails(f), fail('DescribeListeners', 'rollback', 'ServiceUnavailable')], result: 'failed', active: '', reason: unreadable },
  // the end: the release of the lock.
  {
    name: 'DeleteRule 503 (the release): the rule stays for a waiter to take over',
    faults: () => [fail('DeleteRule', undefined, 'ServiceUnavailable')],
    result: 'promoted',
    active: 'green',
    check: async (run, f) => {
      expect(run.stdout).toMatch(/Could not delete the lock rule \S+ \(another run takes it over once it sees it unrenewed for 30 s\)/);
      expect((await listenerRules(f.elb, f.listener)).filter((r) => r.Priority === LOCK_PRIORITY)).toHaveLength(1);
    },
  },
];

/** The listener as someone else leaves it: still green, with target group stickiness turned on. */
function stickyGreen(f: Fixture) {
  const forward = { Type: 'forward' as const, TargetGroupArn: f.groups.green, ForwardConfig: { TargetGroups: [{ TargetGroupArn: f.groups.green, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 120 } } };
  return new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: [forward] });
}

let moto: Moto;
let proxy: Proxy;
let stop: () => Promise<void>;
const rows: { name: string; result?: string; active?: string; untrue: string[]; afterLockLost: string[]; afterFenceLost: string[] }[] = [];

beforeAll(async () => {
  ({ moto, proxy, stop } = await startMotoBehindProxy());
}, 60_000);

afterAll(async () => {
  await stop?.();
  const total = (key: 'untrue' | 'afterLockLost' | 'afterFenceLost') => rows.reduce((n, row) => n + row[key].length, 0);
  const line = (cells: unknown[]) => `| ${cells.join(' | ')} |`;
  // The matrix's figures are this file's report: printed whether or not they hold.
  // eslint-disable-next-line no-console
  console.log(
    [
      `aws-alb fault matrix: ${rows.length} cases`,
      line(['case', 'result', 'active-color', 'untrue outputs', 'writes after the lock was lost', 'writes after the fence was lost']),
      line(['---', '---', '---', '---', '---', '---']),
      ...rows.map((row) => line([row.name, row.result, row.active || '(empty)', row.untrue.length, row.afterLockLost.length, row.afterFenceLost.length])),
      line(['**total**', '', '', total('untrue'), total('afterLockLost'), total('afterFenceLost')]),
    ].join('\n'),
  );
  expect({ untrue: total('untrue'), afterLockLost: total('afterLockLost'), afterFenceLost: total('afterFenceLost') }).toEqual({ untrue: 0, afterLockLost: 0, afterFenceLost: 0 });
});

/** Another run's lock rule, released (deleted) by its holder after `ms`. */
async function heldFor(f: Fixture, holder: ReturnType<typeof foreignElb>, ms: number) {
  const rule = await foreignLock(holder, f.listener, 'run 9 attempt 1, job other, step 00000000');
  setTimeout(() => void holder.send(new DeleteRuleCommand({ RuleArn: rule })), ms);
}

describe.concurrent('aws-alb: each ELBv2 call fails, stalls or lands and fails, at each phase', () => {
  CASES.forEach((c, i) =>
    it(c.name, { timeout: 150_000 }, async () => {
      const client = `case-${i}`;
      const f = await albFixture(moto, { name: `m${i}` });
      const foreign = foreignElb(proxy, `someone-${i}`);
      const rules = c.faults(f, foreign).map((fault) => proxy.rule({ ...fault, match: (call: Call & { client: string }) => call.client === client && fault.match(call) }));
      if (c.held) await heldFor(f, foreignElb(proxy, `holder-${i}`), c.held);
      const run = await runVia(proxy, client, f, { 'health-window': '2s', ...c.inputs });
      const ledger = writeLedger(proxy.calls, client);
      const row = { name: c.name, result: run.outputs.result, active: run.outputs['active-color'], untrue: await albUntruths(run, f), ...ledger };
      rows.push(row);
      // The fault really happened: every rule acted on at least one call.
      expect(rules.map((r) => r.acted() > 0)).toEqual(rules.map(() => true));
      expect({ result: row.result, 'active-color': row.active, 'untrue outputs': row.untrue, 'writes after the lock was lost': ledger.afterLockLost, 'writes after the fence was lost': ledger.afterFenceLost }, `${run.outputs.reason}\n${run.stdout}`).toEqual({
        result: c.result,
        'active-color': c.active,
        'untrue outputs': [],
        'writes after the lock was lost': [],
        'writes after the fence was lost': [],
      });
      if (c.reason) expect(run.outputs.reason).toMatch(c.reason);
      await c.check?.(run, f);
    }),
  );
});
