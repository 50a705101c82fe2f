// The GitHub deployment record of a release, for the repository's Deployments and Environments pages:
// created `in_progress` once the plan is known, finished with the verdict, and the deployment that
// stopped serving made `inactive` when ours starts serving. The calls go through Octokit (github-api.ts).
//
// Beside a job's own `environment:`: GitHub itself creates a deployment for every job that declares
// `environment:`, and tells the job nothing of it (no variable holds its id), so this record cannot
// adopt it. Set this action's `environment` input only where the job does not declare the same
// environment, or declare it with `deployment: false` (the job keeps the environment's secrets and
// variables, GitHub records no deployment), or use a distinct name; otherwise the environment shows two
// deployments per release.
//
// States, by result:
// - promoted (and `mode: rollback` done): `success`; then the previous deployment of the environment
//   whose newest status is `success` becomes `inactive`. GitHub's `auto_inactive` is set to false and
//   the previous one is marked explicitly: GitHub marks only deployments of non-production environments
//   by itself, and a call of our own is deterministic and touches exactly the one that stopped serving.
// - staged: `queued`. The version waits on the idle color for a promotion; `success` would show it as
//   the environment's live deployment while the other color still serves.
// - rolled-back, aborted: `failure` (the release was refused; traffic is back on, or never left, the
//   previous color). failed, or cancelled before a verdict: `error` (the run could not finish).
import type { Color, Mode, Result } from '../types.js';
import { describeApiError, type DeploymentsApi, type DeploymentState } from './api.js';

/** Where the run happens, from the runner's environment. */
export interface GitHubContext {
  serverUrl: string;
  repository: string;
  sha: string;
  runId: string;
  runAttempt: string;
}

export interface DeploymentPlan {
  environment: string;
  environmentUrl: string;
  mode: Mode;
  version: string;
  /** The color this run deploys to or sends traffic to, and the one serving before. */
  target?: Color;
  active?: Color;
}

/** Once cancelled, the runner kills the step 7.5 s after its first signal: finish within a few seconds. */
const CANCELLED_TIMEOUT_MS = 3000;

/** The status for a finished run, and whether ours now serves in place of the previous deployment. */
export function finalState(mode: Mode, result: Result, cancelled: boolean): { state: DeploymentState; serving: boolean } {
  if (result === 'promoted' || (mode === 'rollback' && result === 'rolled-back')) return { state: 'success', serving: true };
  if (cancelled || result === 'failed') return { state: 'error', serving: false };
  if (result === 'staged') return { state: 'queued', serving: false };
  // `unchanged` never gets a record (status and dry runs write none); if it did, ours would not be serving.
  if (result === 'unchanged') return { state: 'inactive', serving: false };
  return { state: 'failure', serving: false };
}

/** The run's log: this attempt's, so a re-run's deployment does not link to the first attempt. */
export function logUrl(context: GitHubContext): string {
  const run = `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
  return context.runAttempt ? `${run}/attempts/${context.runAttempt}` : run;
}

/** One deployment of `environment`: `start` creates it, `finish` sets its final state. */
export class DeploymentRecord {
  private id?: number;

  constructor(
    private readonly api: DeploymentsApi,
    private readonly context: GitHubContext,
    private readonly plan: DeploymentPlan,
  ) {}

  get deploymentId(): string | undefined {
    return this.id === undefined ? undefined : String(this.id);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { environment, mode, version, target, active } = this.plan;
    const description = `${mode} ${version}${target ? ` to ${target}` : ''}`;
    const payload: Record<string, string> = { version, mode, ...(target && { color: target }), ...(active && { previous: active }) };
    this.id = await this.call(`create a GitHub deployment for ${environment}`, () =>
      this.api.create({ ref: this.context.sha, environment, description, payload }, signal),
    );
    await this.status('in_progress', description, signal);
  }

  /**
   * After a cancel the record is still finished, on a short deadline of its own (the run's signal has
   * fired already); otherwise the run's signal stops it.
   */
  async finish(result: Result, description: string, signal: AbortSignal): Promise<void> {
    if (this.id === undefined) return;
    const cancelled = signal.aborted;
    const deadline = cancelled ? AbortSignal.timeout(CANCELLED_TIMEOUT_MS) : signal;
    const { state, serving } = finalState(this.plan.mode, result, cancelled);
    await this.status(state, description, deadline);
    if (serving) await this.retirePrevious(deadline);
  }

  /** The deployment that served before ours: the newest other one whose newest status is `success`. */
  private async retirePrevious(signal: AbortSignal): Promise<void> {
    const { environment } = this.plan;
    const recent = await this.call(`list the deployments of ${environment}`, () => this.api.recent(environment, signal));
    for (const id of recent) {
      if (id === this.id) continue;
      const state = await this.call(`read the statuses of deployment ${id}`, () => this.api.latestState(id, signal));
      if (state !== 'success') continue;
      const description = `replaced by deployment ${this.id} (${this.plan.version})`;
      await this.call(`mark deployment ${id} inactive`, () =>
        this.api.setStatus(id, { state: 'inactive', description, logUrl: logUrl(this.context) }, signal),
      );
      return;
    }
  }

  private async status(state: DeploymentState, description: string, signal: AbortSignal): Promise<void> {
    const { environmentUrl } = this.plan;
    await this.call(`set deployment ${this.id} to ${state}`, () =>
      this.api.setStatus(this.id!, { state, description, environmentUrl, logUrl: logUrl(this.context) }, signal),
    );
  }

  /** Errors name the call that failed, GitHub's answer, and the permission a 403 asks for. */
  private async call<T>(what: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw new Error(describeApiError(`Could not ${what}`, error), { cause: error });
    }
  }
}
