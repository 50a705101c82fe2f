// GitHub's deployments REST API through Octokit from @actions/github, as the design asks for every GitHub
// call: it takes the API address from the runner (GITHUB_API_URL, so GitHub Enterprise Server works
// unchanged) and the runner's proxy settings, and Octokit's retry and throttling plugins ride out 5xx
// answers and rate limits the way GitHub asks clients to. Imported lazily: runs without `environment`
// never load it.
import type { Log } from '../infra/log.js';

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, string>;
}

export interface NewStatus {
  state: DeploymentState;
  description: string;
  environmentUrl?: string;
  logUrl: string;
}

/** The four deployment calls the record makes, each stoppable by a signal. */
export interface DeploymentsApi {
  create(deployment: NewDeployment, signal: AbortSignal): Promise<number>;
  setStatus(id: number, status: NewStatus, signal: AbortSignal): Promise<void>;
  /** Ids of the environment's most recent deployments, newest first. */
  recent(environment: string, signal: AbortSignal): Promise<number[]>;
  /** The state of a deployment's newest status, if it has one. */
  latestState(id: number, signal: AbortSignal): Promise<string | undefined>;
}

/**
 * Retries of 5xx answers: two, after 1 s and 4 s. Few, because the record is a courtesy and must not
 * hold up a rollback report; the longest wait stays under the 7.5 s the runner allows after a cancel.
 */
const RETRY = { retries: 2, retryAfterBaseValue: 1000 };
/** Rate limits: retried only when GitHub asks for a short wait; a longer one is not worth the release's time. */
const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RATE_LIMIT_WAIT_S = 10;
/** Deployments checked for the one that was serving: a promotion always follows it closely. */
const RECENT = 10;
/** The GitHub API answers within seconds; a hung call (retries included) must not hold up a rollback report. */
const CALL_TIMEOUT_MS = 15_000;

/** `owner/name` as GITHUB_REPOSITORY gives it. */
export async function octokitDeployments(repository: string, token: string, log: Log): Promise<DeploymentsApi> {
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY is "${repository}"; expected owner/name`);
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
    log.info(`GitHub ${kind} on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter}s` : `asked to wait ${retryAfter}s; giving up`}.`);
    return again;
  };
  const octokit = getOctokit(
    token,
    {
      retry: RETRY,
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      // Octokit's own messages (deprecations, plugin trouble) go through the run's redacting log.
      log: { debug: () => {}, info: () => {}, warn: (m: string) => log.info(`GitHub API: ${m}`), error: (m: string) => log.info(`GitHub API: ${m}`) },
    },
    retry,
    throttling,
  );
  const repos = octokit.rest.repos;
  return {
    create: (deployment, signal) => bounded(signal, async (request) => {
      const { data } = await repos.createDeployment({
        owner,
        repo,
        ...deployment,
        // The release happens in this workflow: commit status checks and merging the default branch into
        // `ref` belong to deployments that a separate system picks up, and would refuse or alter this one.
        required_contexts: [],
        auto_merge: false,
        request,
      });
      if (!('id' in data)) throw new Error(`GitHub created no deployment: ${data.message ?? 'no reason given'}`);
      return data.id;
    }),
    setStatus: (id, status, signal) => bounded(signal, async (request) => {
      await repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: status.state,
        // The API refuses descriptions over 140 characters.
        description: status.description.slice(0, 140),
        environment_url: status.environmentUrl || undefined,
        log_url: status.logUrl,
        // The previous deployment is made inactive explicitly, and only when it stopped serving (see deployment.ts).
        auto_inactive: false,
        request,
      });
    }),
    recent: (environment, signal) => bounded(signal, async (request) => {
      const { data } = await repos.listDeployments({ owner, repo, environment, per_page: RECENT, request });
      return data.map((deployment) => deployment.id);
    }),
    latestState: (id, signal) => bounded(signal, async (request) => {
      const { data } = await repos.listDeploymentStatuses({ owner, repo, deployment_id: id, per_page: 1, request });
      return data[0]?.state;
    }),
  };
}

/**
 * One call, with its retries, stopped by the run's signal or after CALL_TIMEOUT_MS. Octokit is given a
 * signal of its own that aborts with a plain AbortError: Octokit passes that through unretried, where
 * any other abort reason (the run's "received SIGTERM") would be taken for a network failure and
 * retried. The race stops our wait at once even while a retry is only scheduled.
 */
async function bounded<T>(signal: AbortSignal, call: (request: { signal: AbortSignal }) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let why = '';
  const stop = (reason: string) => {
    why ||= reason;
    controller.abort();
  };
  const onAbort = () => stop(`stopped: ${signal.reason instanceof Error ? signal.reason.message : 'cancelled'}`);
  const timer = setTimeout(() => stop(`no answer within ${CALL_TIMEOUT_MS / 1000}s`), CALL_TIMEOUT_MS);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    if (controller.signal.aborted) throw new Error(why);
    const stopped = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(new Error(why)), { once: true });
    });
    return await Promise.race([call({ signal: controller.signal }), stopped]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * What failed, for a warning: the call, GitHub's answer, and for a 403 the permission the job's token
 * needs. Octokit's errors never carry the token in their message.
 */
export function describeApiError(what: string, error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status !== 'number') return `${what}: ${message}`;
  const hint =
    status === 403 && !/rate limit/i.test(message)
      ? '. The token cannot write deployments: give the job `permissions: deployments: write` (or pass a github-token that may)'
      : '';
  return `${what}: GitHub answered ${status}: ${message}${hint}`;
}
