/**
 * The cluster connection, on `@kubernetes/client-node`: its KubeConfig (every auth form: client
 * certificates, tokens, exec plugins, in-cluster), its generic object API (one client for Services,
 * Deployments, HTTPRoutes and Leases) and its watch. Two things are ours: the run's AbortSignal reaches
 * every request through a middleware (the client has no per-call signal), and a watch is re-opened when
 * the server closes it (the client ends a watch after 30 s without events).
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
import { describeApiError, pluralOf } from './errors.js';
import { WRITE_TIMEOUT_MS } from './lease.js';

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

const signals = new AsyncLocalStorage<AbortSignal | undefined>();

const abortable: Middleware = {
  pre(context: RequestContext) {
    const signal = signals.getStore();
    if (signal) context.setSignal(signal);
    return Promise.resolve(context);
  },
  post: (response: ResponseContext) => Promise.resolve(response),
};

/** Where configuration is looked for, in order, as the error for "none found" says. */
const LOOKED_AT = 'the kubeconfig input, the KUBECONFIG variable, ~/.kube/config, or the in-cluster service account';

/**
 * Loads the configuration. With none at all the client would silently talk to http://localhost:8080;
 * that is refused here so the run fails at once with where configuration is looked for.
 */
export function loadConfig(kubeconfig: string): KubeConfig {
  const kc = new KubeConfig();
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

export class Cluster {
  private readonly api: KubernetesObjectApi;
  private readonly watcher: Watch;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    const server = kc.getCurrentCluster()!.server;
    this.api = new KubernetesObjectApi(createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: kc }, promiseMiddleware: [abortable] }));
    this.watcher = new Watch(kc);
  }

  /** The object, or undefined when it does not exist ("not found" is a value). */
  async get(ref: Ref, signal?: AbortSignal): Promise<Obj | undefined> {
    try {
      return await this.call(signal, () => this.api.read<Obj>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } }));
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw describeApiError(error, 'get', ref, this.namespace);
    }
  }

  async list(apiVersion: string, kind: string, labelSelector: string, signal?: AbortSignal): Promise<Obj[]> {
    const ref = { apiVersion, kind, name: '' };
    try {
      const list = await this.call(signal, () => this.api.list<Obj>(apiVersion, kind, this.namespace, undefined, undefined, undefined, undefined, labelSelector));
      return list.items;
    } catch (error) {
      throw describeApiError(error, 'list', ref, this.namespace);
    }
  }

  /** A JSON merge patch (or strategic, for lists merged by key); with metadata.resourceVersion it is a compare-and-swap. */
  async patch(ref: Ref, body: Record<string, unknown>, signal?: AbortSignal, strategy: PatchStrategy = PatchStrategy.MergePatch): Promise<Obj> {
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...(body.metadata as object), name: ref.name, namespace: this.namespace } };
    return this.write('patch', ref, signal, () => this.api.patch<Obj>(spec, undefined, undefined, FIELD_MANAGER, undefined, strategy));
  }

  async create(ref: Ref, body: Record<string, unknown>, signal?: AbortSignal): Promise<Obj> {
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...(body.metadata as object), name: ref.name, namespace: this.namespace } };
    return this.write('create', ref, signal, () => this.api.create<Obj>(spec, undefined, undefined, FIELD_MANAGER));
  }

  async replace(ref: Ref, object: Obj, signal?: AbortSignal): Promise<Obj> {
    return this.write('update', ref, signal, () => this.api.replace<Obj>(object, undefined, undefined, FIELD_MANAGER));
  }

  /** Deletes only the version given (a precondition), so an object someone else rewrote is left alone. */
  async delete(ref: Ref, resourceVersion: string, signal?: AbortSignal): Promise<void> {
    const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
    const gone = (error: unknown) => ((error as { code?: number }).code === 404 ? undefined : Promise.reject(error));
    await this.write('delete', ref, signal, () => this.api.delete(header, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } }).catch(gone));
  }

  /**
   * Watches the objects of `type` in the namespace (narrowed by `query`) until `settled` returns a
   * value, for at most `timeoutMs`. Each (re)opened watch first replays every current object as ADDED,
   * so `objects` always holds the collection as it is. Resolves undefined on timeout; rejects when
   * cancelled.
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
   * A write, given up after WRITE_TIMEOUT_MS (or when `signal` aborts): a write stuck on the way (a
   * partition, a frozen proxy) must not land later, when another run may hold the Lease.
   */
  private async write<T>(verb: string, ref: Ref, signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T> {
    const limit = AbortSignal.timeout(WRITE_TIMEOUT_MS);
    try {
      return await this.call(signal ? AbortSignal.any([signal, limit]) : limit, request);
    } catch (error) {
      if (limit.aborted && !signal?.aborted) {
        throw new Error(`could not ${verb} ${ref.kind} "${ref.name}" in namespace "${this.namespace}": no answer within ${WRITE_TIMEOUT_MS / 1000} s, so the write was given up`);
      }
      throw describeApiError(error, verb, ref, this.namespace);
    }
  }

  private call<T>(signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    return signals.run(signal, request);
  }
}

/** The cluster, or why there is none: a missing configuration is a bad input, which preflight reports. */
export function connect(s: { kubeconfig: string; namespace: string }): Cluster | Error {
  try {
    const kc = loadConfig(s.kubeconfig);
    return new Cluster(kc, s.namespace || contextNamespace(kc));
  } catch (error) {
    return error as Error;
  }
}
