/**
 * A Service selector change is only the request; the cluster routes by EndpointSlices, which the
 * EndpointSlice controller rewrites afterwards. A flip is done when the slices list only endpoints of
 * the target color's pods and at least one of them is ready: then kube-proxy and every mesh route there.
 */
import type { Cluster, Obj } from './client.js';

export interface Converged {
  ms: number;
  ready: number;
}

/** What the slices route to now: ready endpoints of the given pods, and endpoints of any other pod. */
export function sliceCounts(slices: Iterable<Obj>, targetPods: ReadonlySet<string>): { ready: number; others: number } {
  let ready = 0;
  let others = 0;
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      if (!pod || !targetPods.has(pod)) others++;
      // `ready` unset means ready (the API's rule for consumers).
      else if (endpoint.conditions?.ready !== false) ready++;
    }
  }
  return { ready, others };
}

/**
 * The endpoints of a Service's slices, and how many are ready, whatever they point at (a pod, or an
 * address written by hand for a selectorless Service). An endpoint in two slices for a moment, while
 * the controller moves it, counts once.
 */
export function readyEndpoints(slices: Iterable<Obj>): { ready: number; total: number } {
  const seen = new Map<string, boolean>();
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      const id = endpoint.targetRef?.uid ?? endpoint.targetRef?.name ?? (endpoint.addresses ?? []).join(',');
      seen.set(id, seen.get(id) === true || endpoint.conditions?.ready !== false);
    }
  }
  return { ready: [...seen.values()].filter(Boolean).length, total: seen.size };
}

/**
 * Waits, with a watch, until the Service's EndpointSlices route only to `targetPods`. Resolves with the
 * time it took and the ready endpoints; throws with what the slices still show when `timeoutMs` passes.
 */
export async function waitForEndpoints(cluster: Cluster, service: string, targetPods: ReadonlySet<string>, color: string, timeoutMs: number, signal?: AbortSignal): Promise<Converged> {
  const started = performance.now();
  let last = { ready: 0, others: 0 };
  const done = await cluster.watchUntil(
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
    { labelSelector: `kubernetes.io/service-name=${service}` },
    (slices) => {
      last = sliceCounts(slices.values(), targetPods);
      return last.others === 0 && last.ready > 0 ? { ms: Math.round(performance.now() - started), ready: last.ready } : undefined;
    },
    timeoutMs,
    signal,
  );
  if (done) return done;
  throw new Error(
    `Service "${service}" still did not route only to ${color} after ${Math.round(timeoutMs / 1000)}s: its EndpointSlices list ${last.ready} ready ${color} endpoint(s) and ${last.others} other(s)`,
  );
}
