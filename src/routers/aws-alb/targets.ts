/**
 * Target health, as the load balancer judges it (DescribeTargetHealth): a color is ready for traffic
 * when its target group has at least one registered target and every one is `healthy`. Before a flip
 * the router waits for that, bounded by ready-timeout; during the window the new color's health is a
 * health source beside the user's, so a target going unhealthy is a failing sample.
 */
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../../infra/clock.js';
import { formatDuration } from '../../infra/duration.js';
import type { Color, HealthSource, Sample } from '../../types.js';
import type { Elb } from './client.js';

/** Load balancers check every 5–300 s; two seconds notices a newly healthy target soon enough. */
const POLL_MS = 2_000;

/** Each target that is not healthy, with its state and reason code (`i-0abc:80 unhealthy (Target.Timeout: …)`). */
export function notHealthy(targets: readonly TargetHealthDescription[]): string[] {
  return targets
    .filter((t) => t.TargetHealth?.State !== 'healthy')
    .map((t) => {
      const health = t.TargetHealth ?? {};
      const why = [health.Reason, health.Description].filter(Boolean).join(': ');
      return `${t.Target?.Id}${t.Target?.Port ? `:${t.Target.Port}` : ''} ${health.State ?? 'unknown'}${why ? ` (${why})` : ''}`;
    });
}

/** Why the group cannot take traffic now, or undefined when it can. */
function whyNotReady(targets: readonly TargetHealthDescription[]): string | undefined {
  if (!targets.length) return 'no registered target';
  const bad = notHealthy(targets);
  return bad.length ? `${bad.length} of ${targets.length} target(s) not healthy: ${bad.join('; ')}` : undefined;
}

/** Waits until every registered target of `arn` is healthy (at least one), up to `timeoutMs`. */
export async function waitHealthy(elb: Elb, arn: string, color: Color, timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<number> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const targets = await elb.targetHealth(arn, signal);
    const why = whyNotReady(targets);
    if (!why) return targets.length;
    if (clock.now() >= deadline) throw new Error(`${color}'s target group ${arn} is not ready after ready-timeout (${formatDuration(timeoutMs)}): ${why}`);
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
    const why = whyNotReady(targets);
    return why ? { status: 'fail', detail: why } : { status: 'pass', detail: `${targets.length} healthy target(s)` };
  }
}
