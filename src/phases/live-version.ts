/**
 * `only-if-version`: a rollback that undoes one release (a fleet's undo) acts only while the live color
 * still serves that release. Someone who released again since owns the router now; putting traffic
 * back would undo their release, not ours. The version a color serves is the staged record the release
 * wrote on that color (phases/staged.ts): it is written under the router lock, by the run that deployed
 * the color, so it is read here under the same lock, right before the flip that compares and swaps.
 */
import { describeRoute } from '../route.js';
import type { Color, RouteState, Router } from '../types.js';

/** What the check found, kept in the report (the fleet tells "someone released since" from "cannot tell"). */
export interface LiveVersion {
  /** The version the rollback may undo. */
  expected: string;
  /** The live color, as discovery read it. */
  color?: Color;
  /** The version recorded on the live color; absent when the router cannot tell. */
  serves?: string;
  /** The version recorded on the color the rollback returns to, when it may act: what will serve. */
  returnsTo?: string;
}

/**
 * Returns why the rollback must not act (it then ends `aborted`, untouched), or undefined when the
 * live color serves `expected`; what it found goes into the report. A router that cannot tell is a
 * refusal, never a guess.
 */
export async function whyNotLive(router: Router, plan: { current: RouteState; target?: Color }, expected: string, report: { liveVersion?: LiveVersion }, signal?: AbortSignal): Promise<string | undefined> {
  const { current } = plan;
  const check: LiveVersion = (report.liveVersion = { expected, color: current.active });
  const unchecked = `so only-if-version could not check that ${expected} is live, and nothing was changed.`;
  // A split is what a stopped progressive release leaves, never what a promotion leaves.
  if (current.weights) return `${router.description} is split (${describeRoute(current)}), ${unchecked}`;
  const live = current.active!;
  if (!router.readStaged) return `${router.description} keeps no record of which version a color serves, ${unchecked} Roll back without only-if-version once you have checked it by hand.`;
  const record = await router.readStaged(live, signal);
  if (!record) return `Nothing records which version ${live} (the live color) serves, ${unchecked}`;
  check.serves = record.version;
  if (record.version === expected) {
    // Only said in the report: a color returned to without a record is still the one that served before.
    check.returnsTo = (await router.readStaged(plan.target!, signal).catch(() => undefined))?.version;
    return undefined;
  }
  return `${live} (the live color) serves ${record.version} (deployed at ${record.at} by ${record.by}), not ${expected}: it was released again since, so this rollback left it untouched.`;
}
