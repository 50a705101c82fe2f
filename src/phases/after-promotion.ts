import { errorMessage } from '../infra/log.js';
import type { RunReport } from '../report/model.js';
import type { Color, Router } from '../types.js';

/**
 * What the router does once a promotion is verified (e.g. scale the previous color down after a delay),
 * as a note for the summary. It never undoes the promotion: a failure or a cancel here is a note, not a
 * rollback, and the verdict is read after it.
 */
export async function afterPromotion(router: Router, target: Color, previous: Color | undefined, signal: AbortSignal): Promise<string | undefined> {
  if (!router.afterPromotion || !previous) return undefined;
  return router.afterPromotion(target, previous, signal).catch((error: unknown) => (signal.aborted ? cancelledAfterPromotion(previous) : `After the promotion: ${errorMessage(error)}`));
}

export function cancelledAfterPromotion(previous: Color | undefined): string {
  return `The run was cancelled after the promotion was verified; ${previous} was left as it was.`;
}

/**
 * How the color traffic left winds down (requests in flight, cached DNS answers, sessions), as the
 * router tells it; said in the summary. Read before afterPromotion, which may scale that color down.
 * Only reads: a failure to tell is a note, never a rollback.
 */
export async function drainOf(router: Router, left: Color | undefined, note: (text: string) => void, signal: AbortSignal): Promise<RunReport['drain']> {
  if (!router.drain || !left) return undefined;
  try {
    const drain = await router.drain(left, signal);
    return drain && { color: left, seconds: Math.round(drain.ms / 1000), note: drain.note, sessions: drain.sessions };
  } catch (error) {
    if (!signal.aborted) note(`Could not tell how long ${left} keeps draining: ${errorMessage(error)}`);
    return undefined;
  }
}
