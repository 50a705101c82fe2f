/**
 * The Route 53 API through `@aws-sdk/client-route-53`: credentials from the SDK's default chain, the
 * endpoint from AWS_ENDPOINT_URL when set, and the SDK's standard retry strategy (throttling,
 * PriorRequestNotComplete, 5xx) — no second retry layer. Ours: the run's AbortSignal on every call, a
 * count of calls for the summary, errors said in IAM's terms, and "not found" as a value.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
  type ChangeInfo,
  type HealthCheckObservation,
  type HostedZone,
  type ResourceRecordSet,
  type Route53ClientConfig,
} from '@aws-sdk/client-route-53';
import { CredentialsNotice, describeAwsCall, sendWithin } from '../../infra/aws-credentials.js';

/** Attempts per call, first included, as for ELBv2: a few seconds of throttling are ridden out. */
export const MAX_ATTEMPTS = 5;

/**
 * A change batch that moves traffic (or renews the lock) is given up after half the lock's 10 s
 * margin, retries included: one stuck on the way must not land after another run may hold the lock.
 */
export const WRITE_TIMEOUT_MS = 5_000;

export function newClient(region: string, requestHandler?: Route53ClientConfig['requestHandler']): Route53Client {
  return new Route53Client({
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    // A hung connection must not outlive a cancel's "about a second"; the signal ends it sooner.
    requestHandler: requestHandler ?? { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** A refused call in the user's terms; `code` is the API's (`InvalidChangeBatch`, `NoSuchHostedZone`). */
export class Route53Error extends Error {
  override name = 'Route53Error';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}


/** The error in the user's terms; AccessDenied names the IAM action to grant. */
export function describeRoute53Error(error: unknown, operation: string, resource: string): Error {
  return describeAwsCall(error, operation, resource, { prefix: 'route53', policy: 'aws/route53-policy.json' }, (message, code) => new Route53Error(message, code));
}

/** The calls the router and its lock make, each counted and each error named. */
export class Zone {
  /** Every call made, by operation name, in order (retries of one call count once). */
  readonly calls: string[] = [];
  private readonly credentials = new CredentialsNotice('Route 53');
  readonly resource: string;

  constructor(
    private readonly client: Route53Client,
    readonly id: string,
  ) {
    this.resource = `hosted zone ${id}`;
    client.middlewareStack.add(
      (next, context) => (args) => {
        this.calls.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'blueGreenCallCount' },
    );
  }

  private send<T>(operation: string, command: object, signal?: AbortSignal, limitMs?: number): Promise<T> {
    return sendWithin((abortSignal) => this.client.send(command as never, { abortSignal }) as Promise<T>, signal, limitMs, (error, timedOut) => {
      if (timedOut) return new Route53Error(`${operation} on ${this.resource} did not answer within ${limitMs! / 1000} s, so the change was given up (it must not land after another run may hold the lock)`, 'WriteTimedOut');
      const noCredentials = this.credentials.describe(error);
      if (noCredentials) return new Route53Error(noCredentials, 'NoCredentials');
      return describeRoute53Error(error, operation, this.resource);
    });
  }

  /** The zone, or undefined when there is none with this id. */
  async hostedZone(signal?: AbortSignal): Promise<HostedZone | undefined> {
    try {
      return (await this.send<{ HostedZone?: HostedZone }>('GetHostedZone', new GetHostedZoneCommand({ Id: this.id }), signal)).HostedZone;
    } catch (error) {
      if (error instanceof Route53Error && error.code === 'NoSuchHostedZone') return undefined;
      throw error;
    }
  }

  /** Every record set of this name and type (each weighted one, told apart by SetIdentifier). */
  async records(name: string, type: string, signal?: AbortSignal): Promise<ResourceRecordSet[]> {
    const found: ResourceRecordSet[] = [];
    let start: { name?: string; type?: string; id?: string } = { name, type };
    const same = (n?: string, t?: string) => sameName(n ?? '', name) && t === type;
    do {
      const out = await this.send<{ ResourceRecordSets?: ResourceRecordSet[]; IsTruncated?: boolean; NextRecordName?: string; NextRecordType?: string; NextRecordIdentifier?: string }>(
        'ListResourceRecordSets',
        new ListResourceRecordSetsCommand({ HostedZoneId: this.id, StartRecordName: start.name, StartRecordType: start.type as never, StartRecordIdentifier: start.id, MaxItems: 100 }),
        signal,
      );
      const sets = out.ResourceRecordSets ?? [];
      found.push(...sets.filter((set) => same(set.Name, set.Type)));
      // Listed in order from the start: once another name or type shows, there are no more of ours.
      if (!out.IsTruncated || !same(out.NextRecordName, out.NextRecordType) || sets.some((set) => !same(set.Name, set.Type))) break;
      start = { name: out.NextRecordName, type: out.NextRecordType, id: out.NextRecordIdentifier };
    } while (start.name);
    return found;
  }

  /** One atomic change batch; refused whole (InvalidChangeBatch) when a DELETE does not match. */
  async change(changes: Change[], comment: string, signal?: AbortSignal): Promise<ChangeInfo> {
    const out = await this.send<{ ChangeInfo?: ChangeInfo }>(
      'ChangeResourceRecordSets',
      new ChangeResourceRecordSetsCommand({ HostedZoneId: this.id, ChangeBatch: { Comment: comment, Changes: changes } }),
      signal,
      WRITE_TIMEOUT_MS,
    );
    if (!out.ChangeInfo?.Id) throw new Route53Error(`ChangeResourceRecordSets on ${this.resource} answered without a change id`, 'NoChangeId');
    return out.ChangeInfo;
  }

  /** What each Route 53 checker last saw of a health check. */
  async healthCheckStatus(id: string, signal?: AbortSignal): Promise<HealthCheckObservation[]> {
    return (await this.send<{ HealthCheckObservations?: HealthCheckObservation[] }>('GetHealthCheckStatus', new GetHealthCheckStatusCommand({ HealthCheckId: id }), signal)).HealthCheckObservations ?? [];
  }

  async changeStatus(id: string, signal?: AbortSignal): Promise<string> {
    return (await this.send<{ ChangeInfo?: ChangeInfo }>('GetChange', new GetChangeCommand({ Id: id }), signal)).ChangeInfo?.Status ?? 'PENDING';
  }
}

/** DNS names compare without case and without the final dot; Route 53 writes `*` as `\052`. */
export function sameName(a: string, b: string): boolean {
  const norm = (n: string) => n.toLowerCase().replace(/\\052/g, '*').replace(/\.$/, '');
  return norm(a) === norm(b);
}
