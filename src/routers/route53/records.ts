/**
 * The two weighted records in colors, and the change batch that moves traffic between them. Route 53
 * has a real compare-and-swap: a change batch is applied whole or not at all, and a DELETE must match
 * the record set exactly as it stands. So each change deletes every record exactly as this run read it
 * and creates it again with its new weight — never UPSERT, which would overwrite whatever someone else
 * wrote in between.
 */
import { createHash } from 'node:crypto';
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Color, RouteState } from '../../types.js';

export type Pair = Record<Color, ResourceRecordSet>;

/** Route 53 uses the TTL of an alias's target; a load balancer's (the usual target) is 60 s. */
export const ALIAS_TTL_S = 60;

/** The colors' records among the sets of the name and type, by SetIdentifier; a problem per missing one. */
export function pairOf(sets: readonly ResourceRecordSet[], ids: Record<Color, string>): { pair: Pair; missing: Color[]; unweighted: Color[] } {
  const pair: Pair = {};
  const missing: Color[] = [];
  const unweighted: Color[] = [];
  for (const [color, id] of Object.entries(ids)) {
    const set = sets.find((s) => s.SetIdentifier === id);
    if (!set) missing.push(color);
    else if (set.Weight === undefined) unweighted.push(color);
    else pair[color] = set;
  }
  return { pair, missing, unweighted };
}

/** Weights read as percentages of the sum; all traffic on one color reads as that color alone. */
export function routeOfPair(pair: Pair, colors: readonly Color[]): RouteState {
  const [a, b] = colors;
  const wa = pair[a].Weight ?? 0;
  const wb = pair[b].Weight ?? 0;
  const revision = fingerprint(pair, colors);
  // Both at 0: Route 53 answers with both alike, which is no color serving alone.
  if (wa + wb === 0) return { weights: { [a]: 50, [b]: 50 }, revision };
  if (wb === 0) return { active: a, revision };
  if (wa === 0) return { active: b, revision };
  const share = Math.round((wa * 100) / (wa + wb));
  return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share }, revision };
}

/** JSON with keys sorted, so two reads of the same records give the same text. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

/** Identifies both records as read: any change by anyone (a weight, a value, a TTL) changes it. */
export function fingerprint(pair: Pair, colors: readonly Color[]): string {
  return `records ${createHash('sha256').update(stable(colors.map((c) => pair[c]))).digest('hex').slice(0, 16)}`;
}

/** The weights that send `percent` to `to` and the rest to the other color. */
export function weightsFor(to: Color, percent: number, colors: readonly Color[]): Record<Color, number> {
  return Object.fromEntries(colors.map((c) => [c, c === to ? percent : 100 - percent]));
}

/**
 * One batch: for each record whose weight changes, DELETE it exactly as read and CREATE it with the
 * new weight. Records already at their weight are left out (a batch of none is no write at all).
 */
export function changeBatch(pair: Pair, weights: Record<Color, number>): { changes: Change[]; written: Pair } {
  const changes: Change[] = [];
  const written: Pair = {};
  for (const [color, set] of Object.entries(pair)) {
    written[color] = { ...structuredClone(set), Weight: weights[color] };
    if (set.Weight === weights[color]) continue;
    changes.push({ Action: 'DELETE', ResourceRecordSet: structuredClone(set) }, { Action: 'CREATE', ResourceRecordSet: written[color] });
  }
  return { changes, written };
}

/** How long a client may keep the old answer: the longest TTL of the two (an alias's target's for an alias). */
export function ttlSeconds(pair: Pair): number {
  return Math.max(...Object.values(pair).map((set) => (set.AliasTarget ? ALIAS_TTL_S : (set.TTL ?? 0))));
}

/** A record in a line: `blue weight 100 (A 192.0.2.1, TTL 60 s)`. */
export function describeRecord(set: ResourceRecordSet): string {
  const target = set.AliasTarget ? `alias ${set.AliasTarget.DNSName}` : `${set.Type} ${(set.ResourceRecords ?? []).map((r) => r.Value).join(' ')}, TTL ${set.TTL} s`;
  return `${set.SetIdentifier} weight ${set.Weight} (${target})`;
}

/** True when the record reads back exactly as written (key order and the final dot aside). */
export function sameRecord(a: ResourceRecordSet | undefined, b: ResourceRecordSet): boolean {
  const norm = (s: ResourceRecordSet) => stable({ ...s, Name: s.Name?.toLowerCase().replace(/\.$/, ''), AliasTarget: s.AliasTarget && { ...s.AliasTarget, DNSName: s.AliasTarget.DNSName?.toLowerCase().replace(/\.$/, '') } });
  return a !== undefined && norm(a) === norm(b);
}
