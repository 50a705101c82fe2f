// Whether an aws-alb run kept its two promises, judged from outside: the listener as the test reads
// it through the SDK at the end (its outputs and summary must say the same), and the calls the run
// made through the recording proxy (no ModifyListener or ModifyRule landed once its lock was lost or
// released). Shared by the fencing tests and the fault matrix.
import { randomUUID } from 'node:crypto';
import { AddTagsCommand, CreateRuleCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startAwsProxy } from './aws-proxy.mjs';
import { listenerActions, REGION, startMoto } from './moto.mjs';
import { runAction } from './runner.mjs';
import { routerRow } from './truth.mjs';

/** The action's lock rule: its priority, its lease, and how long its holder vouches for it after a renewal (lease − margin). */
export const LOCK_PRIORITY = '50000';
export const LEASE_MS = 30_000;
export const HOLD_MS = 20_000;
const WRITES = ['ModifyListener', 'ModifyRule'];

/** moto, and the recording proxy in front of it; `stop()` ends both. */
export async function startMotoBehindProxy() {
  const moto = await startMoto();
  const proxy = await startAwsProxy(moto.endpoint);
  return { moto, proxy, stop: () => proxy.stop().finally(() => moto.stop()) };
}

/** Inputs of a plain release of `f` (a moto.mjs albFixture): target health is the health check. */
export function albInputs(f, extra = {}) {
  return {
    router: 'aws-alb',
    'listener-arn': f.listener,
    'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`,
    'health-urls': '',
    'health-interval': '200ms',
    'health-window': '1s',
    'ready-timeout': '5s',
    ...extra,
  };
}

/** The bundled action on `f`, reaching moto through `proxy` as client `client`. */
export function runVia(proxy, client, f, extra = {}, options = {}) {
  return runAction(albInputs(f, extra), { ...options, env: { ...proxy.env(client), ...options.env } });
}

/** An ELBv2 client of someone else (a person, another tool, another run), through the proxy as `key`. */
export function foreignElb(proxy, key) {
  return new ElasticLoadBalancingV2Client({ endpoint: proxy.endpoint, region: REGION, credentials: { accessKeyId: key, secretAccessKey: 'testing' } });
}

/** A lock rule as another run of the action holds it (holder, renewal counter, any `tags`); returns its ARN. */
export async function foreignLock(elb, listener, holder, tags = {}) {
  const all = { 'blue-green-action:lock-holder': holder, 'blue-green-action:lock-renewed': '0', ...tags };
  const out = await elb.send(
    new CreateRuleCommand({
      ListenerArn: listener,
      Priority: Number(LOCK_PRIORITY),
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Lock', Values: [randomUUID()] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      Tags: Object.entries(all).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return out.Rules[0].RuleArn;
}

/**
 * That lock's holder renewing it (its renewal counter rewritten) every `everyMs`, until `stop()`,
 * which resolves with the `performance.now()` of the last renewal that landed.
 */
export function keepRenewing(elb, arn, everyMs) {
  let renewing = true;
  let last = performance.now();
  const loop = (async () => {
    for (let n = 1; renewing; n++) {
      await new Promise((r) => setTimeout(r, everyMs));
      if (!renewing) break;
      await elb.send(new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: 'blue-green-action:lock-renewed', Value: String(n) }] }));
      last = performance.now();
    }
  })();
  return async () => {
    renewing = false;
    await loop;
    return last;
  };
}

/**
 * What the listener forwards to, in the action's words: `route` as its summary says it ('green',
 * 'blue 25%, green 75%') and `active` as its output says it.
 */
export async function listenerRoute(f, elb = f.elb) {
  const forward = (await listenerActions(elb, f.listener)).find((a) => a.Type === 'forward');
  const entries = forward?.ForwardConfig?.TargetGroups?.length ? forward.ForwardConfig.TargetGroups.map((g) => [g.TargetGroupArn, g.Weight ?? 1]) : [[forward?.TargetGroupArn, 1]];
  const weights = { blue: 0, green: 0 };
  for (const [arn, weight] of entries) {
    const color = Object.keys(f.groups).find((c) => f.groups[c] === arn);
    if (!color) return { route: `a foreign target group ${arn}`, active: undefined };
    weights[color] += weight;
  }
  const live = Object.keys(weights).filter((c) => weights[c] > 0);
  if (live.length < 2) return { route: live[0] ?? 'no live color', active: live[0] };
  const blue = Math.round((weights.blue * 100) / (weights.blue + weights.green));
  return { route: `blue ${blue}%, green ${100 - blue}%`, active: blue >= 50 ? 'blue' : 'green' };
}

/**
 * Every way a finished run's outputs and summary disagree with the listener as read now ([] when
 * they are true). For a run that released from `from` (blue unless said): `promoted` must leave the
 * other color alone, `rolled-back` and `aborted` (traffic untouched) `from` alone; an empty
 * `active-color` is true only when the reason says the router could not be read.
 */
