import { describeRoute } from '../route.js';
import type { Color, Mode, RouteState, Router } from '../types.js';

export interface Plan {
  /** The router as read at discovery: the compare-and-swap reference for the first change. */
  current: RouteState;
  active?: Color;
  /** The color this run deploys to or sends traffic to. */
  target?: Color;
  /** The color to return to if the release fails. */
  previous?: Color;
}

/** The router is the source of truth: the live color is read from it, never remembered. */
export async function discover(router: Router, colors: readonly [Color, Color], mode: Mode, signal?: AbortSignal): Promise<Plan> {
  const current = await router.read(signal);
  const active = current.active;
  const other = (color: Color) => (color === colors[0] ? colors[1] : colors[0]);
  if (mode === 'status') return { current, active };
  if (current.weights && mode !== 'rollback') {
    throw new Error(
      `${router.description} is split (${describeRoute(current)}), as a stopped progressive release leaves it. ` +
        'Run mode "rollback" to send all traffic to the color with the most, then release again.',
    );
  }
  if (mode === 'rollback') {
    if (!active) throw new Error(`${router.description} has no live color yet, so there is nothing to roll back.`);
    // From a split, the color with most traffic is the one that was serving before the release began.
    if (current.weights) return { current, active, target: active, previous: active };
    return { current, active, target: other(active), previous: active };
  }
  return { current, active, target: active ? other(active) : colors[0], previous: active };
}

/** The plan as one log line, before anything changes. */
export function describePlan(plan: Plan, mode: Mode, dryRun: boolean, version: string, router: Router): string {
  if (mode === 'status') return `${router.description} shows ${describeRoute(plan.current)}.`;
  const from = plan.active ?? 'no live color (first release)';
  return `Plan (${mode}${dryRun ? ', dry run' : ''}): ${from} -> ${plan.target}, version ${version}, via ${router.description}.`;
}
