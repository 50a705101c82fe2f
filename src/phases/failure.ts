/**
 * What a run does after something went wrong: the failure policy, apart from the steps. It only
 * decides; the run carries out the decision (end with a result, or flip back first).
 */
import { ExclusionLostError, type Fence } from '../infra/fence.js';
import { errorMessage } from '../infra/log.js';
import { describeRoute, RouteChangedError, sameRoute } from '../route.js';
import type { Color, Mode, Result, RouteState, Router } from '../types.js';

export type Next = { end: Result; reason: string } | { rollBackTo: Color; reason: string };

/** What the run knows when it must decide. */
export interface Situation {
  router: Router;
  fence: Fence;
  signal: AbortSignal;
  mode: Mode;
  rollbackOnFailure: boolean;
  /** The router as discovery read it, and the color that served before. */
  before: RouteState;
  previous?: Color;
  target?: Color;
  /** Traffic may have moved (a write was attempted). */
  trafficMoved: boolean;
  /** One of this run's writes succeeded. */
  changedRouter: boolean;
}

/** Any error: before traffic moved the run is aborted; after, traffic goes back (where that is safe). */
export async function afterError(error: unknown, s: Situation): Promise<Next> {
  const reason = s.signal.aborted ? `The run was cancelled (${errorMessage(s.signal.reason)})` : errorMessage(error);
  // A write refused by the fence wrote nothing: before this run's first change, traffic is untouched.
  if (error instanceof ExclusionLostError) return s.changedRouter ? exclusionLost(reason, s) : { end: 'aborted', reason: `${reason}. Live traffic was not touched` };
  if (!s.trafficMoved) return { end: 'aborted', reason };
  // Someone else moved traffic: flipping back would fight them. Stop and say what the router shows.
  // A change seen in the read-back of this run's own write is not "untouched": that write landed.
  if (error instanceof RouteChangedError) return { end: s.changedRouter || error.afterWrite ? 'failed' : 'aborted', reason };
  const shows = await s.router.read().catch(() => undefined);
  if (s.mode === 'rollback') {
    // A rollback refused before it changed anything (no ready pods, a failed read) left traffic as it was.
    if (shows && sameRoute(shows, s.before)) return { end: 'aborted', reason: `${reason}. Traffic stayed on ${describeRoute(shows)}.` };
    return { end: 'failed', reason };
  }
  if (shows && shows.active === s.previous && !shows.weights) return { end: 'aborted', reason: `${reason}. Traffic stayed on ${s.previous ?? 'no color'}.` };
  return afterFailedWindow(reason, s);
}

/** A window failed (or traffic may be on the new color after an error): flip back, unless that is unsafe or off. */
export async function afterFailedWindow(reason: string, s: Situation): Promise<Next> {
  if (await s.fence.lost()) return exclusionLost(reason, s);
  if (!s.rollbackOnFailure) return { end: 'failed', reason: `${reason}; rollback-on-failure is false, so traffic was left on ${s.target}.` };
  if (!s.previous) return { end: 'failed', reason: `${reason}; this was the first release, so there is no previous color to return to.` };
  return { rollBackTo: s.previous, reason };
}

/**
 * This run can no longer prove it holds the router: another run may be releasing now. Writing
 * anything (even a flip back) could undo that run's work, so traffic is left as the router shows it.
 */
async function exclusionLost(reason: string, s: Situation): Promise<Next> {
  const lost = await s.fence.lost();
  const why = lost && !reason.includes(lost) ? `${reason}; this run lost its exclusive hold on the router (${lost})` : reason;
  return { end: 'failed', reason: `${why}. It wrote nothing after that: traffic was left as the router shows it` };
}
