/**
 * The GitHub deployment record of a release, as a courtesy: failing to write it never fails a release,
 * and a cancel still stops it. A deployment once created is finished whatever happened after.
 */
import { errorMessage, type Log } from '../infra/log.js';
import type { Plan } from '../phases/discover.js';
import type { RunReport } from '../report/model.js';
import type { Settings } from '../settings.js';
import { octokitDeployments } from './api.js';
import { DeploymentRecord, type GitHubContext } from './deployment.js';

/** Creates the record for this plan and marks it in progress; undefined when none is asked for or possible. */
export async function startRecord(settings: Settings, plan: Plan, log: Log, signal: AbortSignal): Promise<DeploymentRecord | undefined> {
  const { github, mode, dryRun, version } = settings;
  if (!github.environment || dryRun || mode === 'status') return undefined;
  if (!github.token) {
    log.warning('environment is set but github-token is empty, so no deployment record is written.', 'Deployment record');
    return undefined;
  }
  const context = githubContext();
  const { environment, environmentUrl } = github;
  let record: DeploymentRecord;
  try {
    const api = await octokitDeployments(context.repository, github.token, log);
    record = new DeploymentRecord(api, context, { environment, environmentUrl, mode, version, target: plan.target, active: plan.active });
  } catch (error) {
    log.warning(`No GitHub deployment for ${environment}: ${errorMessage(error)}`, 'Deployment record');
    return undefined;
  }
  try {
    await record.start(signal);
    log.info(`GitHub deployment ${record.deploymentId} of ${environment} is in progress.`);
  } catch (error) {
    if (signal.aborted) throw error;
    log.warning(`${errorMessage(error)}. The release goes on.`, 'Deployment record');
  }
  return record;
}

/** Gives the record its final status from the report, and the report its deployment id. */
export async function finishRecord(record: DeploymentRecord, report: RunReport, version: string, log: Log, signal: AbortSignal): Promise<void> {
  if (!record.deploymentId) return;
  report.deploymentId = record.deploymentId;
  const description = report.reason || `${report.result}: ${report.target} (${version})`;
  await record.finish(report.result, description, signal).catch((error) => {
    log.warning(`${errorMessage(error)}. The release itself is not affected.`, 'Deployment record');
  });
}

/** The API address (GITHUB_API_URL) is not here: @actions/github reads it itself. */
export function githubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  return {
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    repository: env.GITHUB_REPOSITORY || '',
    sha: env.GITHUB_SHA || '',
    runId: env.GITHUB_RUN_ID || '',
    runAttempt: env.GITHUB_RUN_ATTEMPT || '',
  };
}
