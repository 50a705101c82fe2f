/**
 * The two things that can hold a color on Kubernetes: a Service's selector (one color at a time) and a
 * Gateway API HTTPRoute's backendRef weights (a split). Each turns its object into a RouteState and a
 * RouteState into the smallest change of that object: the selector's one key, or the weights of the
 * two color backendRefs, every other field kept as read.
 */
import type { Color, RouteState } from '../../types.js';
import type { Obj } from './client.js';

export const SERVICE = { apiVersion: 'v1', kind: 'Service' };
export const HTTP_ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };

/**
 * Who last wrote the selector: the managedFields entry owning it (manager, operation and time). A
 * Service's selector is an atomic map, so its owner is recorded as `f:selector: {}`, whole, and every
 * write of it by anyone moves it to that writer; writes to other fields (annotations, status) do not,
 * unlike resourceVersion. (An entry naming the color key itself is accepted too.) Times are to the
 * second: two writes by one manager within a second look alike.
 */
export function selectorRevision(service: Obj, label: string): string | undefined {
  const owners = ((service.metadata?.managedFields ?? []) as Obj[]).filter((entry) => {
    const selector = entry.fieldsV1?.['f:spec']?.['f:selector'];
    return selector && (Object.keys(selector).length === 0 || `f:${label}` in selector);
  });
  const time = (entry: Obj) => String(entry.time instanceof Date ? entry.time.toISOString() : entry.time);
  const last = owners.sort((a, b) => time(b).localeCompare(time(a)))[0];
  return last ? `${last.manager} ${last.operation} ${time(last)}` : undefined;
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

/** The backendRefs that name a color Service (`{service}-{color}`) in the route's own namespace. */
function colorRefs(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): Map<Color, BackendRef[]> {
  const refs = new Map<Color, BackendRef[]>(colors.map((c) => [c, []]));
  const namespace = route.metadata?.namespace;
  for (const rule of route.spec?.rules ?? []) {
    for (const ref of (rule.backendRefs ?? []) as BackendRef[]) {
      if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '' || (ref.namespace && ref.namespace !== namespace)) continue;
      for (const color of colors) if (ref.name === serviceFor(color)) refs.get(color)!.push(ref);
    }
  }
  return refs;
}

/** Rules that route to the colors must name both, so a flip changes weights, never the route's shape. */
export function routeProblems(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): string[] {
  const rules = (route.spec?.rules ?? []) as { backendRefs?: BackendRef[] }[];
  const names = colors.map(serviceFor);
  const relevant = rules.filter((rule) => (rule.backendRefs ?? []).some((ref) => names.includes(ref.name ?? '')));
  if (!relevant.length) return [`HTTPRoute "${route.metadata?.name}" has no backendRef to ${names.join(' or ')}`];
  return relevant.flatMap((rule, i) => {
    const missing = names.filter((name) => !(rule.backendRefs ?? []).some((ref) => ref.name === name));
    return missing.length ? [`HTTPRoute "${route.metadata?.name}" has a rule (#${i + 1} of those routing to the colors) without a backendRef to ${missing.join(', ')}`] : [];
  });
}

export function routeState(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[]): RouteState {
  const refs = colorRefs(route, serviceFor, colors);
  // Every rule carries the same split (setWeights writes them all alike); the first one speaks for all.
  const weight = (color: Color) => {
    const ref = refs.get(color)?.[0];
    return ref ? (ref.weight ?? 1) : 0;
  };
  const [a, b] = colors;
  const revision = `generation ${route.metadata?.generation ?? 0}`;
  const total = weight(a) + weight(b);
  if (total === 0) return { revision };
  if (weight(b) === 0) return { active: a, revision };
  if (weight(a) === 0) return { active: b, revision };
  const share = Math.round((weight(a) * 100) / total);
  return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share }, revision };
}

/** The route's rules with `percent` on `to` and the rest on the other color; everything else as read. */
export function weightedRules(route: Obj, serviceFor: (color: Color) => string, colors: readonly Color[], to: Color, percent: number): unknown[] {
  const rules = structuredClone(route.spec?.rules ?? []) as { backendRefs?: BackendRef[] }[];
  const names = new Map(colors.map((color) => [serviceFor(color), color]));
  for (const rule of rules) {
    for (const ref of rule.backendRefs ?? []) {
      const color = ref.name !== undefined ? names.get(ref.name) : undefined;
      if (color !== undefined && (ref.kind ?? 'Service') === 'Service') ref.weight = color === to ? percent : 100 - percent;
    }
  }
  return rules;
}
