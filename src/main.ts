import * as core from '@actions/core';
import { coreLog, coreState, githubContext, lockOwner, readInput, secretSink } from './adapters.js';
import { createDeployer } from './deployers/index.js';
import { createHealthSources } from './health/index.js';
import { systemClock } from './infra/clock.js';
import { Fence } from './infra/fence.js';
import { errorMessage, inert, redactor, type Log } from './infra/log.js';
import { DeploymentRecord } from './report/deployment.js';
import { octokitDeployments } from './report/github-api.js';
import { newReport, type RunReport } from './report/model.js';
import { failsStep } from './report/outputs.js';
import { publish } from './report/publish.js';
import type { Plan } from './phases/discover.js';
import { createRouter } from './routers/index.js';
import { STATE } from './post-decision.js';
import { run as runRelease } from './run.js';
import { secretsOf } from './secrets.js';
import { readSettings, SettingsError, type Settings } from './settings.js';

/**
 * The main step: settings, then the run, then the report. Only this file (and the post step) sets the
 * step's failure. Exported as `run()` and called by `index.ts`, the layout the toolkit's local runner
 * (`@github/local-action`) expects.
 */
export async function run(): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(`Unexpected error: ${errorMessage(error)}`);
  }
}

async function main(): Promise<void> {
  // Listen first: a cancel that arrives while inputs are read still stops the run before it starts.
  const cancel = new AbortController();
  const received: string[] = [];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      received.push(signal);
      cancel.abort(new Error(`received ${signal}`));
    });
  }
  // Secrets are read from the raw inputs and masked before anything can print, valid or not.
  const secrets = secretsOf(readInput);
  for (const secret of secrets) core.setSecret(secret);
  const redact = redactor(secrets);
  let settings: Settings;
  try {
    settings = readSettings(readInput);
  } catch (error) {
    return invalidInputs(error, redact);
  }
  const log = coreLog(redact);
  for (const warning of settings.warnings) log.warning(warning, 'Input');
  const warnCancel = () => log.warning(`Received ${received.join(' then ')}: stopping, and putting traffic back if it moved.`, 'Cancelled');
  if (cancel.signal.aborted) warnCancel();
  else cancel.signal.addEventListener('abort', warnCancel, { once: true });
  const fence = new Fence();
  const report = await release(settings, log, cancel.signal, fence, secretSink(secrets)).catch((error) =>
    abortedReport(settings, `Could not start: ${errorMessage(error)}. Nothing was touched.`, 'not read'),
  );
  // The lock is held until the outputs and summary say what the router showed at the end: nobody can
  // move traffic between the verdict and the end of the step.
  try {
    await publish(report, redact);
  } finally {
    await fence.release();
  }
  if (failsStep(report)) {
    // One titled annotation (setFailed would add a second, untitled one).
    core.error(inert(redact(report.reason)), { title: inert(redact(`Blue-green release ${report.result}; router shows ${report.routerShows}`)) });
    process.exitCode = 1;
  }
}

async function release(settings: Settings, log: Log, signal: AbortSignal, fence: Fence, onSecret: (value: string) => void): Promise<RunReport> {
  const clock = systemClock;
  const owner = lockOwner(settings.jobIndex);
  // Saved before any lock is taken, so this step's post step knows the lock as its own.
  coreState.save(STATE.owner, owner.job);
  const router = await createRouter(settings, { clock, log, owner, fence, onSecret });
  const deployer = await createDeployer(settings, { clock, log, owner, fence, onSecret });
  let record: DeploymentRecord | undefined;
  const report = await runRelease(settings, {
    router,
    deployer,
    healthSources: (vars) => createHealthSources(settings.health.checks, { clock, timeoutMs: settings.smoke.timeoutMs, vars: { color: vars.color, previous: vars.previous, version: vars.version } }),
    clock,
    log,
    state: coreState,
    signal,
    fence,
    job: owner.job,
    onPlan: async (plan) => {
      record = await deploymentRecord(settings, plan, log);
      if (record) await startDeployment(record, settings, log, signal);
    },
  });
  if (record) await finishDeployment(record, report, settings, log, signal);
  return report;
}

/**
 * A GitHub deployment record is a courtesy: failing to write it never fails a release, and a cancel
 * still stops it. A deployment once created is finished whatever happened after.
 */
async function deploymentRecord(settings: Settings, plan: Plan, log: Log): Promise<DeploymentRecord | undefined> {
  const { github, mode, dryRun, version } = settings;
  if (!github.environment || dryRun || mode === 'status') return undefined;
  if (!github.token) {
    log.warning('environment is set but github-token is empty, so no deployment record is written.', 'Deployment record');
    return undefined;
  }
  const context = githubContext();
  const { environment, environmentUrl } = github;
  try {
    const api = await octokitDeployments(context.repository, github.token, log);
    return new DeploymentRecord(api, context, { environment, environmentUrl, mode, version, target: plan.target, active: plan.active });
  } catch (error) {
    log.warning(`No GitHub deployment for ${environment}: ${errorMessage(error)}`, 'Deployment record');
    return undefined;
  }
}

async function startDeployment(record: DeploymentRecord, settings: Settings, log: Log, signal: AbortSignal): Promise<void> {
  try {
    await record.start(signal);
    log.info(`GitHub deployment ${record.deploymentId} of ${settings.github.environment} is in progress.`);
  } catch (error) {
    if (signal.aborted) throw error;
    log.warning(`${errorMessage(error)}. The release goes on.`, 'Deployment record');
  }
}

async function finishDeployment(record: DeploymentRecord, report: RunReport, settings: Settings, log: Log, signal: AbortSignal): Promise<void> {
  if (!record.deploymentId) return;
  report.deploymentId = record.deploymentId;
  const description = report.reason || `${report.result}: ${report.target} (${settings.version})`;
  await record.finish(report.result, description, signal).catch((error) => {
    log.warning(`${errorMessage(error)}. The release itself is not affected.`, 'Deployment record');
  });
}

/** Bad inputs: every problem as an annotation, outputs and summary still written, nothing touched. */
async function invalidInputs(error: unknown, redact: (text: string) => string): Promise<void> {
  const problems = (error instanceof SettingsError ? error.problems : [errorMessage(error)]).map(redact);
  for (const problem of problems) core.error(inert(problem), { title: 'Invalid input' });
  const report = abortedReport(undefined, `Invalid input; nothing was touched. ${problems.join(' ')}`, 'not read (inputs were invalid)');
  await publish(report, redact);
  core.setFailed(`Invalid input: ${problems.length} problem(s); see the annotations.`);
}

function abortedReport(settings: Settings | undefined, reason: string, routerShows: string): RunReport {
  const report = newReport(systemClock, {
    mode: settings?.mode ?? 'deploy',
    dryRun: settings?.dryRun ?? false,
    router: settings?.router ?? (readInput('router') || 'no router'),
    version: settings?.version ?? readInput('version'),
    colors: settings?.colors ?? ['blue', 'green'],
    thresholds: { failure: 0, error: 0, intervalMs: 0, windowMs: 0 },
  });
  return Object.assign(report, { result: 'aborted', reason, routerShows, endedAt: report.startedAt, durationSeconds: 0 });
}

