// One target's result in one phase of the fleet (its release, or its undo), as a small JSON file: matrix
// legs cannot hand their outputs to a later job one by one, so each leg uploads this as an artifact
// and the undo plan and the summary read them all.
import { readFileSync } from 'node:fs';

export const PHASES = ['release', 'undo'];

/**
 * @param {{ target: string, wave: number, phase: string, outputs: Record<string, string>, outcome: string, report?: Record<string, unknown> }} given
 *   `outputs`: the action step's outputs (empty when it did not run); `outcome`: the step's outcome;
 *   `report`: the action's JSON report, for what the router showed and what `only-if-version` found.
 */
export function recordOf({ target, wave, phase, outputs, outcome, report }) {
  const seconds = Number(outputs['duration-seconds']);
  return {
    target,
    wave,
    phase,
    // '' when the action did not report: the job failed before or during the step.
    result: outputs.result ?? '',
    outcome,
    activeColor: outputs['active-color'] ?? '',
    previousColor: outputs['previous-color'] ?? '',
    reason: outputs.reason ?? '',
    flippedAt: outputs['flipped-at'] ?? '',
    durationSeconds: outputs['duration-seconds'] && Number.isFinite(seconds) ? seconds : undefined,
    routerShows: typeof report?.routerShows === 'string' ? report.routerShows : undefined,
    liveVersion: report?.liveVersion && typeof report.liveVersion === 'object' ? report.liveVersion : undefined,
  };
}

/** The action's report, when its path is readable; the record is still written without it. */
export function readReport(path) {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The file (and artifact) name of a record: unique per fleet run, phase and target. */
export function recordName(fleetId, phase, target) {
  return `fleet-${fleetId}-${phase}-${target}`;
}
