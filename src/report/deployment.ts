import type { Result } from '../types.js';

/** Where the run happens, from the runner's environment. */
export interface GitHubContext {
  apiUrl: string;
  serverUrl: string;
  repository: string;
  sha: string;
  runId: string;
}

type DeploymentState = 'in_progress' | 'queued' | 'success' | 'failure' | 'error';

const STATE_OF: Record<Result, DeploymentState> = {
  promoted: 'success',
  staged: 'queued',
  'rolled-back': 'failure',
  aborted: 'failure',
  failed: 'error',
  unchanged: 'success',
};

/** The GitHub API answers within seconds; a hung call must not hold up a rollback report. */
const API_TIMEOUT_MS = 15_000;
/** Once cancelled, the runner kills the step 7.5 s after its first signal. */
const CANCELLED_TIMEOUT_MS = 3000;

/** A GitHub deployment record for `environment`: created when the release starts, updated at the end. */
export class DeploymentRecord {
  private id?: number;

  constructor(
    private readonly context: GitHubContext,
    private readonly token: string,
    private readonly environment: string,
    private readonly environmentUrl: string,
  ) {}

  get deploymentId(): string | undefined {
    return this.id === undefined ? undefined : String(this.id);
  }

  async start(description: string, payload: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const created = await this.call(`/repos/${this.context.repository}/deployments`, signal, {
      ref: this.context.sha,
      environment: this.environment,
      description,
      auto_merge: false,
      required_contexts: [],
      payload,
    });
    this.id = Number(created.id);
    await this.status('in_progress', description, signal);
  }

  /** After a cancel the record is still finished, but within a short time: the runner is waiting. */
  async finish(result: Result, description: string, cancelled = false): Promise<void> {
    if (this.id === undefined) return;
    await this.status(STATE_OF[result], description, AbortSignal.timeout(cancelled ? CANCELLED_TIMEOUT_MS : API_TIMEOUT_MS));
  }

  private async status(state: DeploymentState, description: string, signal?: AbortSignal): Promise<void> {
    await this.call(`/repos/${this.context.repository}/deployments/${this.id}/statuses`, signal, {
      state,
      // The API refuses descriptions over 140 characters.
      description: description.slice(0, 140),
      environment_url: this.environmentUrl || undefined,
      log_url: `${this.context.serverUrl}/${this.context.repository}/actions/runs/${this.context.runId}`,
      auto_inactive: state === 'success',
    });
  }

  private async call(path: string, signal: AbortSignal | undefined, body: unknown): Promise<Record<string, unknown>> {
    const timeout = AbortSignal.timeout(API_TIMEOUT_MS);
    const response = await fetch(`${this.context.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'blue-green-action',
      },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`GitHub API ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}
