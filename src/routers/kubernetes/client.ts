/**
 * The cluster connection, on `@kubernetes/client-node`: its KubeConfig (every auth form: client
 * certificates, tokens, exec plugins, in-cluster), its generic object API (one client for Services,
 * Deployments, HTTPRoutes and Leases) and its watch. What is ours: the run's AbortSignal, bounded by a
 * per-request timeout, reaches every request through a middleware (the client has no per-call signal
 * and no timeout of its own); each credential the client sends is told to `onSecret`, so a token an
 * exec plugin mints is masked; and a watch is re-opened when the server closes it (the client ends a
 * watch after 30 s without events).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  Watch,
  type KubernetesObject,
  type Middleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { describeApiError, pluralOf, timedOut } from './errors.js';
import { WRITE_TIMEOUT_MS } from './lease.js';

/** Marks a call as a write: bounded by WRITE_TIMEOUT_MS, half the Lease's margin. */
const WRITE = 'write';

/** The field manager our writes are recorded under (`kubectl get -o yaml --show-managed-fields`). */
export const FIELD_MANAGER = 'blue-green-action';

/** Any object as the API returns it; we read only the fields we own or judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = KubernetesObject & Record<string, any>;

export interface Ref {
  apiVersion: string;
  kind: string;
  name: string;
}

/**
 * How long one request may go unanswered before it fails. 30 s: the client's own watch allows a
 * connection as long; a healthy API server answers in milliseconds and itself gives up on a request at
 * 60 s; and it is one Lease duration, so a run whose server stalls learns it before its Lease lapses
 * unnoticed for longer.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

const signals = new AsyncLocalStorage<AbortSignal | undefined>();

const abortable: Middleware = {
  pre(context: RequestContext) {
    const signal = signals.getStore();
    if (signal) context.setSignal(signal);
    return Promise.resolve(context);
  },
  post: (response: ResponseContext) => Promise.resolve(response),
};

/**
 * A KubeConfig that tells each new credential it puts on a request. An exec plugin, an auth-provider
 * or the in-cluster token file gives its token at run time, so it is not among the kubeconfig's
 * secrets masked before the run; the client authenticates every request, API call and watch alike,
 * through this one method, after which the Authorization header holds what is really sent.
 */
class ReportingKubeConfig extends KubeConfig {
  private readonly told = new Set<string>();

  constructor(private readonly onSecret?: (value: string) => void) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!this.onSecret) return;
    for (const [name, value] of Object.entries(context.getHeaders())) {
      // The credential without its scheme: servers echo the bare token, and hiding it hides the header.
      const credential = name.toLowerCase() === 'authorization' ? value.replace(/^\S+\s+/, '') : '';
      if (!credential || this.told.has(credential)) continue;
      this.told.add(credential);
      this.onSecret(credential);
    }
  }
}

/** Where configuration is looked for, in order, as the error for "none found" says. */
const LOOKED_AT = 'the kubeconfig input, the KUBECONFIG variable, ~/.kube/config, or the in-cluster service account';

/**
 * Loads the configuration. With none at all the client would silently talk to http://localhost:8080;
 * that is refused here so the run fails at once with where configuration is looked for. `onSecret` is
 * told each credential as it is first sent.
 */
