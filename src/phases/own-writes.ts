/**
 * What this run's own writes may leave on the router, saved in the step's state before and after each
 * write: the post step undoes only those, never a state someone else wrote since (post-decision.ts).
 */
import { describeRoute } from '../route.js';
import type { Color, RouteState } from '../types.js';

/** What a write of `percent` to `target` should leave the router showing. */
export function intended(target: Color, colors: readonly Color[], percent: number): RouteState {
  if (percent >= 100) return { active: target };
  const other = colors.find((color) => color !== target)!;
  return { active: percent >= 50 ? target : other, weights: { [target]: percent, [other]: 100 - percent } };
}

/** The last write as read back, and the one under way: the state value the post step reads. */
export function ownWrites(last?: RouteState, pending?: RouteState): string {
  const own = [last, pending].filter((state): state is RouteState => state !== undefined);
  return JSON.stringify(own.map((state) => ({ route: describeRoute(state), revision: state.revision })));
}
