import * as core from '@actions/core';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from './model.js';
import { outputsOf } from './outputs.js';
import { renderSummary } from './summary.js';

/** Writes outputs, the JSON report and the job summary; every text passes through `redact`. */
export async function publish(report: RunReport, redact: (text: string) => string): Promise<void> {
  const dir = process.env.RUNNER_TEMP || tmpdir();
  const path = join(dir, `blue-green-report-${report.mode}-${Date.parse(report.startedAt)}-${process.pid}.json`);
  // Private: it holds every sample and server answer (redacted, but not meant for other users of the runner).
  await writeFile(path, redact(JSON.stringify(report, null, 2)) + '\n', { mode: 0o600 });
  for (const [name, value] of Object.entries(outputsOf(report, path))) core.setOutput(name, redact(value));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(redact(renderSummary(report))).write();
  }
}
