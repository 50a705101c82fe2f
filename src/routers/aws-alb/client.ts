/**
 * The ELBv2 API through `@aws-sdk/client-elastic-load-balancing-v2`: credentials from the SDK's
 * default chain (environment, OIDC web identity, profiles, instance roles), the endpoint from
 * AWS_ENDPOINT_URL when set, and the SDK's own standard retry strategy (throttling, 5xx and network
 * errors, with backoff and a retry quota) — no second retry layer around it. Ours: the run's
 * AbortSignal on every call, a count of calls for the summary, and errors said in IAM's terms (missing
 * credentials said once, with what to do).
 */
import {
  AddTagsCommand,
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type ElasticLoadBalancingV2ClientConfig,
  type Listener,
  type Rule,
  type RuleCondition,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CredentialsNotice, describeAwsCall, sendWithin } from '../../infra/aws-credentials.js';

/**
 * Attempts per call, first included. The standard strategy waits a jittered 0.1·2ⁿ s (0.5·2ⁿ s when
 * throttled), so 5 attempts ride out a few seconds of throttling or a 5xx burst without stalling a
 * rollback for long.
 */
export const MAX_ATTEMPTS = 5;

/** Everything a client needs beyond the SDK defaults; `requestHandler` is for tests of the retry path. */
export interface ClientOptions {
  region: string;
  requestHandler?: ElasticLoadBalancingV2ClientConfig['requestHandler'];
}

export function newClient(options: ClientOptions): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    // A hung connection must not outlive a cancel's "about a second"; the signal ends it sooner.
    requestHandler: options.requestHandler ?? { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** Tag values allow letters, digits, spaces and `_.:/=+-@`; anything else is written as `=XX` (UTF-8 hex). */
export function toTagValue(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => (/[\w .:/+\-@]/.test(String.fromCharCode(byte)) && byte < 128 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

export function fromTagValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '=' && /^[0-9A-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(value[i]));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}


/**
 * A refused call, said in the user's terms; `code` is the API's error code (e.g. `ListenerNotFound`),
 * or `NoCredentials` when the SDK found no credentials to sign it with.
 */
export class AwsCallError extends Error {
  override name = 'AwsCallError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The error in the user's terms; AccessDenied names the IAM action to grant. */
export function describeAwsError(error: unknown, operation: string, resource: string): Error {
  return describeAwsCall(error, operation, resource, { prefix: 'elasticloadbalancing', policy: 'aws/iam-policy.json' }, (message, code) => new AwsCallError(message, code));
}

/** The ELBv2 calls the router makes, each one counted and each error named. "Not found" is a value. */
export class Elb {
  /** Every call made, by operation name, in order (retries of one call count once). */
  readonly calls: string[] = [];
  private readonly credentials = new CredentialsNotice('ELBv2');

  constructor(private readonly client: ElasticLoadBalancingV2Client) {
    client.middlewareStack.add(
      (next, context) => (args) => {
        this.calls.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'blueGreenCallCount' },
    );
  }

  private send<T>(operation: string, resource: string, command: object, signal?: AbortSignal): Promise<T> {
    // Each command class is its own type; the client's send takes any of them.
    // Writes are bounded by the router (`fenced`), which knows the lock's margin.
    return sendWithin((abortSignal) => this.client.send(command as never, { abortSignal }) as Promise<T>, signal, undefined, (error) => {
      const noCredentials = this.credentials.describe(error);
      if (noCredentials) return new AwsCallError(noCredentials, 'NoCredentials');
      return describeAwsError(error, operation, resource);
    });
  }

  private async orUndefined<T>(request: Promise<T>): Promise<T | undefined> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof AwsCallError && error.code.endsWith('NotFound')) return undefined;
      throw error;
    }
  }

  async listener(arn: string, signal?: AbortSignal): Promise<Listener | undefined> {
    const out = await this.orUndefined(this.send<{ Listeners?: Listener[] }>('DescribeListeners', arn, new DescribeListenersCommand({ ListenerArns: [arn] }), signal));
    return out?.Listeners?.[0];
  }

  async rule(arn: string, signal?: AbortSignal): Promise<Rule | undefined> {
    const out = await this.orUndefined(this.send<{ Rules?: Rule[] }>('DescribeRules', arn, new DescribeRulesCommand({ RuleArns: [arn] }), signal));
    return out?.Rules?.[0];
  }

  async rules(listenerArn: string, signal?: AbortSignal): Promise<Rule[]> {
    const rules: Rule[] = [];
    let marker: string | undefined;
    do {
      const out = await this.send<{ Rules?: Rule[]; NextMarker?: string }>('DescribeRules', listenerArn, new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }), signal);
      rules.push(...(out.Rules ?? []));
      marker = out.NextMarker;
    } while (marker);
    return rules;
  }

  async targetGroup(arn: string, signal?: AbortSignal): Promise<TargetGroup | undefined> {
    const out = await this.orUndefined(this.send<{ TargetGroups?: TargetGroup[] }>('DescribeTargetGroups', arn, new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), signal));
    return out?.TargetGroups?.[0];
  }

  async targetHealth(arn: string, signal?: AbortSignal): Promise<TargetHealthDescription[]> {
    const out = await this.send<{ TargetHealthDescriptions?: TargetHealthDescription[] }>('DescribeTargetHealth', arn, new DescribeTargetHealthCommand({ TargetGroupArn: arn }), signal);
    return out.TargetHealthDescriptions ?? [];
  }

  async attributes(arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const out = await this.send<{ Attributes?: { Key?: string; Value?: string }[] }>('DescribeTargetGroupAttributes', arn, new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }), signal);
    return Object.fromEntries((out.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? '']));
  }

  async tags(arn: string, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
    const out = await this.orUndefined(this.send<{ TagDescriptions?: { Tags?: { Key?: string; Value?: string }[] }[] }>('DescribeTags', arn, new DescribeTagsCommand({ ResourceArns: [arn] }), signal));
    if (!out) return undefined;
    return Object.fromEntries((out.TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async addTags(arn: string, tags: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.send('AddTags', arn, new AddTagsCommand({ ResourceArns: [arn], Tags }), signal);
  }

  async modifyListener(arn: string, actions: Action[], signal?: AbortSignal): Promise<Action[]> {
    const out = await this.send<{ Listeners?: Listener[] }>('ModifyListener', arn, new ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions }), signal);
    return out.Listeners?.[0]?.DefaultActions ?? [];
  }

  async modifyRule(arn: string, actions: Action[], signal?: AbortSignal): Promise<Action[]> {
    const out = await this.send<{ Rules?: Rule[] }>('ModifyRule', arn, new ModifyRuleCommand({ RuleArn: arn, Actions: actions }), signal);
    return out.Rules?.[0]?.Actions ?? [];
  }

  /** Creates a rule; undefined when its priority is taken (PriorityInUse), the lock's atomic test. */
  async createRule(listenerArn: string, priority: number, conditions: RuleCondition[], actions: Action[], tags: Record<string, string>, signal?: AbortSignal): Promise<Rule | undefined> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      const out = await this.send<{ Rules?: Rule[] }>('CreateRule', listenerArn, new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: conditions, Actions: actions, Tags }), signal);
      return out.Rules?.[0];
    } catch (error) {
      if (error instanceof AwsCallError && error.code === 'PriorityInUse') return undefined;
      throw error;
    }
  }

  /** Deletes one rule by ARN; a rule already gone is fine. */
  async deleteRule(arn: string, signal?: AbortSignal): Promise<void> {
    await this.orUndefined(this.send('DeleteRule', arn, new DeleteRuleCommand({ RuleArn: arn }), signal));
  }
}
