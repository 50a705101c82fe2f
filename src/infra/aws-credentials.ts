/**
 * "No AWS credentials", said once and in the user's terms. The SDK's own words ("Could not load
 * credentials from any providers") name neither what it looked at nor what to do; and every later call
 * of the same client fails the same way (a run reads the router again for its verdict), so a client
 * says it in full once and briefly after that. No SDK import: the AWS plug-ins load lazily.
 */

/** The variables the SDK's default chain reads credentials from; only their names are ever printed. */
const CHAIN_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

/**
 * The SDK's error when its default chain found no credentials. Told by name: the class lives in
 * @smithy/core, and each SDK client may bundle its own copy, so `instanceof` would miss one of them.
 */
export function isMissingCredentials(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'CredentialsProviderError';
}

/** The full message: what the chain looked at, which of its variables this step has, and what to do. */
export function missingCredentialsMessage(api: string, sdkMessage: string): string {
  const set = CHAIN_VARIABLES.filter((name) => process.env[name]);
  return (
    `No AWS credentials: the AWS SDK found none for the ${api} API (${sdkMessage}). ` +
    'Give the job credentials before this step: in the workflow, aws-actions/configure-aws-credentials with OIDC ' +
    '(`role-to-assume: <role ARN>` and `permissions: id-token: write`), or the variables the SDK reads: ' +
    'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary keys), AWS_PROFILE, ' +
    'or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (web identity). ' +
    `Set in this step: ${set.length ? set.join(', ') : 'none of them'}. ` +
    "The role needs the permissions in aws/iam-policy.json (in the action's repository)"
  );
}

/**
 * One per SDK client: the first missing-credentials error is said in full, the later ones briefly.
 * Calls made together (one per check) fail in no fixed order, so a brief one names `who` got the full.
 */
export class CredentialsNotice {
  private said = false;
  private saidFor?: string;

  constructor(private readonly api: string) {}

  /** The message for `error` met by `who` (e.g. a check), or undefined when it is not a missing-credentials error. */
  describe(error: unknown, who?: string): string | undefined {
    if (!isMissingCredentials(error)) return undefined;
    if (this.said) return this.saidFor ? `no AWS credentials for the ${this.api} API (what to do is said for ${this.saidFor})` : `still no AWS credentials for the ${this.api} API`;
    this.said = true;
    this.saidFor = who;
    return missingCredentialsMessage(this.api, (error as Error).message);
  }
}

/**
 * One SDK call with the run's signal, given up after `limitMs` when set (a write that must not land
 * late). A cancel rethrows the signal's reason; any other failure goes to `describe`, told whether the
 * limit ended it.
 */
export async function sendWithin<T>(send: (signal?: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, limitMs: number | undefined, describe: (error: unknown, timedOut: boolean) => Error): Promise<T> {
  signal?.throwIfAborted();
  const limit = limitMs ? AbortSignal.timeout(limitMs) : undefined;
  const bounded = limit ? (signal ? AbortSignal.any([signal, limit]) : limit) : signal;
  try {
    return await send(bounded);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw describe(error, limit?.aborted ?? false);
  }
}

/** What an AWS router calls its service in IAM, and where its shipped policy is. */
export interface IamNames {
  /** The IAM action prefix, e.g. `elasticloadbalancing` or `route53`. */
  prefix: string;
  /** The shipped least-privilege policy, e.g. `aws/iam-policy.json`. */
  policy: string;
}

/**
 * An SDK error in the user's terms: AccessDenied names the IAM action to grant and the shipped policy;
 * any other service error says the operation, the resource and the code. Errors that are not the
 * service's (an abort, a network fault) pass through.
 */
export function describeAwsCall<E extends Error>(error: unknown, operation: string, resource: string, iam: IamNames, make: (message: string, code: string) => E): Error {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'AbortError' || !e?.name || !e.$metadata) return error instanceof Error ? error : new Error(String(error));
  // The SDK names modelled errors with an "Exception" suffix (PriorityInUseException); the API's code has none.
  const code = e.name.replace(/Exception$/, '');
  if (/AccessDenied|UnauthorizedOperation/.test(code) || e.$metadata.httpStatusCode === 403) {
    return make(
      `the credentials may not call ${iam.prefix}:${operation} on ${resource} (${e.name}): add "${iam.prefix}:${operation}" to the policy the action runs with (${iam.policy} in the action's repository lists every action it needs)`,
      code,
    );
  }
  return make(`${operation} on ${resource} failed: ${code}: ${e.message ?? 'no message'}`, code);
}
