/**
 * A Route 53 health check attached to the target color's record, watched beside the user's checks
 * during every window: a record that evaluates it stops being answered once it fails, so a failing
 * check means clients are already sent elsewhere. Route 53 counts a check healthy when more than 18%
 * of its checkers report success; this source judges it the same way.
 */
import type { HealthCheckObservation } from '@aws-sdk/client-route-53';
import type { Color, HealthSource, Sample } from '../../types.js';
import type { Zone } from './client.js';

/** Route 53's own threshold: healthy when more than this share of its checkers report success. */
export const HEALTHY_SHARE = 0.18;

export class HealthCheckSource implements HealthSource {
  readonly name: string;

  constructor(
    private readonly zone: Zone,
    private readonly id: string,
    color: Color,
  ) {
    this.name = `Route 53 health check ${id} of ${color}`;
  }

  async sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>> {
    return judge(await this.zone.healthCheckStatus(this.id, signal));
  }
}

export function judge(observations: readonly HealthCheckObservation[]): Omit<Sample, 'source' | 'at'> {
  if (!observations.length) return { status: 'no-data', detail: 'no Route 53 checker has reported yet' };
  const failures = observations.filter((o) => !o.StatusReport?.Status?.startsWith('Success'));
  const healthy = observations.length - failures.length;
  const detail = `${healthy} of ${observations.length} Route 53 checkers report success`;
  if (healthy / observations.length > HEALTHY_SHARE) return { status: 'pass', detail };
  const first = failures[0];
  return { status: 'fail', detail: `${detail} (${first.Region ?? 'a region'}: ${(first.StatusReport?.Status ?? 'no status').slice(0, 200)})` };
}
