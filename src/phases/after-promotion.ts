import { errorMessage } from '../infra/log.js';
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
