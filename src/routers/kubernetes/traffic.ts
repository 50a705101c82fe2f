/**
 * The two things that can hold a color on Kubernetes: a Service's selector (one color at a time) and a
 * Gateway API HTTPRoute's backendRef weights (a split). Each turns its object into a RouteState and a
 * RouteState into the smallest change of that object: the selector's one key, or the weights of the
 * color backendRefs, every other field kept as read.
 */
import type { Color, RouteState } from '../../types.js';
import type { Obj } from './client.js';

export const SERVICE = { apiVersion: 'v1', kind: 'Service' };
export const HTTP_ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };

/**
 * The last write of a part of `spec`: the newest managedFields entry that owns it (`owns` is given the
 * entry's `f:spec`), as manager, operation and time. Writes to other fields (annotations, status, a
 * route's parentRefs) leave it, unlike resourceVersion or generation. Times are to the second: two
 * writes by one manager within a second look alike.
 */
function lastWriteOf(object: Obj, owns: (spec: Record<string, unknown>) => boolean): string | undefined {
  const owners = ((object.metadata?.managedFields ?? []) as Obj[]).filter((entry) => {
    const spec = entry.fieldsV1?.['f:spec'];
    return spec && owns(spec);
  });
  const time = (entry: Obj) => String(entry.time instanceof Date ? entry.time.toISOString() : entry.time);
  const last = owners.sort((a, b) => time(b).localeCompare(time(a)))[0];
  return last ? `${last.manager} ${last.operation} ${time(last)}` : undefined;
}

/**
 * Who last wrote the selector. A Service's selector is an atomic map, so its owner is recorded as
 * `f:selector: {}`, whole, and every write of it by anyone moves it to that writer. (An entry naming
 * the color key itself is accepted too.)
 */
export function selectorRevision(service: Obj, label: string): string | undefined {
  return lastWriteOf(service, (spec) => {
    const selector = spec['f:selector'] as Record<string, unknown> | undefined;
    return Boolean(selector) && (Object.keys(selector!).length === 0 || `f:${label}` in selector!);
  });
}

/**
 * Who last wrote the rules, where the weights live. `rules` (and each rule's `backendRefs`) is an
 * atomic list in the HTTPRoute schema, so one writer owns it whole: someone else's edit of the weights
 * moves it, and so does an edit of a match or filter; edits elsewhere (parentRefs, hostnames, labels,
 * the controller's status) do not.
 */
export function rulesRevision(route: Obj): string | undefined {
  return lastWriteOf(route, (spec) => 'f:rules' in spec);
}

export function serviceState(service: Obj, label: string, colors: readonly Color[]): RouteState {
  const value: string | undefined = service.spec?.selector?.[label];
  const name = service.metadata?.name;
  if (value === undefined) return { revision: selectorRevision(service, label) };
  if (!colors.includes(value)) {
    throw new Error(`Service "${name}" selects ${label}=${value}, which is not one of the colors (${colors.join(', ')}); fix the selector or the colors input.`);
  }
  return { active: value, revision: selectorRevision(service, label) };
}

interface BackendRef {
  name?: string;
  kind?: string;
  group?: string;
  namespace?: string;
  weight?: number;
}

interface Rule {
  name?: string;
  matches?: { path?: { type?: string; value?: string } }[];
  backendRefs?: BackendRef[];
}

/** Which color a backendRef sends to: a core Service `{service}-{color}` in the route's own namespace. */
function colorOf(ref: BackendRef, route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): Color | undefined {
  if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') return undefined;
  if (ref.namespace && ref.namespace !== route.metadata?.namespace) return undefined;
  return colors.find((color) => ref.name === serviceFor(color));
}

/** How a rule splits between the colors: each color's summed weight (an absent weight is 1). */
interface RuleSplit {
  label: string;
  weights: Map<Color, number>;
  /** The colors this rule has a backendRef to, whatever its weight. */
  named: Set<Color>;
}

