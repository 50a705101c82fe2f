/**
 * An HTTPRoute's weights are only a request; a Gateway controller (or a mesh, for a route whose parent
 * is a Service) programs its data plane from them and says so in `status.parents`: one entry per
 * parent it serves, with `Accepted` and `ResolvedRefs` conditions, each stamped with the generation it
 * judged. A change is taken only when every parentRef reports both True for the generation written; a
 * False for that generation is the controller refusing the route, quoted with its own reason.
 * Gateway API has no route condition for "the data plane now routes by it"; Accepted and ResolvedRefs
 * at the written generation is the strongest thing every conformant controller reports.
 */
import { oneLine } from '../../infra/log.js';
import type { Cluster, Obj } from './client.js';
import { HTTP_ROUTE } from './traffic.js';

interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  sectionName?: string;
  port?: number;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export type Progress = 'programmed' | 'pending' | 'rejected';

export interface RouteProgress {
  state: Progress;
  /** What each parent showed, for the messages: `Gateway shop/gw: Accepted True, ResolvedRefs True (generation 4)`. */
  parents: string[];
  /** The controllers that answered, e.g. `traefik.io/gateway-controller`. */
  controllers: string[];
}

/**
 * A parentRef with the API's defaults filled in, so a controller's copy (defaults written) matches; the
 * core group is "" in the API and `core` in Linkerd's examples, so both name it.
 */
function key(ref: ParentRef, namespace: string): string {
  const group = ref.group ?? 'gateway.networking.k8s.io';
  return [group === 'core' ? '' : group, ref.kind ?? 'Gateway', ref.namespace || namespace, ref.name, ref.sectionName ?? '', ref.port ?? ''].join('/');
}

/** `Gateway shop/gw` (listener `web`), or `Service shop/myapp` for a mesh (GAMMA) parent. */
export function parentName(ref: ParentRef, namespace: string): string {
  const where = ref.sectionName ? ` (listener ${ref.sectionName})` : ref.port ? ` (port ${ref.port})` : '';
  return `${ref.kind ?? 'Gateway'} ${ref.namespace || namespace}/${ref.name}${where}`;
}

/**
 * One condition for the generation written. A controller that stamps no generation on its conditions
 * (Linkerd's policy controller, for one) cannot say which spec it judged: its word is taken as it
 * stands, and the text says so, rather than waiting for a stamp that never comes.
 */
function condition(conditions: Condition[], type: string, generation: number): { state: Progress; text: string } {
  const found = conditions.find((c) => c.type === type);
  if (!found) return { state: 'pending', text: `no ${type} condition` };
  const seen = found.observedGeneration;
  const why = found.reason || found.message ? ` (${[found.reason, found.message].filter(Boolean).join(': ')})` : '';
  const text = `${type} ${found.status}${why} ${seen === undefined ? 'with no generation stated' : `for generation ${seen}`}`;
  if (seen !== undefined && seen < generation) return { state: 'pending', text };
  if (found.status === 'False') return { state: 'rejected', text };
  return { state: found.status === 'True' ? 'programmed' : 'pending', text };
}

/** The worst of several states: a rejection beats waiting, waiting beats done. */
const worst = (states: Progress[]): Progress => (states.includes('rejected') ? 'rejected' : states.includes('pending') ? 'pending' : 'programmed');

/**
 * Where the route stands for `generation`: programmed when every parentRef has a status entry whose
 * Accepted and ResolvedRefs are True for that generation (or a later one), rejected when one of them is
 * False for it, pending otherwise (no entry yet: no controller has answered).
 */
export function routeProgress(route: Obj, generation: number): RouteProgress {
  const namespace = String(route.metadata?.namespace ?? '');
  const refs = (route.spec?.parentRefs ?? []) as ParentRef[];
  const entries = (route.status?.parents ?? []) as { parentRef?: ParentRef; controllerName?: string; conditions?: Condition[] }[];
  const states: Progress[] = [];
  const parents: string[] = [];
  const controllers = new Set<string>();
  for (const ref of refs) {
    const answers = entries.filter((entry) => entry.parentRef && key(entry.parentRef, namespace) === key(ref, namespace));
    if (!answers.length) {
      states.push('pending');
      parents.push(`${parentName(ref, namespace)}: no status from any controller`);
    }
    for (const answer of answers) {
      const judged = ['Accepted', 'ResolvedRefs'].map((type) => condition(answer.conditions ?? [], type, generation));
      states.push(worst(judged.map((c) => c.state)));
      if (answer.controllerName) controllers.add(answer.controllerName);
      parents.push(oneLine(`${parentName(ref, namespace)} (${answer.controllerName ?? 'unnamed controller'}): ${judged.map((c) => c.text).join(', ')}`));
    }
  }
  return { state: refs.length ? worst(states) : 'pending', parents, controllers: [...controllers] };
}

/** The route's controllers refused it: traffic must not be moved by it (the reasons are the controllers'). */
export class RouteRejectedError extends Error {
  override name = 'RouteRejectedError';
}

/**
 * Waits, with a watch, until the controllers have judged `generation` of the route: resolves with the
 * progress when programmed, throws RouteRejectedError when refused, and throws naming every parent and
 * what it showed when `timeoutMs` passes first.
 */
export async function waitForProgrammed(cluster: Cluster, name: string, generation: number, timeoutMs: number, signal?: AbortSignal): Promise<RouteProgress & { ms: number }> {
  const started = performance.now();
  let last: RouteProgress = { state: 'pending', parents: ['the route was not seen'], controllers: [] };
  const done = await cluster.watchUntil(
    HTTP_ROUTE,
    { fieldSelector: `metadata.name=${name}` },
    (routes) => {
      const route = routes.get(name);
      if (!route) return undefined;
      last = routeProgress(route, generation);
      return last.state === 'pending' ? undefined : last;
    },
    timeoutMs,
    signal,
  );
  const what = `HTTPRoute "${name}" (generation ${generation})`;
  if (done?.state === 'rejected') throw new RouteRejectedError(`${what} was refused by its controller: ${done.parents.join('; ')}`);
  if (done) return { ...done, ms: Math.round(performance.now() - started) };
  throw new Error(
    `${what} was not reported Accepted and ResolvedRefs by every parent within ${Math.round(timeoutMs / 1000)}s: ${last.parents.join('; ')}. ` +
      'Is a Gateway controller (or mesh) running for it, and does it watch this namespace?',
  );
}
