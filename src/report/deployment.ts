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

  async start(description: string, payload: Record<string, string>): Promise<void> {
    const created = await this.call(`/repos/${this.context.repository}/deployments`, {
      ref: this.context.sha,
      environment: this.environment,
      description,
      auto_merge: false,
      required_contexts: [],
      payload,
    });
    this.id = Number(created.id);
    await this.status('in_progress', description);
  }

  async finish(result: Result, description: string): Promise<void> {
    if (this.id === undefined) return;
    await this.status(STATE_OF[result], description);
  }

  private async status(state: DeploymentState, description: string): Promise<void> {
    await this.call(`/repos/${this.context.repository}/deployments/${this.id}/statuses`, {
      state,
      // The API refuses descriptions over 140 characters.
      description: description.slice(0, 140),
      environment_url: this.environmentUrl || undefined,
      log_url: `${this.context.serverUrl}/${this.context.repository}/actions/runs/${this.context.runId}`,
      auto_inactive: state === 'success',
    });
  }

  private async call(path: string, body: unknown): Promise<Record<string, unknown>> {
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
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`GitHub API ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}
