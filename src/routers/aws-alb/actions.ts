/**
 * The forward action of a listener or rule: what it says about the live color, and how to rewrite it.
 * ModifyListener and ModifyRule replace the whole action list, so a rewrite starts from the list as
 * just read and changes only the forward action's target groups and weights: authentication actions,
 * their order, stickiness and every other field stay as they were.
 *
 * The shape is kept: a forward action that named both groups (100/0) ends naming both (0/100); one
 * that named a single group ends naming the other single group. Adding a weight-0 entry drifts
 * infrastructure-as-code; dropping one can detach a group from the load balancer. Intermediate steps
 * necessarily name both groups.
 */
import type { Action, TargetGroupTuple } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Color, RouteState } from '../../types.js';

export interface Forward {
  arn: string;
  weight: number;
}

export function forwardOf(actions: readonly Action[]): Action | undefined {
  return actions.find((action) => action.Type === 'forward');
}

/** The groups a forward action sends to, with weights (a plain TargetGroupArn weighs 1). */
export function forwardTargets(action: Action): Forward[] {
  const groups = action.ForwardConfig?.TargetGroups;
  if (groups?.length) return groups.map((group) => ({ arn: group.TargetGroupArn ?? '', weight: group.Weight ?? 1 }));
  return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

/** Target groups and weights as one comparable string (a read-back must show exactly what was written). */
export function describeForward(action: Action | undefined): string {
  return action ? forwardTargets(action).map((t) => `${t.arn}=${t.weight}`).join(', ') : 'no forward action';
}

/** What the forward action says, in colors. A group that is not one of the colors is refused. */
export function routeOf(actions: readonly Action[], groups: Record<Color, string>, where: string): RouteState {
  const forward = forwardOf(actions);
  if (!forward) throw new Error(`${where} has no forward action (its actions: ${actions.map((a) => a.Type).join(', ') || 'none'})`);
  const colorOf = new Map(Object.entries(groups).map(([color, arn]) => [arn, color]));
  const weights: Record<Color, number> = Object.fromEntries(Object.keys(groups).map((color) => [color, 0]));
  for (const target of forwardTargets(forward)) {
    const color = colorOf.get(target.arn);
    if (color === undefined) throw new Error(`${where} forwards to target group ${target.arn}, which is not one of target-groups; fix target-groups or the forward action`);
    weights[color] += target.weight;
  }
  const [a, b] = Object.keys(groups);
  const total = weights[a] + weights[b];
  if (total === 0) return {};
  if (weights[b] === 0) return { active: a };
  if (weights[a] === 0) return { active: b };
  const share = Math.round((weights[a] * 100) / total);
  return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share } };
}

/**
 * The action list with the forward action sending `percent` to `toArn` and the rest to `otherArn`.
 * `template` is the forward action as this run first read it: its shape is the one kept.
 */
export function withWeights(actions: readonly Action[], template: Action, toArn: string, otherArn: string, percent: number): Action[] {
  const rewritten = structuredClone(actions) as Action[];
  const forward = forwardOf(rewritten);
  if (!forward) throw new Error('the action list has no forward action');
  const single = forwardTargets(template).length <= 1;
  if (single && percent === 100) {
    // The template's own form, pointed at the other group: TargetGroupArn and/or a one-entry ForwardConfig.
    if (template.TargetGroupArn !== undefined) forward.TargetGroupArn = toArn;
    else delete forward.TargetGroupArn;
    const entry = template.ForwardConfig?.TargetGroups?.[0];
    if (entry) forward.ForwardConfig = { ...forward.ForwardConfig, TargetGroups: [{ ...entry, TargetGroupArn: toArn }] };
    else delete forward.ForwardConfig;
    return rewritten;
  }
  const entries: TargetGroupTuple[] = forward.ForwardConfig?.TargetGroups?.map((entry) => ({ ...entry })) ?? (forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn }] : []);
  for (const arn of [toArn, otherArn]) if (!entries.some((entry) => entry.TargetGroupArn === arn)) entries.push({ TargetGroupArn: arn });
  for (const entry of entries) entry.Weight = entry.TargetGroupArn === toArn ? percent : entry.TargetGroupArn === otherArn ? 100 - percent : 0;
  forward.ForwardConfig = { ...forward.ForwardConfig, TargetGroups: entries };
  // The API refuses TargetGroupArn beside a ForwardConfig of more than one group.
  delete forward.TargetGroupArn;
  return rewritten;
}

/** True when the forward action keeps a client on one target group across a weighted split. */
export function groupStickiness(actions: readonly Action[]): boolean {
  return forwardOf(actions)?.ForwardConfig?.TargetGroupStickinessConfig?.Enabled === true;
}
