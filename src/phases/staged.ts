import { ExclusionLostError, type Fence } from '../infra/fence.js';
import { errorMessage, type Log } from '../infra/log.js';
import type { Color, Router, StagedRecord } from '../types.js';

/** Says on the platform which version `color` now holds, so a later promote can check it. */
export async function recordStaged(router: Router, color: Color, record: StagedRecord, fence: Fence, log: Log, signal?: AbortSignal): Promise<void> {
  if (!router.recordStaged) return;
  await fence.check(`Recording that ${color} holds ${record.version}`);
  await router.recordStaged(color, record, signal).catch((error: unknown) => {
    // A lost lock is not a missing record: the run must stop writing, not go on.
    if (error instanceof ExclusionLostError || signal?.aborted) throw error;
    log.warning(`Could not record that ${color} holds ${record.version}: ${errorMessage(error)}. A later "promote" will refuse it.`, 'Staged version');
  });
}

/**
 * An approval must never promote another build than the one it approved: `color` must hold `version`,
 * as `stage` recorded it. Returns why not, or undefined when it does (or when the router cannot tell:
 * then `onUnverifiable` is told).
 */
export async function whyNotStaged(router: Router, color: Color, version: string, onUnverifiable: (note: string) => void, signal?: AbortSignal): Promise<string | undefined> {
  if (!router.readStaged) {
    onUnverifiable(`${router.description} cannot record which version a color holds, so "promote" could not check that ${color} holds ${version}.`);
    return undefined;
  }
  const staged = await router.readStaged(color, signal);
  if (staged?.version === version) return undefined;
  return staged
    ? `${color} holds ${staged.version} (staged at ${staged.at} by ${staged.by}), not ${version}, the version this run was asked to promote. Someone staged again after the approval: promote ${staged.version}, or stage ${version} again.`
    : `Nothing was staged on ${color}: "promote" only promotes what "stage" recorded there. Run mode "stage" with version ${version} first.`;
}
