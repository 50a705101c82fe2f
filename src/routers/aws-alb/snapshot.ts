/**
 * What a flip may change and what it must leave alone. ModifyListener and ModifyRule have no
 * condition, and they replace the whole action list: a write can erase a change someone made between
 * this run's read and its write (an added authenticate-oidc action, say). So the read-back compares
 * everything: the forward action's targets must be exactly what was written, and every other part (the
 * other actions and their order, the forward action's other fields, a rule's conditions and priority)
 * must be as read just before the write. Any other difference is someone else's change.
 */
import { createHash } from 'node:crypto';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { forwardOf } from './actions.js';

/** A listener's default actions, or a rule's actions with its conditions and priority. */
export interface Snapshot {
  actions: Action[];
  conditions?: RuleCondition[];
  priority?: string;
}

/** JSON with keys sorted, so two reads of the same thing give the same text. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Identifies the whole state: any write by anyone changes it (the router's revision). */
export function fingerprint(s: Snapshot): string {
  return `actions ${createHash('sha256').update(stable(s)).digest('hex').slice(0, 16)}`;
}

/** Everything but the forward action's target groups and weights: what a flip never changes. */
function shape(s: Snapshot): { actions: Action[]; conditions?: RuleCondition[]; priority?: string } {
  const actions = structuredClone(s.actions);
  const forward = forwardOf(actions);
  if (forward) {
    delete forward.TargetGroupArn;
    const config = forward.ForwardConfig;
    if (config) {
      delete config.TargetGroups;
      // Stickiness off is the default whether or not a read lists it; a one-group forward may omit the config.
      if (config.TargetGroupStickinessConfig && !config.TargetGroupStickinessConfig.Enabled && config.TargetGroupStickinessConfig.DurationSeconds === undefined) delete config.TargetGroupStickinessConfig;
      if (!Object.keys(config).length) delete forward.ForwardConfig;
    }
  }
  return { actions, conditions: s.conditions, priority: s.priority };
}

const kinds = (actions: Action[]) => `[${actions.map((a) => a.Type).join(', ')}]`;

/** What changed besides the forward targets between `before` and `after`, or undefined when nothing did. */
export function shapeDifference(before: Snapshot, after: Snapshot): string | undefined {
  const [a, b] = [shape(before), shape(after)];
  const said: string[] = [];
  if (a.priority !== b.priority) said.push(`its priority was ${a.priority} and is ${b.priority}`);
  if (stable(a.conditions) !== stable(b.conditions)) said.push(`its conditions were ${stable(a.conditions)} and are ${stable(b.conditions)}`);
  if (kinds(a.actions) !== kinds(b.actions)) said.push(`its actions were ${kinds(a.actions)} and are ${kinds(b.actions)}`);
  else if (stable(a.actions) !== stable(b.actions)) {
    const changed = a.actions.map((action, i) => (stable(action) === stable(b.actions[i]) ? undefined : action.Type)).filter(Boolean);
    said.push(`the settings of its ${changed.join(', ')} action(s) changed (were ${stable(a.actions).slice(0, 300)}, are ${stable(b.actions).slice(0, 300)})`);
  }
  return said.length ? said.join('; ') : undefined;
}