/** Every rule that routes to a color, with its split; rules without a color backendRef are not the run's. */
function ruleSplits(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): RuleSplit[] {
  const rules = (route.spec?.rules ?? []) as Rule[];
  return rules.flatMap((rule, i) => {
    const weights = new Map<Color, number>(colors.map((color) => [color, 0]));
    const named = new Set<Color>();
    for (const ref of rule.backendRefs ?? []) {
      const color = colorOf(ref, route, serviceFor, colors);
      if (color === undefined) continue;
      named.add(color);
      weights.set(color, weights.get(color)! + (ref.weight ?? 1));
    }
    const path = rule.matches?.[0]?.path;
    const label = `rule ${i + 1}${rule.name ? ` "${rule.name}"` : ''}${path?.value ? ` (${path.type ?? 'PathPrefix'} ${path.value})` : ''}`;
    return named.size ? [{ label, weights, named }] : [];
  });
}

/** A rule's split as a state: one color alone, or each color's share in percent. */
function stateOf(split: RuleSplit, colors: readonly Color[]): RouteState {
  const [a, b] = colors;
  const wa = split.weights.get(a)!;
  const wb = split.weights.get(b)!;
  if (wa + wb === 0) return {};
  if (wb === 0) return { active: a };
  if (wa === 0) return { active: b };
  const share = Math.round((wa * 100) / (wa + wb));
  return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share } };
}

const describe = (state: RouteState) =>
  state.weights
    ? Object.entries(state.weights)
        .map(([color, percent]) => `${color} ${percent}%`)
        .join(', ')
    : (state.active ?? 'no color (all weights 0)');

/** Why the rules cannot be read as one split (they route to the colors differently), or undefined. */
export function splitDisagreement(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): string | undefined {
  const splits = ruleSplits(route, serviceFor, colors).map((split) => ({ label: split.label, state: describe(stateOf(split, colors)) }));
  if (new Set(splits.map((split) => split.state)).size <= 1) return undefined;
  const each = splits.map((split) => `${split.label} sends ${split.state}`).join('; ');
  return `HTTPRoute "${route.metadata?.name}" routes to the colors differently from rule to rule (${each}), so no one split can be said to be live; give every rule that routes to the colors the same weights`;
}

/** Rules that route to the colors must name both, so a flip changes weights, never the route's shape. */
export function routeProblems(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): string[] {
  const name = route.metadata?.name;
  const names = colors.map(serviceFor);
  const problems: string[] = [];
  if (!(route.spec?.parentRefs ?? []).length) problems.push(`HTTPRoute "${name}" has no parentRefs, so no Gateway (or mesh Service) routes by it`);
  const splits = ruleSplits(route, serviceFor, colors);
  if (!splits.length) return [...problems, `HTTPRoute "${name}" has no backendRef to ${names.join(' or ')} (a Service of that name in its own namespace)`];
  for (const split of splits) {
    const missing = colors.filter((color) => !split.named.has(color));
    if (missing.length) problems.push(`HTTPRoute "${name}" has a ${split.label} without a backendRef to ${missing.map(serviceFor).join(', ')}`);
  }
  const disagreement = splitDisagreement(route, serviceFor, colors);
  return disagreement ? [...problems, disagreement] : problems;
}

/**
 * What the route sends to the colors: every rule and every color backendRef is read, and a rule that
 * differs from the others is an error that names each rule's split (never averaged away). The revision
 * is the last write of the rules, where the weights are.
 */
export function routeState(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): RouteState {
  const disagreement = splitDisagreement(route, serviceFor, colors);
  if (disagreement) throw new Error(disagreement);
  const first = ruleSplits(route, serviceFor, colors)[0];
  const revision = rulesRevision(route);
  return { ...(first ? stateOf(first, colors) : {}), revision };
}

/**
 * The route's rules with `percent` on `to` and the rest on the other color, in every rule and on every
 * backendRef the reading counts (the same test: colorOf); everything else as read. A color named by
 * several backendRefs of one rule (two ports) has its share divided among them in whole numbers that
 * add up to it, so the rule reads back as exactly the split written.
 */
export function weightedRules(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[], to: Color, percent: number): unknown[] {
  const rules = structuredClone(route.spec?.rules ?? []) as Rule[];
  for (const rule of rules) {
    for (const color of colors) {
      const refs = (rule.backendRefs ?? []).filter((ref) => colorOf(ref, route, serviceFor, colors) === color);
      const share = color === to ? percent : 100 - percent;
      refs.forEach((ref, i) => (ref.weight = Math.floor(share / refs.length) + (i < share % refs.length ? 1 : 0)));
    }
  }
  return rules;
}
