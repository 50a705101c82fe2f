import * as core from '@actions/core';
import { coreLog, coreState, maskInputs, readInput, stepDeps } from './adapters.js';
import { createDeployer } from '../deployers/index.js';
import { createHealthSources } from '../health/index.js';
import { systemClock } from '../infra/clock.js';
import { Fence } from '../infra/fence.js';
import { errorMessage, inert } from '../infra/log.js';
import type { DeploymentRecord } from '../github/deployment.js';
import { finishRecord, startRecord } from '../github/record.js';
import { newReport, type RunReport } from '../report/model.js';
import { failsStep } from '../report/outputs.js';
import { publish } from '../report/publish.js';
import { annotationTitle } from '../report/summary.js';
import { createRouter, type BaseDeps } from '../routers/index.js';
import { STATE } from '../run-deps.js';
import { run as runRelease } from '../run.js';
import { readSettings, SettingsError, type Settings } from '../settings.js';

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
  const { redact, onSecret } = await maskInputs();
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
  const report = await release(settings, cancel.signal, stepDeps(settings.jobIndex, log, fence, onSecret)).catch((error) =>
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
    core.error(inert(redact(report.reason)), { title: inert(redact(annotationTitle(report))) });
    process.exitCode = 1;
  }
}

async function release(settings: Settings, signal: AbortSignal, deps: BaseDeps): Promise<RunReport> {
  const { clock, log, owner, fence } = deps;
  // Saved before any lock is taken, so this step's post step knows the lock as its own.
  coreState.save(STATE.owner, owner.job);
  const router = await createRouter(settings, deps);
  const deployer = await createDeployer(settings, deps);
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
      record = await startRecord(settings, plan, log, signal);
    },
  });
  if (record) await finishRecord(record, report, settings.version, log, signal);
  return report;
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
  // The step began when this process did: reading and judging the inputs is part of its time.
  const startedAt = new Date(performance.timeOrigin).toISOString();
  const endedAt = new Date().toISOString();
  const durationSeconds = Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  return Object.assign(report, { result: 'aborted', reason, routerShows, startedAt, endedAt, durationSeconds });
}