export async function albUntruths(run, f, { from = 'blue', summary = run.summary() } = {}) {
  const { route, active } = await listenerRoute(f);
  const problems = [];
  const { result, reason = '' } = run.outputs;
  const said = run.outputs['active-color'];
  const row = routerRow(summary);
  if (result === undefined) return [`no outputs at all (exit ${run.code}, signal ${run.signal}): ${run.stderr}`];
  if (said) {
    if (said !== active) problems.push(`active-color is "${said}", but the listener forwards to ${route}`);
    if (row !== route) problems.push(`the summary's "Router now shows" is "${row}", but the listener forwards to ${route}`);
  } else {
    if (!/could not be read/.test(reason)) problems.push(`active-color is empty (the listener forwards to ${route}), and the reason does not say the router could not be read: ${reason}`);
    if (!row?.startsWith('unknown: the router could not be read')) problems.push(`active-color is empty, but the summary's "Router now shows" is "${row}"`);
  }
  const promised = { promoted: from === 'blue' ? 'green' : 'blue', 'rolled-back': from, aborted: from }[result];
  if (promised && route !== promised) problems.push(`the result is ${result}, but the listener forwards to ${route}, not to ${promised} alone`);
  return problems;
}

const ruleArnIn = (xml) => /<RuleArn>([^<]+)<\/RuleArn>/.exec(xml)?.[1];

/**
 * The ModifyListener and ModifyRule calls of `client` that the lock rule should have kept out, in two
 * lists. `afterLockLost`: a write that reached moto when another run may already hold the lock: the
 * rule was released (the client sent its DeleteRule) or deleted by someone else, or the lease ran out
 * (LEASE_MS after the arrival of the client's last renewal that succeeded; a waiter counts the lease
 * from a later moment, when it first saw that renewal). `afterFenceLost`: a write decided (its first
 * attempt arrived) when the holder itself could no longer vouch for the lock: after the release, or
 * HOLD_MS after that renewal's arrival (the holder counts from the renewal's start, earlier still).
 */
export function writeLedger(calls, client) {
  const events = [];
  for (const c of calls) {
    const mine = c.client === client;
    if (mine && c.action === 'CreateRule' && c.params.get('Priority') === LOCK_PRIORITY && c.status === 200) events.push({ t: c.at, kind: 'take', arn: ruleArnIn(c.answer) });
    else if (mine && c.action === 'AddTags' && c.status === 200) events.push({ t: c.at, kind: 'renew', arn: c.params.get('ResourceArns.member.1') });
    else if (c.action === 'DeleteRule' && (mine || c.upstream === 200)) events.push({ t: mine ? c.at : c.landed, kind: 'delete', arn: c.params.get('RuleArn'), by: c.client });
    else if (mine && WRITES.includes(c.action)) {
      if (c.landed !== undefined) events.push({ t: c.landed, kind: 'landed', call: c });
      if (c.attempt === 1) events.push({ t: c.at, kind: 'decided', call: c });
    }
  }
  events.sort((a, b) => a.t - b.t);
  const ledger = { afterLockLost: [], afterFenceLost: [] };
  let lock;
  const since = (t) => `${((t - lock.confirmed) / 1000).toFixed(1)} s after its last renewal`;
  for (const e of events) {
    if (e.kind === 'take') lock = { arn: e.arn, confirmed: e.t };
    else if (e.kind === 'renew' && e.arn === lock?.arn && !lock.gone) lock.confirmed = e.t;
    else if (e.kind === 'delete' && e.arn === lock?.arn && !lock.gone) lock = { ...lock, gone: `${e.by === client ? 'released' : `deleted by ${e.by}`} ${since(e.t)}`, released: e.by === client };
    else if (e.kind === 'landed' || e.kind === 'decided') {
      const landed = e.kind === 'landed';
      const limit = landed ? LEASE_MS : HOLD_MS;
      const gone = lock?.gone && (landed || lock.released) ? `the lock rule was ${lock.gone}` : undefined;
      const why = !lock ? 'no lock rule was held' : (gone ?? (e.t - lock.confirmed > limit ? `it was ${since(e.t)}` : undefined));
      if (why) (landed ? ledger.afterLockLost : ledger.afterFenceLost).push(`${e.call.action} #${e.call.nth} (phase ${e.call.phase}) ${landed ? 'landed' : 'was sent'} when ${why}`);
    }
  }
  return ledger;
}

/** Both lists of writeLedger as one: [] when every write of `client` was fenced. */
export function fenceBreaches(calls, client) {
  const { afterLockLost, afterFenceLost } = writeLedger(calls, client);
  return [...afterLockLost, ...afterFenceLost];
}

/** Resolves with `performance.now()` when `text` first shows in the output (for `onOutput`). */
export function watchFor(text) {
  let seen = '';
  let resolve;
  const at = new Promise((r) => (resolve = r));
  const onOutput = (chunk) => {
    if (seen.includes(text)) return;
    seen += chunk;
    if (seen.includes(text)) resolve(performance.now());
  };
  return { at, onOutput };
}
