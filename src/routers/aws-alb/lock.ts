/**
 * Exclusion between runs on any runner, with nothing but the ELBv2 API: a listener rule at a reserved
 * priority. CreateRule is atomic (a taken priority fails with PriorityInUse), so of two runs that try
 * at once exactly one creates it. The rule names its holder in a tag, and the holder rewrites a renewal
 * tag every few seconds while it holds the lock.
 *
 * Time is never compared across runners: a waiter takes the lock over only after it saw the same rule
 * with the same tags for a whole lease by its own monotonic clock; it then deletes that rule by its ARN
 * and creates its own, so two takers racing still meet at CreateRule. The holder vouches for itself
 * only until its last confirmed renewal plus the lease minus a margin (LeaseTerm); past that, or once a
 * renewal finds its rule gone, the fence refuses every write.
 *
 * The rule never matches a request: it needs a header holding a random value no client sends.
 */
import { randomUUID } from 'node:crypto';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../../infra/clock.js';
import { keepRenewed, Observer, type Held } from '../../infra/fence.js';
import type { Log } from '../../infra/log.js';
import { AwsCallError, fromTagValue, toTagValue, type Elb } from './client.js';

/** The lowest precedence there is: the lock rule sits below every rule a user is likely to have. */
export const LOCK_PRIORITY = 50_000;
/** `renewed` is the holder's own count of renewals: a value that changes, not a time anyone judges. */
export const LOCK_TAGS = { holder: 'blue-green-action:lock-holder', renewed: 'blue-green-action:lock-renewed' };
/** Half a minute, as a Kubernetes Lease: a dead run's lock is free 30 s after a waiter first sees it. */
export const LEASE_MS = 30_000;
/** Three renewals fit in the time the holder vouches for itself (about 6 AddTags calls a minute). */
const RENEW_MS = 5_000;
/**
 * A holder stops writing this long before a waiter could take over: an ELBv2 write lands well within
 * it, and one that has not been answered by then is given up (see the router's `fenced`).
 */
export const MARGIN_MS = 10_000;
const RENEW_TIMEOUT_MS = 4_000;
/** ELBv2 describe calls are rate-limited per account: a waiter looks every two seconds. */
const POLL_MS = 2_000;
const LOCK_ACTIONS: Action[] = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }];

export async function takeLockRule(elb: Elb, listenerArn: string, holder: string, timeoutMs: number, clock: Clock, log: Log, signal?: AbortSignal): Promise<Held> {
  const deadline = clock.monotonic() + timeoutMs;
  const conditions: RuleCondition[] = [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Lock', Values: [randomUUID()] } }];
  const observer = new Observer(clock);
  let told = false;
  for (;;) {
    const started = clock.monotonic();
    const created = await elb.createRule(listenerArn, LOCK_PRIORITY, conditions, LOCK_ACTIONS, { [LOCK_TAGS.holder]: toTagValue(holder), [LOCK_TAGS.renewed]: '0' }, signal);
    if (created?.RuleArn) return keep(elb, created.RuleArn, holder, clock, log, started);
    const rule = (await elb.rules(listenerArn, signal)).find((r) => r.Priority === String(LOCK_PRIORITY));
    const found = rule?.RuleArn ? await elb.tags(rule.RuleArn, signal) : undefined;
    if (rule?.RuleArn && found) {
      if (!(LOCK_TAGS.holder in found)) {
        throw new Error(
          `priority ${LOCK_PRIORITY} on listener ${listenerArn} holds a rule that is not this action's lock (${rule.RuleArn}); the action reserves that priority for its lock rule: move that rule to another priority`,
        );
      }
      const who = fromTagValue(found[LOCK_TAGS.holder]);
      const gone = observer.unchangedFor(JSON.stringify([rule.RuleArn, found]), LEASE_MS);
      if (who === holder || gone) {
        // Deleted by ARN: if another taker already replaced it, this deletes nothing of theirs.
        log.info(`Taking over the lock rule on listener ${listenerArn} from ${who}: ${who === holder ? 'this step left it' : `it was not renewed for ${LEASE_MS / 1000} s (as seen from this runner)`}.`);
        await elb.deleteRule(rule.RuleArn, signal);
        continue;
      }
      if (clock.monotonic() >= deadline) {
        throw new Error(`another run holds the lock rule on listener ${listenerArn} (${who}, ${rule.RuleArn}); waited lock-timeout for it. Nothing was changed.`);
      }
      if (!told) log.info(`Waiting for the lock rule on listener ${listenerArn} (priority ${LOCK_PRIORITY}): held by ${who}.`);
      told = true;
    }
    // Also when the rule vanished between the two reads: its holder just released it.
    await clock.sleep(POLL_MS, signal);
  }
}

/** Renews while held; the fence says when this run can no longer vouch for the lock. */
function keep(elb: Elb, ruleArn: string, holder: string, clock: Clock, log: Log, started: number): Held {
  let count = 0;
  return keepRenewed(
    {
      what: `the lock rule ${ruleArn}`,
      timing: { leaseMs: LEASE_MS, marginMs: MARGIN_MS, everyMs: RENEW_MS, timeoutMs: RENEW_TIMEOUT_MS },
      renew: (signal) => elb.addTags(ruleArn, { [LOCK_TAGS.holder]: toTagValue(holder), [LOCK_TAGS.renewed]: String(++count) }, signal),
      takenBy: async (error) =>
        error instanceof AwsCallError && error.code.endsWith('NotFound') ? `the lock rule ${ruleArn} was deleted by someone else (taken over after it looked unrenewed?)` : undefined,
      release: (signal) => elb.deleteRule(ruleArn, signal),
    },
    clock,
    log,
    started,
  );
}
