/**
 * Target health, as the load balancer judges it (DescribeTargetHealth): a color is ready for traffic
 * when its target group has at least one registered target and every one is `healthy`. Before a flip
 * the router waits for that, bounded by ready-timeout, saying what it waits for each time that changes;
 * a target that no wait can make healthy (a stopped instance, a group the load balancer does not use)
 * ends the wait at once. During the window the new color's health is a health source beside the
 * user's, so a target going unhealthy is a failing sample.
 */
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../../infra/clock.js';
import { formatDuration } from '../../infra/duration.js';
import type { Log } from '../../infra/log.js';
import type { Color, HealthSource, Sample } from '../../types.js';
import type { Elb } from './client.js';

/** Load balancers check every 5–300 s; two seconds notices a newly healthy target soon enough. */
const POLL_MS = 2_000;
/** Targets named in one line: a large group's line stays readable, its counts cover the rest. */
const LISTED = 10;

/**
 * States and reason codes (the TargetHealth API reference) that waiting cannot change: only a person
 * or another system can. Each says what to do. Every other state and reason is waited for:
 * - `initial` (Elb.RegistrationInProgress, Elb.InitialHealthChecking): the load balancer is registering
 *   the target or sending its first checks; it turns healthy or unhealthy by itself.
 * - `unhealthy` with Target.ResponseCodeMismatch, Target.Timeout or Target.FailedHealthChecks: right
 *   after a deploy the app is still starting (refusing connections, answering slowly or with a 5xx).
 * - `unhealthy` or `unavailable` with Elb.InternalError: a fault of the load balancer's, not the user's.
 * - `draining`, `unhealthy.draining` (Target.DeregistrationInProgress): the target is leaving the group,
 *   gone once the deregistration delay has passed.
 * - a state or reason not listed here (AWS adds some): a bounded, reported wait is the safe side.
 */
const STUCK: Record<string, string> = {
  // Deregistered meanwhile: nothing registers it again by itself.
  'unused/Target.NotRegistered': 'the target is not registered with the group: register it',
  // The load balancer health-checks only groups it routes to, and only in the zones it has enabled.
  'unused/Target.NotInUse':
    'no listener or rule forwards to the group, so the load balancer does not health-check it (name both groups in the forward action, the idle one with weight 0: the action keeps that shape), or the target is in an Availability Zone the load balancer does not enable',
  // A stopped or terminated instance stays so until someone starts or replaces it.
  'unused/Target.InvalidState': 'the instance is stopped or terminated: start it, or deregister it',
  // The address belongs to a load balancer node: it can never serve as a target.
  'unused/Target.IpUnusable': 'the IP address is reserved for a load balancer: register another address',
  // Without health checks there is no judgement to wait for.
  'unavailable/Target.HealthCheckDisabled': 'health checks are disabled for the group, so the load balancer cannot tell: enable them',
};

const stateOf = (t: TargetHealthDescription): string => t.TargetHealth?.State ?? 'unknown';
const stuckCode = (t: TargetHealthDescription): string => `${stateOf(t)}/${t.TargetHealth?.Reason ?? ''}`;
const isStuck = (t: TargetHealthDescription): boolean => stuckCode(t) in STUCK;
const isReady = (targets: readonly TargetHealthDescription[]): boolean => targets.length > 0 && targets.every((t) => stateOf(t) === 'healthy');

/** One target as the load balancer sees it: `i-0abc:80 unhealthy (Target.Timeout: Request timed out)`. */
function describeTarget(t: TargetHealthDescription): string {
  const health = t.TargetHealth ?? {};
  const why = [health.Reason, health.Description].filter(Boolean).join(': ');
  return `${t.Target?.Id}${t.Target?.Port ? `:${t.Target.Port}` : ''} ${stateOf(t)}${why ? ` (${why})` : ''}`;
}

/** The group at one look: how many targets are healthy, then each one that is not (stuck ones first). */
function picture(targets: readonly TargetHealthDescription[]): string {
  if (!targets.length) return 'no registered target';
  const unhealthy = targets.filter((t) => stateOf(t) !== 'healthy');
  const ordered = [...unhealthy.filter(isStuck), ...unhealthy.filter((t) => !isStuck(t))];
  const listed = ordered.slice(0, LISTED).map(describeTarget);
  if (ordered.length > LISTED) listed.push(`and ${ordered.length - LISTED} more not healthy`);
  return [`${targets.length - unhealthy.length}/${targets.length} targets healthy`, ...listed].join('; ');
}

/** Why no wait can make the group ready, with what to do; undefined while waiting still can. */
function whyStuck(targets: readonly TargetHealthDescription[], color: Color, arn: string): string | undefined {
  if (!targets.length) {
    return `${color}'s target group ${arn} has no registered target, and waiting registers none: register the color's targets (an Auto Scaling group or ECS service registers its own: let the deploy wait until it has)`;
  }
  const codes = [...new Set(targets.filter(isStuck).map(stuckCode))];
  if (!codes.length) return undefined;
  const advice = codes.map((code) => `${code.replace(/^[^/]*\//, '')}: ${STUCK[code]}`).join('. ');
  return `${color}'s target group ${arn} cannot turn healthy by waiting: ${picture(targets)}. ${advice}`;
}

/**
 * Waits until every registered target of `arn` is healthy (at least one), up to `timeoutMs`; 0 is a
 * single look. Each new picture of the group is told to `log` while it waits.
 */
export async function waitHealthy(elb: Elb, arn: string, color: Color, timeoutMs: number, clock: Clock, signal?: AbortSignal, log?: Pick<Log, 'info'>): Promise<number> {
  const deadline = clock.now() + timeoutMs;
  let told: string | undefined;
  for (;;) {
    const targets = await elb.targetHealth(arn, signal);
    const now = picture(targets);
    if (isReady(targets)) {
      // Closes the lines said while waiting.
      if (told !== undefined) log?.info(`${color}: ${now}`);
      return targets.length;
    }
    const stuck = whyStuck(targets, color, arn);
    if (stuck) throw new Error(stuck);
    if (clock.now() >= deadline) throw new Error(`${color}'s target group ${arn} is not ready${timeoutMs ? ` after ready-timeout (${formatDuration(timeoutMs)})` : ''}: ${now}`);
    if (now !== told) log?.info(`${color}: ${now}`);
    told = now;
    await clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - clock.now())), signal);
  }
}

/** The new color's target health as a sample: failing as soon as one target is not healthy. */
export class TargetHealthSource implements HealthSource {
  readonly name: string;

  constructor(
    private readonly elb: Elb,
    private readonly arn: string,
    color: Color,
  ) {
    this.name = `target health of ${color} (${arn.replace(/^.*:targetgroup\//, 'targetgroup/')})`;
  }

  async sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>> {
    const targets = await this.elb.targetHealth(this.arn, signal);
    return isReady(targets) ? { status: 'pass', detail: `${targets.length} healthy target(s)` } : { status: 'fail', detail: picture(targets) };
  }
}
