import { assertExpected, describeRoute } from '../../route.js';
import type { RouterDeps } from '../module.js';
import type { Held } from '../../infra/fence.js';
import type { Color, Drain, RouteState, Router, StagedRecord } from '../../types.js';
import { Cluster, connect, type Obj } from './client.js';
import { graceSeconds, podDrain, scaleDownProblem } from './drain.js';
import { readyEndpoints, waitForEndpoints } from './endpoints.js';
import { takeLease } from './lease.js';
import type { KubernetesSettings } from './module.js';
import { routeProgress, waitForProgrammed } from './route-status.js';
import { isPodReady, selectorQuery } from './rollout.js';
import { HTTP_ROUTE, routeProblems, routeState, SERVICE, serviceState, weightedRules } from './traffic.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const POD = { apiVersion: 'v1', kind: 'Pod' };
/** Where a color's staged version is recorded: an annotation on its Deployment, visible to kubectl. */
export const STAGED_ANNOTATION = 'blue-green-action/staged';
/**
 * How long a flip may wait for the EndpointSlices to follow, or for a Gateway controller to accept an
 * HTTPRoute's new weights: both answer in milliseconds to a few seconds when healthy (a controller
 * batches its events for up to about 2 s), so a minute without an answer is a fault, not load.
 */
const CONVERGE_MAX_MS = 60_000;

export async function createKubernetesRouter(s: KubernetesSettings, deps: RouterDeps): Promise<Router> {
  return new KubernetesRouter(s, deps, connect(s, { onSecret: deps.onSecret }));
}

/**
 * Flips a Service's selector key (or an HTTPRoute's weights) by a compare-and-swap patch, and calls
 * the flip done only when the EndpointSlices route to the target's ready pods.
 */
class KubernetesRouter implements Router {
  readonly description: string;
  private readonly converged: string[] = [];
  /** Whether this run has written the HTTPRoute: until then, a route its controller refuses is not changed. */
  private wroteRoute = false;
  readonly preview?: (color: Color, signal?: AbortSignal) => Promise<void>;
  readonly afterPromotion?: (target: Color, previous: Color, signal?: AbortSignal) => Promise<string | undefined>;

  constructor(
    private readonly s: KubernetesSettings,
    private readonly deps: RouterDeps,
    private readonly connection: Cluster | Error,
  ) {
    const where = connection instanceof Cluster ? ` in namespace ${connection.namespace}` : '';
    this.description = s.httpRoute ? `Kubernetes HTTPRoute ${s.httpRoute}${where}` : `Kubernetes Service ${s.service}${where}`;
    if (s.previewService) this.preview = (color, signal) => this.pointPreview(color, signal);
    if (s.scaleDownDelayMs > 0) this.afterPromotion = (target, previous, signal) => this.scaleDown(target, previous, signal);
  }

  get notes(): string[] {
    return this.converged;
  }

  private get cluster(): Cluster {
    if (this.connection instanceof Error) throw this.connection;
    return this.connection;
  }

  private colorService(color: Color): string {
    return `${this.s.service}-${color}`;
  }

  deploymentName(color: Color): string {
    return this.s.deployment.replaceAll('{service}', this.s.service).replaceAll('{color}', color);
  }

  async preflight(): Promise<string[]> {
    if (this.connection instanceof Error) return [`Input 'kubeconfig': ${this.connection.message}.`];
    const { s, cluster } = this;
    const missing = async (input: string, ref: { apiVersion: string; kind: string; name: string }, note = '') =>
      (await cluster.get(ref)) ? [] : [`Input '${input}': ${ref.kind} "${ref.name}"${note} was not found in namespace "${cluster.namespace}".`];
    const problems = await missing('service', { ...SERVICE, name: s.service });
    if (s.previewService) problems.push(...(await missing('preview-service', { ...SERVICE, name: s.previewService })));
    if (s.httpRoute) {
      const route = await cluster.get({ ...HTTP_ROUTE, name: s.httpRoute });
      if (!route) problems.push(`Input 'http-route': HTTPRoute "${s.httpRoute}" was not found in namespace "${cluster.namespace}".`);
      else problems.push(...this.routeRefusals(route).map((p) => `Input 'http-route': ${p}.`));
      for (const color of this.deps.colors) problems.push(...(await missing('http-route', { ...SERVICE, name: this.colorService(color) }, ` (the ${color} backend)`)));
    }
    if (s.image) {
      for (const color of this.deps.colors) {
        problems.push(...(await missing('deployment', { ...DEPLOYMENT, name: this.deploymentName(color) }, ` (from "${s.deployment}" for ${color})`)));
      }
    }
    for (const color of s.scaleDownDelayMs ? this.deps.colors : []) {
      const name = this.deploymentName(color);
      const deployment = await cluster.get({ ...DEPLOYMENT, name });
      const problem = deployment && scaleDownProblem(name, graceSeconds(deployment), s.scaleDownDelayMs);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  /** The color left drains on its pods' grace period, once scale-down-delay has passed (drain.ts). */
  async drain(left: Color, signal?: AbortSignal): Promise<Drain | undefined> {
    const name = this.deploymentName(left);
    const deployment = await this.cluster.get({ ...DEPLOYMENT, name }, signal);
    return deployment ? podDrain(left, name, graceSeconds(deployment), this.s.scaleDownDelayMs, this.deps.clock.now()) : undefined;
  }

  async read(signal?: AbortSignal): Promise<RouteState> {
    return this.stateOf(await this.current(signal));
  }

  private async current(signal?: AbortSignal): Promise<Obj> {
    const ref = this.s.httpRoute ? { ...HTTP_ROUTE, name: this.s.httpRoute } : { ...SERVICE, name: this.s.service };
    const object = await this.cluster.get(ref, signal);
    if (!object) throw new Error(`${ref.kind} "${ref.name}" was not found in namespace "${this.cluster.namespace}"`);
    return object;
  }

  private stateOf(object: Obj): RouteState {
    return this.s.httpRoute ? routeState(object, (c) => this.colorService(c), this.deps.colors) : serviceState(object, this.s.colorLabel, this.deps.colors);
  }

  flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, 100, expected, signal);
  }

  setWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, percent, expected, signal);
  }

  /** Compare (what this run expects) and swap (guarded by the resourceVersion just read). */
  private async change(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    if (this.s.httpRoute) return this.shiftWeights(to, percent, expected, signal);
    const object = await this.current(signal);
    assertExpected(this.description, this.stateOf(object), expected);
    const selector = { ...(object.spec?.selector ?? {}), [this.s.colorLabel]: to };
    const pods = await this.requireReadyPods(to, selector, signal);
    const started = performance.now();
    await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
    const resourceVersion = object.metadata?.resourceVersion;
    await this.write({ ...SERVICE, name: this.s.service }, { metadata: { resourceVersion }, spec: { selector: { [this.s.colorLabel]: to } } }, signal);
    const done = await waitForEndpoints(this.cluster, this.s.service, pods, to, this.convergeMs, signal);
    const total = Math.round(performance.now() - started);
    this.converged.push(`Service ${this.s.service} routed only to ${to} (${done.ready} ready endpoint(s) in its EndpointSlices) ${total} ms after the selector patch began.`);
  }

  private get convergeMs(): number {
    return Math.min(this.deps.readyTimeoutMs, CONVERGE_MAX_MS);
  }

  /**
   * Writes the weights of every color backendRef, then waits until every parent's controller reports
   * the written generation Accepted with its refs resolved. Before this run's first write, a route
   * the controllers refuse (or that none answers) is not touched: traffic has not moved yet.
   */
  private async shiftWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const ref = { ...HTTP_ROUTE, name: this.s.httpRoute };
    if (!this.wroteRoute) {
      const before = await this.current(signal);
      await waitForProgrammed(this.cluster, ref.name, before.metadata?.generation ?? 0, this.convergeMs, signal);
    }
    // Read after that wait: the controller's status write changes the resourceVersion the patch is guarded by.
    const object = await this.current(signal);
    assertExpected(this.description, this.stateOf(object), expected);
    await this.requireReadyEndpoints(to, signal);
    const rules = weightedRules(object, (c) => this.colorService(c), this.deps.colors, to, percent);
    const started = performance.now();
    await this.deps.fence.check(`The change of ${this.description} to ${percent}% ${to}`);
    const written = await this.write(ref, { metadata: { resourceVersion: object.metadata?.resourceVersion }, spec: { rules } }, signal);
    this.wroteRoute = true;
    const done = await waitForProgrammed(this.cluster, ref.name, written.metadata?.generation ?? 0, this.convergeMs, signal);
    const total = Math.round(performance.now() - started);
    this.converged.push(`HTTPRoute ${ref.name} at ${percent}% ${to} was programmed ${total} ms after the weights patch began: ${done.parents.join('; ')}.`);
  }

  /** What makes the route unfit before anything is touched: its shape, or its controllers refusing it now. */
  private routeRefusals(route: Obj): string[] {
    const problems = routeProblems(route, (c) => this.colorService(c), this.deps.colors);
    const progress = routeProgress(route, route.metadata?.generation ?? 0);
    if (progress.state === 'rejected') problems.push(`HTTPRoute "${this.s.httpRoute}" is refused by its controller: ${progress.parents.join('; ')}`);
    return problems;
  }

  /** Returns the object as written; a 409 says who wrote it last, from its managedFields. */
  private async write(ref: { apiVersion: string; kind: string; name: string }, body: Record<string, unknown>, signal?: AbortSignal): Promise<Obj> {
    try {
      return await this.cluster.patch(ref, body, signal);
    } catch (error) {
      if (!/409 Conflict/.test((error as Error).message)) throw error;
      const now = await this.cluster.get(ref, signal).catch(() => undefined);
      const last = [...((now?.metadata?.managedFields ?? []) as { manager?: string; time?: string }[])].sort((a, b) => String(b.time).localeCompare(String(a.time)))[0];
      const who = last ? ` It was last written by "${last.manager}" at ${new Date(String(last.time)).toISOString()}; it shows ${describeRoute(this.stateOf(now!))}.` : '';
      throw new Error(`${(error as Error).message}${who}`);
    }
  }

  /**
   * A Gateway sends a backendRef's share to the ready endpoints in the Service's EndpointSlices, so a
   * color is refused when they list none. Read from the slices, not from pods by the Service's
   * selector: a selectorless Service (endpoints written by hand) has an empty one, which would match
   * every pod in the namespace.
   */
  private async requireReadyEndpoints(color: Color, signal?: AbortSignal): Promise<void> {
    const service = this.colorService(color);
    const slices = await this.cluster.list('discovery.k8s.io/v1', 'EndpointSlice', `kubernetes.io/service-name=${service}`, signal);
    const { ready, total } = readyEndpoints(slices);
    if (!ready) {
      throw new Error(`${color} has no ready endpoint: the EndpointSlices of Service "${service}" list ${total} endpoint(s), none ready, so every request sent there would fail`);
    }
  }

  /** An empty Service is an outage: refuse to send traffic to a color without a ready pod. */
  private async requireReadyPods(color: Color, selector: Record<string, string>, signal?: AbortSignal): Promise<Set<string>> {
    const pods = await this.cluster.list(POD.apiVersion, POD.kind, selectorQuery(selector), signal);
    const ready = pods.filter(isPodReady).map((pod) => String(pod.metadata?.name));
    if (!ready.length) {
      throw new Error(`${color} has no ready pod matching ${selectorQuery(selector)} (${pods.length} pod(s), none ready): sending traffic there would empty the Service`);
    }
    return new Set(ready);
  }

  private async pointPreview(color: Color, signal?: AbortSignal): Promise<void> {
    const ref = { ...SERVICE, name: this.s.previewService };
    const preview = await this.cluster.get(ref, signal);
    if (!preview) throw new Error(`Service "${ref.name}" (preview-service) was not found in namespace "${this.cluster.namespace}"`);
    const selector = { ...(preview.spec?.selector ?? {}), [this.s.colorLabel]: color };
    const pods = await this.requireReadyPods(color, selector, signal);
    await this.deps.fence.check(`Pointing preview Service ${ref.name} at ${color}`);
    await this.write(ref, { metadata: { resourceVersion: preview.metadata?.resourceVersion }, spec: { selector: { [this.s.colorLabel]: color } } }, signal);
    await waitForEndpoints(this.cluster, ref.name, pods, color, this.convergeMs, signal);
    this.deps.log.info(`Preview Service ${ref.name} now routes to ${color}.`);
  }

  /**
   * The previous color stays warm through the window, so a rollback is one selector change; after
   * scale-down-delay, and only while the router still shows the promotion, it is scaled to 0.
   */
  private async scaleDown(target: Color, previous: Color, signal?: AbortSignal): Promise<string> {
    this.deps.log.info(`Keeping ${previous} warm for scale-down-delay (${Math.round(this.s.scaleDownDelayMs / 1000)}s), then scaling it to 0.`);
    await this.deps.clock.sleep(this.s.scaleDownDelayMs, signal);
    const shows = await this.read(signal);
    if (shows.active !== target || shows.weights) {
      return `Did not scale ${previous} down: ${this.description} shows ${describeRoute(shows)} now, not ${target} alone.`;
    }
    const ref = { ...DEPLOYMENT, name: this.deploymentName(previous) };
    await this.deps.fence.check(`Scaling ${ref.name} (${previous}) down`);
    await this.cluster.patch(ref, { spec: { replicas: 0 } }, signal);
    return `Scaled Deployment ${ref.name} (${previous}, the previous color) to 0 replicas after scale-down-delay, with ${this.description} on ${target}.`;
  }

  lock(signal?: AbortSignal): Promise<Held> {
    const name = `blue-green-${this.s.service}`;
    return takeLease(this.cluster, name, this.deps.owner.job, this.deps.lockTimeoutMs, this.deps.clock, this.deps.log, signal);
  }

  async recordStaged(color: Color, record: StagedRecord, signal?: AbortSignal): Promise<void> {
    const ref = { ...DEPLOYMENT, name: this.deploymentName(color) };
    await this.cluster.patch(ref, { metadata: { annotations: { [STAGED_ANNOTATION]: JSON.stringify(record) } } }, signal);
  }

  async readStaged(color: Color, signal?: AbortSignal): Promise<StagedRecord | undefined> {
    const ref = { ...DEPLOYMENT, name: this.deploymentName(color) };
    const deployment = await this.cluster.get(ref, signal);
    if (!deployment) throw new Error(`Deployment "${ref.name}" was not found in namespace "${this.cluster.namespace}"`);
    const text = deployment.metadata?.annotations?.[STAGED_ANNOTATION];
    if (!text) return undefined;
    try {
      const parsed = JSON.parse(text) as StagedRecord;
      if (typeof parsed.version === 'string') return parsed;
    } catch {
      /* said below */
    }
    throw new Error(`Deployment "${ref.name}" has an annotation ${STAGED_ANNOTATION} that is not a staged-version record; remove it and stage again.`);
  }
}
