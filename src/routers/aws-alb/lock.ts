/**
 * Exclusion between runs on any runner, with nothing but the ELBv2 API: a listener rule at a reserved
 * priority. CreateRule is atomic (a taken priority fails with PriorityInUse), so of two runs that try
 * at once exactly one creates it. The rule records its holder and an expiry in its tags and is
 * renewed while held, so the lock of a run that died is taken over once its expiry passed: the taker
 * deletes that rule by its ARN, then creates its own; two takers racing there still meet at CreateRule.
 *
 * The rule never matches a request: it needs a header holding a random value no client sends.
 *
 * What remains: expiry is judged by the waiter's clock against the holder's (runners keep NTP time;
 * the lease is a minute). A holder stalled for longer than the lease loses the lock; its renewal then
 * finds the rule gone and the router refuses to write after that.
 */
import { randomUUID } from 'node:crypto';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../../infra/clock.js';
import type { Log } from '../../infra/log.js';
import { AwsCallError, fromTagValue, toTagValue, type Elb } from './client.js';

/** The lowest precedence there is: the lock rule sits below every rule a user is likely to have. */
export const LOCK_PRIORITY = 50_000;
export const LOCK_TAGS = { holder: 'blue-green-action:lock-holder', expires: 'blue-green-action:lock-expires' };
/** A minute: long enough for clock skew between runners and a slow API, short for a dead run's wait. */
export const LEASE_MS = 60_000;
const RENEW_MS = 15_000;
/** ELBv2 describe calls are rate-limited per account: a waiter looks every two seconds. */
const POLL_MS = 2_000;
const LOCK_ACTIONS: Action[] = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }];

export interface HeldLock {
  release(): Promise<void>;
  /** Why the lock is no longer this run's (renewal found the rule gone), or undefined while held. */
  lost(): string | undefined;
}

export async function takeLockRule(elb: Elb, listenerArn: string, holder: string, timeoutMs: number, clock: Clock, log: Log, signal?: AbortSignal): Promise<HeldLock> {
  const deadline = clock.now() + timeoutMs;
  const tags = () => ({ [LOCK_TAGS.holder]: toTagValue(holder), [LOCK_TAGS.expires]: new Date(clock.now() + LEASE_MS).toISOString() });
  const conditions: RuleCondition[] = [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Lock', Values: [randomUUID()] } }];
  let told = false;
  for (;;) {
    const created = await elb.createRule(listenerArn, LOCK_PRIORITY, conditions, LOCK_ACTIONS, tags(), signal);
    if (created?.RuleArn) return keep(elb, created.RuleArn, tags, log);
    const rule = (await elb.rules(listenerArn, signal)).find((r) => r.Priority === String(LOCK_PRIORITY));
    const found = rule?.RuleArn ? await elb.tags(rule.RuleArn, signal) : undefined;
    if (rule?.RuleArn && found) {
      if (!(LOCK_TAGS.holder in found)) {
        throw new Error(
          `priority ${LOCK_PRIORITY} on listener ${listenerArn} holds a rule that is not this action's lock (${rule.RuleArn}); the action reserves that priority for its lock rule: move that rule to another priority`,
        );
      }
      const who = fromTagValue(found[LOCK_TAGS.holder]);
      const expires = Date.parse(found[LOCK_TAGS.expires] ?? '');
      if (who === holder || !(expires > clock.now())) {
        // Deleted by ARN: if another taker already replaced it, this deletes nothing of theirs.
        log.info(`Taking over the lock rule on listener ${listenerArn} from ${who}: ${who === holder ? 'this job left it' : `it expired at ${found[LOCK_TAGS.expires]}`}.`);
        await elb.deleteRule(rule.RuleArn, signal);
        continue;
      }
      if (clock.now() >= deadline) {
        throw new Error(`another run holds the lock rule on listener ${listenerArn} (${who}, held until ${found[LOCK_TAGS.expires]} unless renewed); waited lock-timeout for it. Nothing was changed.`);
      }
      if (!told) log.info(`Waiting for the lock rule on listener ${listenerArn} (priority ${LOCK_PRIORITY}): held by ${who}.`);
      told = true;
    }
    // Also when the rule vanished between the two reads: its holder just released it.
    await clock.sleep(POLL_MS, signal);
  }
}

/** Renews the expiry while held; the release deletes only this run's rule (by its ARN). */
function keep(elb: Elb, ruleArn: string, tags: () => Record<string, string>, log: Log): HeldLock {
  let lost: string | undefined;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = elb.addTags(ruleArn, tags()).catch((error: unknown) => {
      if (error instanceof AwsCallError && error.code.endsWith('NotFound')) lost = `the lock rule ${ruleArn} was deleted by someone else (taken over after its expiry?)`;
      log.warning(`Could not renew the lock rule ${ruleArn}: ${(error as Error).message}`, 'Lock');
    });
  }, RENEW_MS);
  timer.unref();
  return {
    lost: () => lost,
    release: async () => {
      clearInterval(timer);
      await renewing;
      await elb.deleteRule(ruleArn).catch((error: unknown) => {
        log.warning(`Could not delete the lock rule ${ruleArn} (another run takes it over once it expires, within ${LEASE_MS / 1000}s): ${(error as Error).message}`, 'Lock');
      });
    },
  };
}