export function loadConfig(kubeconfig: string, onSecret?: (value: string) => void): KubeConfig {
  const kc = new ReportingKubeConfig(onSecret);
  if (kubeconfig) {
    // Loaded from memory: the credentials are never written to disk, so there is nothing to clean up.
    kc.loadFromString(kubeconfig);
    return kc;
  }
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST) && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
  if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !inCluster) {
    throw new Error(`no Kubernetes configuration was found; give it as ${LOOKED_AT}`);
  }
  try {
    kc.loadFromDefault();
  } catch (error) {
    const from = process.env.KUBECONFIG ? `KUBECONFIG (${process.env.KUBECONFIG})` : '~/.kube/config or the in-cluster service account';
    throw new Error(`could not load the Kubernetes configuration from ${from}: ${(error as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new Error(`the Kubernetes configuration names no current cluster; looked at ${LOOKED_AT}`);
  return kc;
}

/** The namespace of the current context, else `default`. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}

export interface ClusterOptions {
  /** How long one request may wait for the API server; REQUEST_TIMEOUT_MS unless a test needs it short. */
  requestTimeoutMs?: number;
  /** Told each credential the client first sends (a token an exec plugin minted), so it is masked. */
  onSecret?: (value: string) => void;
}

export class Cluster {
  private readonly api: KubernetesObjectApi;
  private readonly watcher: Watch;
  private readonly requestTimeoutMs: number;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    options: ClusterOptions = {},
  ) {
    const server = kc.getCurrentCluster()!.server;
    this.api = new KubernetesObjectApi(createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: kc }, promiseMiddleware: [abortable] }));
    this.watcher = new Watch(kc);
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /** The object, or undefined when it does not exist ("not found" is a value). */
  get(ref: Ref, signal?: AbortSignal): Promise<Obj | undefined> {
    const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
    return this.call('get', ref, signal, () => this.api.read<Obj>(header), () => undefined);
  }

  async list(apiVersion: string, kind: string, labelSelector: string, signal?: AbortSignal): Promise<Obj[]> {
    const list = await this.call('list', { apiVersion, kind, name: '' }, signal, () =>
      this.api.list<Obj>(apiVersion, kind, this.namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return list.items;
  }

  /** A JSON merge patch (or strategic, for lists merged by key); with metadata.resourceVersion it is a compare-and-swap. */
  patch(ref: Ref, body: Record<string, unknown>, signal?: AbortSignal, strategy: PatchStrategy = PatchStrategy.MergePatch): Promise<Obj> {
    const spec = this.spec(ref, body);
    return this.call('patch', ref, signal, () => this.api.patch<Obj>(spec, undefined, undefined, FIELD_MANAGER, undefined, strategy), undefined, WRITE);
  }

  create(ref: Ref, body: Record<string, unknown>, signal?: AbortSignal): Promise<Obj> {
    const spec = this.spec(ref, body);
    return this.call('create', ref, signal, () => this.api.create<Obj>(spec, undefined, undefined, FIELD_MANAGER), undefined, WRITE);
  }

  replace(ref: Ref, object: Obj, signal?: AbortSignal): Promise<Obj> {
    return this.call('update', ref, signal, () => this.api.replace<Obj>(object, undefined, undefined, FIELD_MANAGER), undefined, WRITE);
  }

  /** Deletes only the version given (a precondition), so an object someone else rewrote is left alone. */
  async delete(ref: Ref, resourceVersion: string, signal?: AbortSignal): Promise<void> {
    const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
    await this.call('delete', ref, signal, () => this.api.delete(header, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } }), () => undefined, WRITE);
  }

  private spec(ref: Ref, body: Record<string, unknown>): Obj {
    return { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...(body.metadata as object), name: ref.name, namespace: this.namespace } };
  }

  /**
   * Watches the objects of `type` in the namespace (narrowed by `query`) until `settled` returns a
   * value, for at most `timeoutMs`. Each (re)opened watch first replays every current object as ADDED,
   * so `objects` always holds the collection as it is. Resolves undefined on timeout; rejects when
   * cancelled. A stalled server cannot hold it: each attempt is ended by the client's own watch
   * timeout (30 s to connect, then 30 s without data) and opened again, and the whole wait by
   * `timeoutMs` and the signal.
   */
  async watchUntil<T>(
    type: { apiVersion: string; kind: string },
    query: Record<string, string>,
    settled: (objects: Map<string, Obj>) => T | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    signal?.throwIfAborted();
    const path = `/${type.apiVersion.includes('/') ? 'apis' : 'api'}/${type.apiVersion}/namespaces/${this.namespace}/${pluralOf(type.kind)}`;
    return new Promise<T | undefined>((resolve, reject) => {
      let current: AbortController | undefined;
      let finished = false;
      const objects = new Map<string, Obj>();
      const finish = (value: T | undefined, error?: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        current?.abort();
        if (error !== undefined) reject(error);
        else resolve(value);
      };
      const onAbort = () => finish(undefined, signal!.reason);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A 4xx (no right to watch, nothing there) will not heal by retrying; anything else is reopened.
      const reopenOrFail = (error: unknown, afterMs: number) => {
        if (finished) return;
        const code = (error as { statusCode?: number } | null)?.statusCode;
        if (code && code >= 400 && code < 500) finish(undefined, describeApiError({ code, body: {} }, 'watch', { ...type, name: '' }, this.namespace));
        else setTimeout(open, afterMs).unref();
      };
      const open = () => {
        if (finished) return;
        objects.clear();
        this.watcher
          .watch(
            path,
            query,
            (type, object: Obj) => {
              const name = object?.metadata?.name;
              if (!name) return;
              if (type === 'DELETED') objects.delete(name);
              else if (type === 'ADDED' || type === 'MODIFIED') objects.set(name, object);
              const value = settled(objects);
              if (value !== undefined) finish(value);
            },
            // Closed by the server or by the client's idle timeout: open again, until done.
            (error: unknown) => reopenOrFail(error, 100),
          )
          .then(
            (controller) => {
              current = controller;
              if (finished) controller.abort();
            },
            (error: unknown) => reopenOrFail(error, 250),
          );
      };
      open();
    });
  }

  /**
   * One request, bounded by the caller's signal and by the request timeout, whether or not a signal
   * is given: a stalled API server fails the call instead of hanging the run. The fetch gets the
   * bound through the middleware; the race also ends a wait in what runs before the fetch (an exec
   * plugin that never answers). A 404 is a value where the caller gives one. A write is bounded
   * tighter (`WRITE`): one stuck on the way (a partition, a frozen proxy) must not land later, when
   * another run may hold the Lease.
   */
  private async call<T>(verb: string, ref: Ref, signal: AbortSignal | undefined, request: () => Promise<T>, notFound?: () => T, kind?: typeof WRITE): Promise<T> {
    signal?.throwIfAborted();
    const limitMs = kind === WRITE ? Math.min(this.requestTimeoutMs, WRITE_TIMEOUT_MS) : this.requestTimeoutMs;
    const timeout = AbortSignal.timeout(limitMs);
    const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await signals.run(bounded, () => untilAborted(bounded, request()));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw timedOut(verb, ref, this.namespace, limitMs, kind === WRITE);
      if (notFound && (error as { code?: number }).code === 404) return notFound();
      throw describeApiError(error, verb, ref, this.namespace);
    }
  }
}

/** The work's result, or the signal's reason as soon as it aborts, whichever comes first. */
function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * The cluster, or why there is none: a missing configuration is a bad input, which preflight reports.
 * `options.onSecret` (from the router's deps) is told each credential first sent, so it is masked.
 */
export function connect(s: { kubeconfig: string; namespace: string }, options: ClusterOptions = {}): Cluster | Error {
  try {
    const kc = loadConfig(s.kubeconfig, options.onSecret);
    return new Cluster(kc, s.namespace || contextNamespace(kc), options);
  } catch (error) {
    return error as Error;
  }
}
