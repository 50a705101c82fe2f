/**
 * CloudWatch alarms as health, through the SDK's own client and retry strategy. The client speaks the
 * AWS Query protocol: CloudWatch accepts it as it accepts its newer JSON protocol, and it is the one
 * whose errors every CloudWatch endpoint answers in a form the client can read (an endpoint that answers
 * errors as Query XML to a JSON client leaves AccessDenied unreadable).
 */
import { CloudWatchClient, DescribeAlarmsCommand, type CompositeAlarm, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { CredentialsNotice } from '../../infra/aws-credentials.js';
import type { HealthSource, Sample } from '../../types.js';
import type { AlarmCheck } from './module.js';

type Verdict = Omit<Sample, 'source' | 'at'>;
type Alarm = Pick<MetricAlarm | CompositeAlarm, 'AlarmName' | 'StateValue' | 'StateReason' | 'StateUpdatedTimestamp'>;

/** Attempts per call, the SDK's standard strategy (throttling and 5xx are retried with backoff). */
const MAX_ATTEMPTS = 3;

export function alarmSources(checks: readonly AlarmCheck[], region: string): HealthSource[] {
  const client = new CloudWatchClient({ region, maxAttempts: MAX_ATTEMPTS, protocol: AwsQueryProtocol });
  // The checks share one client, so "no credentials" is said in full once, not once per check.
  const credentials = new CredentialsNotice('CloudWatch');
  return checks.map((check) => new AlarmHealthSource(check, client, region, credentials));
}

export class AlarmHealthSource implements HealthSource {
  readonly name: string;
  readonly requiresData: boolean;
  readonly info = { unit: 'in ALARM (1) or not (0)', max: 0 };
  /** When traffic first moved: with `already-in-alarm: ignore`, only an ALARM entered after it counts. */
  private flippedAt?: number;

  constructor(
    private readonly check: AlarmCheck,
    private readonly client: CloudWatchClient,
    private readonly region: string,
    private readonly credentials = new CredentialsNotice('CloudWatch'),
  ) {
    this.name = check.name;
    this.requiresData = check.onNoData === 'wait';
  }

  /** The alarm exists, can be read, and (unless told to ignore it) is not already in ALARM. */
  async validate(signal?: AbortSignal): Promise<string | undefined> {
    let alarm: Alarm | undefined;
    try {
      alarm = await this.describe(signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return `Input 'health-checks': check "${this.name}" cannot read CloudWatch alarm "${this.check.alarm}": ${describeError(error)}.`;
    }
    if (!alarm) return `Input 'health-checks': CloudWatch alarm "${this.check.alarm}" does not exist in ${this.region}.`;
    if (alarm.StateValue === 'ALARM' && this.check.alreadyInAlarm === 'refuse') {
      return (
        `Input 'health-checks': CloudWatch alarm "${this.check.alarm}" is already in ALARM (since ${alarm.StateUpdatedTimestamp?.toISOString()}: ${alarm.StateReason}) before traffic moved. ` +
        'Fix what it reports, or set `already-in-alarm: ignore` to judge only an ALARM entered after the flip.'
      );
    }
    return undefined;
  }

  trafficMoved(at: number): void {
    this.flippedAt ??= at;
  }

  async sample(signal?: AbortSignal): Promise<Verdict> {
    const alarm = await this.describe(signal);
    if (!alarm) return { status: 'error', detail: `alarm ${this.check.alarm} no longer exists` };
    const since = alarm.StateUpdatedTimestamp?.toISOString() ?? 'unknown';
    switch (alarm.StateValue) {
      case 'OK':
        return { status: 'pass', value: 0, detail: `OK since ${since}` };
      case 'ALARM': {
        const old = this.check.alreadyInAlarm === 'ignore' && this.flippedAt !== undefined && (alarm.StateUpdatedTimestamp?.getTime() ?? 0) < this.flippedAt;
        if (old) return { status: 'pass', value: 1, detail: `in the ALARM it entered before the flip (${since}); ignored (already-in-alarm: ignore)` };
        return { status: 'fail', value: 1, detail: `ALARM since ${since}: ${alarm.StateReason}` };
      }
      default: {
        const policy = this.check.onNoData;
        return { status: policy === 'wait' ? 'no-data' : policy, detail: `INSUFFICIENT_DATA since ${since} (on-no-data: ${policy})` };
      }
    }
  }

  private async describe(signal?: AbortSignal): Promise<Alarm | undefined> {
    try {
      const answer = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [this.check.alarm], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), { abortSignal: signal });
      return answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
    } catch (error) {
      const noCredentials = this.credentials.describe(error, `check "${this.name}"`);
      throw noCredentials ? new Error(noCredentials) : error;
    }
  }
}

/** AccessDenied names the IAM action that is missing; other errors keep the service's words. */
export function describeError(error: unknown): string {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message ?? String(error);
  if (/AccessDenied/.test(name)) return `the credentials may not call cloudwatch:DescribeAlarms (${name}: ${message}); allow it in the role's policy`;
  return `${name && name !== 'Error' ? `${name}: ` : ''}${message}`;
}
