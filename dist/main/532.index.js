export const id = 532;
export const ids = [532];
export const modules = {

/***/ 8705:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  d2: () => (/* binding */ Cluster),
  Ng: () => (/* binding */ connect)
});

// UNUSED EXPORTS: FIELD_MANAGER, REQUEST_TIMEOUT_MS, contextNamespace, loadConfig

// EXTERNAL MODULE: external "node:async_hooks"
var external_node_async_hooks_ = __webpack_require__(6698);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/index.js + 874 modules
var dist = __webpack_require__(2953);
// EXTERNAL MODULE: ./lib/infra/duration.js
var duration = __webpack_require__(5676);
;// CONCATENATED MODULE: ./lib/routers/kubernetes/errors.js
/**
 * API errors said in the user's terms: what was refused, on which object, and what to do. The API's
 * Status body carries the facts (reason, message, details); we keep its message where it is the most
 * precise thing to say (422), and name the missing right where RBAC refused (403).
 */

/** The resource as RBAC names it: `services`, `deployments.apps`, `httproutes.gateway.networking.k8s.io`. */
function rbacResource(ref) {
    const plural = pluralOf(ref.kind);
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    return group ? `${plural}.${group}` : plural;
}
/** The resource name in URLs and RBAC rules: `Deployment` → `deployments`. */
function pluralOf(kind) {
    return PLURALS[kind] ?? `${kind.toLowerCase()}s`;
}
const PLURALS = {
    Service: 'services',
    Deployment: 'deployments',
    HTTPRoute: 'httproutes',
    Lease: 'leases',
    Pod: 'pods',
    EndpointSlice: 'endpointslices',
    ReplicaSet: 'replicasets',
};
function body(error) {
    const raw = error.body;
    if (typeof raw === 'string') {
        try {
            return JSON.parse(raw);
        }
        catch {
            return { message: raw };
        }
    }
    return raw ?? {};
}
/** The object a call was about, or the resource for a call on a collection (list, watch). */
function objectOf(ref) {
    return ref.name ? `${ref.kind} "${ref.name}"` : rbacResource(ref);
}
/** A request the API server left unanswered: which call, on what, and how long it waited. */
function timedOut(verb, ref, namespace, ms) {
    return new Error(`could not ${verb} ${objectOf(ref)} in namespace "${namespace}": timed out after ${(0,duration/* formatDuration */.a3)(ms)} without an answer from the API server`);
}
/** Turns a client error into one that names the verb, the object and the remedy. Others pass through. */
function describeApiError(error, verb, ref, namespace) {
    const code = error.code;
    if (typeof code !== 'number')
        return error instanceof Error ? error : new Error(String(error));
    const status = body(error);
    const object = objectOf(ref);
    const where = `in namespace "${namespace}"`;
    switch (code) {
        case 401:
            return new Error(`the cluster did not accept the credentials (401 Unauthorized) when trying to ${verb} ${object} ${where}; check the kubeconfig's user (an expired token?)`);
        case 403:
            return new Error(`the credentials may not ${verb} ${rbacResource(ref)} ${where} (403 Forbidden): grant "${verb}" on "${rbacResource(ref)}" in the Role the action runs with (kubernetes/role.yaml in the action's repository lists every right it needs)`);
        case 404:
            return new Error(`${object} was not found ${where}`);
        case 409:
            return new Error(`${object} ${where} was changed by someone else between this run's read and its ${verb} (409 Conflict: ${status.message ?? 'the object has been modified'}); nothing was overwritten`);
        case 422:
            return new Error(`the API refused to ${verb} ${object} ${where} (422 Invalid): ${status.message ?? 'no message'}`);
        default:
            return new Error(`could not ${verb} ${object} ${where}: HTTP ${code}${status.message ? `: ${status.message}` : ''}`);
    }
}

;// CONCATENATED MODULE: ./lib/routers/kubernetes/client.js
/**
 * The cluster connection, on `@kubernetes/client-node`: its KubeConfig (every auth form: client
 * certificates, tokens, exec plugins, in-cluster), its generic object API (one client for Services,
 * Deployments, HTTPRoutes and Leases) and its watch. What is ours: the run's AbortSignal, bounded by a
 * per-request timeout, reaches every request through a middleware (the client has no per-call signal
 * and no timeout of its own); each credential the client sends is told to `onSecret`, so a token an
 * exec plugin mints is masked; and a watch is re-opened when the server closes it (the client ends a
 * watch after 30 s without events).
 */






/** The field manager our writes are recorded under (`kubectl get -o yaml --show-managed-fields`). */
const FIELD_MANAGER = 'blue-green-action';
/**
 * How long one request may go unanswered before it fails. 30 s: the client's own watch allows a
 * connection as long; a healthy API server answers in milliseconds and itself gives up on a request at
 * 60 s; and it is one Lease duration, so a run whose server stalls learns it before its Lease lapses
 * unnoticed for longer.
 */
const REQUEST_TIMEOUT_MS = 30_000;
const signals = new external_node_async_hooks_.AsyncLocalStorage();
const abortable = {
    pre(context) {
        const signal = signals.getStore();
        if (signal)
            context.setSignal(signal);
        return Promise.resolve(context);
    },
    post: (response) => Promise.resolve(response),
};
/**
 * A KubeConfig that tells each new credential it puts on a request. An exec plugin, an auth-provider
 * or the in-cluster token file gives its token at run time, so it is not among the kubeconfig's
 * secrets masked before the run; the client authenticates every request, API call and watch alike,
 * through this one method, after which the Authorization header holds what is really sent.
 */
class ReportingKubeConfig extends dist/* KubeConfig */.ypW {
    onSecret;
    told = new Set();
    constructor(onSecret) {
        super();
        this.onSecret = onSecret;
    }
    async applySecurityAuthentication(context) {
        await super.applySecurityAuthentication(context);
        if (!this.onSecret)
            return;
        for (const [name, value] of Object.entries(context.getHeaders())) {
            // The credential without its scheme: servers echo the bare token, and hiding it hides the header.
            const credential = name.toLowerCase() === 'authorization' ? value.replace(/^\S+\s+/, '') : '';
            if (!credential || this.told.has(credential))
                continue;
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
function loadConfig(kubeconfig, onSecret) {
    const kc = new ReportingKubeConfig(onSecret);
    if (kubeconfig) {
        // Loaded from memory: the credentials are never written to disk, so there is nothing to clean up.
        kc.loadFromString(kubeconfig);
        return kc;
    }
    const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST) && (0,external_node_fs_.existsSync)('/var/run/secrets/kubernetes.io/serviceaccount/token');
    if (!process.env.KUBECONFIG && !(0,external_node_fs_.existsSync)((0,external_node_path_.join)((0,external_node_os_.homedir)(), '.kube', 'config')) && !inCluster) {
        throw new Error(`no Kubernetes configuration was found; give it as ${LOOKED_AT}`);
    }
    try {
        kc.loadFromDefault();
    }
    catch (error) {
        const from = process.env.KUBECONFIG ? `KUBECONFIG (${process.env.KUBECONFIG})` : '~/.kube/config or the in-cluster service account';
        throw new Error(`could not load the Kubernetes configuration from ${from}: ${error.message}`);
    }
    if (!kc.getCurrentCluster())
        throw new Error(`the Kubernetes configuration names no current cluster; looked at ${LOOKED_AT}`);
    return kc;
}
/** The namespace of the current context, else `default`. */
function contextNamespace(kc) {
    return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
class Cluster {
    namespace;
    api;
    watcher;
    requestTimeoutMs;
    constructor(kc, namespace, options = {}) {
        this.namespace = namespace;
        const server = kc.getCurrentCluster().server;
        this.api = new dist/* KubernetesObjectApi */.e1Y((0,dist/* createConfiguration */.$v4)({ baseServer: new dist/* ServerConfiguration */.i04(server, {}), authMethods: { default: kc }, promiseMiddleware: [abortable] }));
        this.watcher = new dist/* Watch */.ox1(kc);
        this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    }
    /** The object, or undefined when it does not exist ("not found" is a value). */
    get(ref, signal) {
        const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
        return this.call('get', ref, signal, () => this.api.read(header), () => undefined);
    }
    async list(apiVersion, kind, labelSelector, signal) {
        const list = await this.call('list', { apiVersion, kind, name: '' }, signal, () => this.api.list(apiVersion, kind, this.namespace, undefined, undefined, undefined, undefined, labelSelector));
        return list.items;
    }
    /** A JSON merge patch (or strategic, for lists merged by key); with metadata.resourceVersion it is a compare-and-swap. */
    patch(ref, body, signal, strategy = dist/* PatchStrategy */.Qve.MergePatch) {
        const spec = this.spec(ref, body);
        return this.call('patch', ref, signal, () => this.api.patch(spec, undefined, undefined, FIELD_MANAGER, undefined, strategy));
    }
    create(ref, body, signal) {
        const spec = this.spec(ref, body);
        return this.call('create', ref, signal, () => this.api.create(spec, undefined, undefined, FIELD_MANAGER));
    }
    replace(ref, object, signal) {
        return this.call('update', ref, signal, () => this.api.replace(object, undefined, undefined, FIELD_MANAGER));
    }
    /** Deletes only the version given (a precondition), so an object someone else rewrote is left alone. */
    async delete(ref, resourceVersion, signal) {
        const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
        await this.call('delete', ref, signal, () => this.api.delete(header, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } }), () => undefined);
    }
    spec(ref, body) {
        return { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...body.metadata, name: ref.name, namespace: this.namespace } };
    }
    /**
     * Watches the objects of `type` in the namespace (narrowed by `query`) until `settled` returns a
     * value, for at most `timeoutMs`. Each (re)opened watch first replays every current object as ADDED,
     * so `objects` always holds the collection as it is. Resolves undefined on timeout; rejects when
     * cancelled. A stalled server cannot hold it: each attempt is ended by the client's own watch
     * timeout (30 s to connect, then 30 s without data) and opened again, and the whole wait by
     * `timeoutMs` and the signal.
     */
    async watchUntil(type, query, settled, timeoutMs, signal) {
        signal?.throwIfAborted();
        const path = `/${type.apiVersion.includes('/') ? 'apis' : 'api'}/${type.apiVersion}/namespaces/${this.namespace}/${pluralOf(type.kind)}`;
        return new Promise((resolve, reject) => {
            let current;
            let finished = false;
            const objects = new Map();
            const finish = (value, error) => {
                if (finished)
                    return;
                finished = true;
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
                current?.abort();
                if (error !== undefined)
                    reject(error);
                else
                    resolve(value);
            };
            const onAbort = () => finish(undefined, signal.reason);
            const timer = setTimeout(() => finish(undefined), timeoutMs);
            signal?.addEventListener('abort', onAbort, { once: true });
            // A 4xx (no right to watch, nothing there) will not heal by retrying; anything else is reopened.
            const reopenOrFail = (error, afterMs) => {
                if (finished)
                    return;
                const code = error?.statusCode;
                if (code && code >= 400 && code < 500)
                    finish(undefined, describeApiError({ code, body: {} }, 'watch', { ...type, name: '' }, this.namespace));
                else
                    setTimeout(open, afterMs).unref();
            };
            const open = () => {
                if (finished)
                    return;
                objects.clear();
                this.watcher
                    .watch(path, query, (type, object) => {
                    const name = object?.metadata?.name;
                    if (!name)
                        return;
                    if (type === 'DELETED')
                        objects.delete(name);
                    else if (type === 'ADDED' || type === 'MODIFIED')
                        objects.set(name, object);
                    const value = settled(objects);
                    if (value !== undefined)
                        finish(value);
                }, 
                // Closed by the server or by the client's idle timeout: open again, until done.
                (error) => reopenOrFail(error, 100))
                    .then((controller) => {
                    current = controller;
                    if (finished)
                        controller.abort();
                }, (error) => reopenOrFail(error, 250));
            };
            open();
        });
    }
    /**
     * One request, bounded by the caller's signal and by the request timeout, whether or not a signal
     * is given: a stalled API server fails the call instead of hanging the run. The fetch gets the
     * bound through the middleware; the race also ends a wait in what runs before the fetch (an exec
     * plugin that never answers). A 404 is a value where the caller gives one.
     */
    async call(verb, ref, signal, request, notFound) {
        signal?.throwIfAborted();
        const timeout = AbortSignal.timeout(this.requestTimeoutMs);
        const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
        try {
            return await signals.run(bounded, () => untilAborted(bounded, request()));
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            if (timeout.aborted)
                throw timedOut(verb, ref, this.namespace, this.requestTimeoutMs);
            if (notFound && error.code === 404)
                return notFound();
            throw describeApiError(error, verb, ref, this.namespace);
        }
    }
}
/** The work's result, or the signal's reason as soon as it aborts, whichever comes first. */
function untilAborted(signal, work) {
    return new Promise((resolve, reject) => {
        const stop = () => reject(signal.reason);
        signal.addEventListener('abort', stop, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    });
}
/**
 * The cluster, or why there is none: a missing configuration is a bad input, which preflight reports.
 * `options.onSecret` (from the router's deps) is told each credential first sent, so it is masked.
 */
function connect(s, options = {}) {
    try {
        const kc = loadConfig(s.kubeconfig, options.onSecret);
        return new Cluster(kc, s.namespace || contextNamespace(kc), options);
    }
    catch (error) {
        return error;
    }
}


/***/ }),

/***/ 9210:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ft: () => (/* binding */ isPodReady),
/* harmony export */   OI: () => (/* binding */ rolloutStatus),
/* harmony export */   SY: () => (/* binding */ selectorQuery),
/* harmony export */   qi: () => (/* binding */ podNotReadyReason)
/* harmony export */ });
function rolloutStatus(deployment) {
    const name = deployment.metadata?.name ?? 'deployment';
    const generation = deployment.metadata?.generation ?? 0;
    const status = deployment.status ?? {};
    if (generation > (status.observedGeneration ?? 0))
        return { state: 'waiting', message: `waiting for the controller to observe ${name}'s new spec` };
    const progressing = (status.conditions ?? []).find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return { state: 'failed', message: `${name} exceeded its progress deadline: ${progressing.message ?? 'no message'}` };
    }
    const wanted = deployment.spec?.replicas ?? 1;
    const updated = status.updatedReplicas ?? 0;
    const total = status.replicas ?? 0;
    const available = status.availableReplicas ?? 0;
    const figures = `${updated}/${wanted} updated, ${available} available`;
    if (updated < wanted)
        return { state: 'waiting', message: `${figures}: waiting for new replicas to be updated` };
    if (total > updated)
        return { state: 'waiting', message: `${figures}: ${total - updated} old replica(s) pending termination` };
    if (available < updated)
        return { state: 'waiting', message: `${figures}: waiting for updated replicas to be available` };
    return { state: 'done', message: `${figures}: rolled out` };
}
/** Why a pod is not ready, from its status: the first waiting container, else the first false condition. */
function podNotReadyReason(pod) {
    const status = pod.status ?? {};
    const ready = (status.conditions ?? []).find((c) => c.type === 'Ready');
    if (ready?.status === 'True')
        return undefined;
    const name = pod.metadata?.name ?? 'pod';
    for (const container of status.containerStatuses ?? []) {
        const waiting = container.state?.waiting;
        if (waiting?.reason)
            return `pod ${name}: container ${container.name} is ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
        const terminated = container.state?.terminated;
        if (terminated?.reason)
            return `pod ${name}: container ${container.name} ${terminated.reason} (exit ${terminated.exitCode})`;
    }
    const failing = (status.conditions ?? []).find((c) => c.status === 'False' && (c.reason || c.message));
    if (failing)
        return `pod ${name}: ${failing.type} is False: ${failing.reason ?? ''}${failing.message ? ` (${failing.message})` : ''}`;
    return `pod ${name} is ${status.phase ?? 'not ready'}`;
}
function isPodReady(pod) {
    return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') && !pod.metadata?.deletionTimestamp;
}
/** A label selector as the API takes it in a query: `app=myapp,version=blue`. */
function selectorQuery(labels) {
    return Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
}


/***/ }),

/***/ 5532:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createKubernetesRouter: () => (/* binding */ createKubernetesRouter)
});

// UNUSED EXPORTS: STAGED_ANNOTATION

// EXTERNAL MODULE: ./lib/routers/compare.js
var compare = __webpack_require__(9369);
// EXTERNAL MODULE: ./lib/routers/kubernetes/client.js + 1 modules
var client = __webpack_require__(8705);
;// CONCATENATED MODULE: ./lib/routers/kubernetes/endpoints.js
/** What the slices route to now: ready endpoints of the given pods, and endpoints of any other pod. */
function sliceCounts(slices, targetPods) {
    let ready = 0;
    let others = 0;
    for (const slice of slices) {
        for (const endpoint of slice.endpoints ?? []) {
            const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
            if (!pod || !targetPods.has(pod))
                others++;
            // `ready` unset means ready (the API's rule for consumers).
            else if (endpoint.conditions?.ready !== false)
                ready++;
        }
    }
    return { ready, others };
}
/**
 * Waits, with a watch, until the Service's EndpointSlices route only to `targetPods`. Resolves with the
 * time it took and the ready endpoints; throws with what the slices still show when `timeoutMs` passes.
 */
async function waitForEndpoints(cluster, service, targetPods, color, timeoutMs, signal) {
    const started = performance.now();
    let last = { ready: 0, others: 0 };
    const done = await cluster.watchUntil({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' }, { labelSelector: `kubernetes.io/service-name=${service}` }, (slices) => {
        last = sliceCounts(slices.values(), targetPods);
        return last.others === 0 && last.ready > 0 ? { ms: Math.round(performance.now() - started), ready: last.ready } : undefined;
    }, timeoutMs, signal);
    if (done)
        return done;
    throw new Error(`Service "${service}" still did not route only to ${color} after ${Math.round(timeoutMs / 1000)}s: its EndpointSlices list ${last.ready} ready ${color} endpoint(s) and ${last.others} other(s)`);
}

// EXTERNAL MODULE: ./lib/infra/fence.js
var fence = __webpack_require__(1683);
// EXTERNAL MODULE: ./lib/infra/log.js
var infra_log = __webpack_require__(4600);
;// CONCATENATED MODULE: ./lib/routers/kubernetes/lease.js


const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
const LEASE_SECONDS = 30;
/** Three renewals fit in the time the holder vouches for itself, so one slow or lost call costs nothing. */
const RENEW_MS = 5_000;
/** A holder stops writing this long before a waiter could take over: the time a write may take to land. */
const MARGIN_MS = 10_000;
/** A renewal that has not answered by the next one is abandoned (the fence still counts from the last success). */
const RENEW_TIMEOUT_MS = 4_000;
const POLL_MS = 500;
/** MicroTime, as the API writes it: six decimals. Informative only: nobody judges expiry by it. */
function microTime(ms) {
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
const conflict = (error) => (/409 Conflict|already exists/i.test((0,infra_log/* errorMessage */.gJ)(error)) ? undefined : Promise.reject(error));
async function takeLease(cluster, name, holder, timeoutMs, clock, log, signal) {
    const ref = { ...LEASE, name };
    const deadline = clock.monotonic() + timeoutMs;
    const spec = (acquired) => ({ holderIdentity: holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(acquired), renewTime: microTime(clock.now()) });
    const observer = new fence/* Observer */.nu(clock);
    let told = false;
    for (;;) {
        const started = clock.monotonic();
        const lease = await cluster.get(ref, signal);
        let held;
        if (!lease) {
            held = await cluster.create(ref, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'blue-green-action' } }, spec: spec(clock.now()) }, signal).catch(conflict);
        }
        else if (!lease.spec?.holderIdentity || lease.spec.holderIdentity === holder || gone(lease, observer)) {
            if (lease.spec?.holderIdentity && lease.spec.holderIdentity !== holder) {
                log.info(`Taking over Lease "${name}" from ${lease.spec.holderIdentity}: it was not renewed for ${leaseSeconds(lease)} s (as seen from this runner).`);
            }
            held = await cluster.patch(ref, { metadata: { resourceVersion: lease.metadata?.resourceVersion }, spec: spec(clock.now()) }, signal).catch(conflict);
        }
        else if (clock.monotonic() >= deadline) {
            throw new Error(`another run holds Lease "${name}" in namespace "${cluster.namespace}" (${lease.spec?.holderIdentity}, last renewed at ${lease.spec?.renewTime} by its own clock); waited lock-timeout for it. Nothing was changed.`);
        }
        else if (!told) {
            told = true;
            log.info(`Waiting for Lease "${name}": held by ${lease.spec?.holderIdentity}.`);
        }
        if (held)
            return keep(cluster, ref, held, spec, clock, log, started);
        await clock.sleep(POLL_MS, signal);
    }
}
function leaseSeconds(lease) {
    const seconds = Number(lease.spec?.leaseDurationSeconds);
    return Number.isFinite(seconds) && seconds > 0 ? seconds : LEASE_SECONDS;
}
/** The holder is gone when this runner saw its record unchanged for the Lease's whole duration. */
function gone(lease, observer) {
    return observer.unchangedFor(String(lease.metadata?.resourceVersion), leaseSeconds(lease) * 1000);
}
/** Renews the Lease while held; the fence says when this run can no longer vouch for it. */
function keep(cluster, ref, held, spec, clock, log, started) {
    let current = held;
    const acquired = Date.parse(String(held.spec?.acquireTime)) || clock.now();
    const term = new fence/* LeaseTerm */.RL(clock, LEASE_SECONDS * 1000, MARGIN_MS, started);
    let taken;
    let renewing = Promise.resolve();
    let warned = false;
    const renew = async () => {
        const at = clock.monotonic();
        try {
            current = await cluster.patch(ref, { metadata: { resourceVersion: current.metadata?.resourceVersion }, spec: spec(acquired) }, AbortSignal.timeout(RENEW_TIMEOUT_MS));
            term.confirmed(at);
        }
        catch (error) {
            // A renewal that timed out here may still have landed: a 409 is someone else only if the Lease names them.
            if (/409 Conflict|404|not found/i.test((0,infra_log/* errorMessage */.gJ)(error))) {
                const now = await cluster.get(ref, AbortSignal.timeout(RENEW_TIMEOUT_MS)).catch(() => current);
                if (now?.spec?.holderIdentity === current.spec?.holderIdentity)
                    current = now;
                else {
                    taken = `Lease "${ref.name}" was ${now ? `taken by ${now.spec?.holderIdentity ?? 'nobody'}` : 'removed'} while this run held it`;
                    clearInterval(timer);
                }
            }
            if (!warned || taken)
                log.warning(`Could not renew Lease "${ref.name}": ${taken ?? (0,infra_log/* errorMessage */.gJ)(error)}`, 'Lease');
            warned = true;
        }
    };
    const timer = setInterval(() => {
        renewing = renew();
    }, RENEW_MS);
    timer.unref();
    return {
        lost: async () => taken ?? term.expired(`Lease "${ref.name}"`),
        release: async () => {
            clearInterval(timer);
            await renewing;
            if (taken)
                return;
            await cluster.delete(ref, String(current.metadata?.resourceVersion), AbortSignal.timeout(RENEW_TIMEOUT_MS * 2)).catch((error) => {
                log.warning(`Could not release Lease "${ref.name}" (another run takes it over once it sees it unrenewed for ${LEASE_SECONDS}s): ${(0,infra_log/* errorMessage */.gJ)(error)}`, 'Lease');
            });
        },
    };
}

// EXTERNAL MODULE: ./lib/routers/kubernetes/rollout.js
var rollout = __webpack_require__(9210);
;// CONCATENATED MODULE: ./lib/routers/kubernetes/traffic.js
const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const HTTP_ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
/**
 * Who last wrote the selector: the managedFields entry owning it (manager, operation and time). A
 * Service's selector is an atomic map, so its owner is recorded as `f:selector: {}`, whole, and every
 * write of it by anyone moves it to that writer; writes to other fields (annotations, status) do not,
 * unlike resourceVersion. (An entry naming the color key itself is accepted too.) Times are to the
 * second: two writes by one manager within a second look alike.
 */
function selectorRevision(service, label) {
    const owners = (service.metadata?.managedFields ?? []).filter((entry) => {
        const selector = entry.fieldsV1?.['f:spec']?.['f:selector'];
        return selector && (Object.keys(selector).length === 0 || `f:${label}` in selector);
    });
    const time = (entry) => String(entry.time instanceof Date ? entry.time.toISOString() : entry.time);
    const last = owners.sort((a, b) => time(b).localeCompare(time(a)))[0];
    return last ? `${last.manager} ${last.operation} ${time(last)}` : undefined;
}
function serviceState(service, label, colors) {
    const value = service.spec?.selector?.[label];
    const name = service.metadata?.name;
    if (value === undefined)
        return { revision: selectorRevision(service, label) };
    if (!colors.includes(value)) {
        throw new Error(`Service "${name}" selects ${label}=${value}, which is not one of the colors (${colors.join(', ')}); fix the selector or the colors input.`);
    }
    return { active: value, revision: selectorRevision(service, label) };
}
/** The backendRefs that name a color Service (`{service}-{color}`) in the route's own namespace. */
function colorRefs(route, serviceFor, colors) {
    const refs = new Map(colors.map((c) => [c, []]));
    const namespace = route.metadata?.namespace;
    for (const rule of route.spec?.rules ?? []) {
        for (const ref of (rule.backendRefs ?? [])) {
            if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '' || (ref.namespace && ref.namespace !== namespace))
                continue;
            for (const color of colors)
                if (ref.name === serviceFor(color))
                    refs.get(color).push(ref);
        }
    }
    return refs;
}
/** Rules that route to the colors must name both, so a flip changes weights, never the route's shape. */
function routeProblems(route, serviceFor, colors) {
    const rules = (route.spec?.rules ?? []);
    const names = colors.map(serviceFor);
    const relevant = rules.filter((rule) => (rule.backendRefs ?? []).some((ref) => names.includes(ref.name ?? '')));
    if (!relevant.length)
        return [`HTTPRoute "${route.metadata?.name}" has no backendRef to ${names.join(' or ')}`];
    return relevant.flatMap((rule, i) => {
        const missing = names.filter((name) => !(rule.backendRefs ?? []).some((ref) => ref.name === name));
        return missing.length ? [`HTTPRoute "${route.metadata?.name}" has a rule (#${i + 1} of those routing to the colors) without a backendRef to ${missing.join(', ')}`] : [];
    });
}
function routeState(route, serviceFor, colors) {
    const refs = colorRefs(route, serviceFor, colors);
    // Every rule carries the same split (setWeights writes them all alike); the first one speaks for all.
    const weight = (color) => {
        const ref = refs.get(color)?.[0];
        return ref ? (ref.weight ?? 1) : 0;
    };
    const [a, b] = colors;
    const revision = `generation ${route.metadata?.generation ?? 0}`;
    const total = weight(a) + weight(b);
    if (total === 0)
        return { revision };
    if (weight(b) === 0)
        return { active: a, revision };
    if (weight(a) === 0)
        return { active: b, revision };
    const share = Math.round((weight(a) * 100) / total);
    return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share }, revision };
}
/** The route's rules with `percent` on `to` and the rest on the other color; everything else as read. */
function weightedRules(route, serviceFor, colors, to, percent) {
    const rules = structuredClone(route.spec?.rules ?? []);
    const names = new Map(colors.map((color) => [serviceFor(color), color]));
    for (const rule of rules) {
        for (const ref of rule.backendRefs ?? []) {
            const color = ref.name !== undefined ? names.get(ref.name) : undefined;
            if (color !== undefined && (ref.kind ?? 'Service') === 'Service')
                ref.weight = color === to ? percent : 100 - percent;
        }
    }
    return rules;
}

;// CONCATENATED MODULE: ./lib/routers/kubernetes/router.js






const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const POD = { apiVersion: 'v1', kind: 'Pod' };
/** Where a color's staged version is recorded: an annotation on its Deployment, visible to kubectl. */
const STAGED_ANNOTATION = 'blue-green-action/staged';
/** How long a flip may wait for the EndpointSlices to follow: they do in milliseconds when pods are ready. */
const CONVERGE_MAX_MS = 60_000;
async function createKubernetesRouter(s, deps) {
    return new KubernetesRouter(s, deps, (0,client/* connect */.Ng)(s, { onSecret: deps.onSecret }));
}
/**
 * Flips a Service's selector key (or an HTTPRoute's weights) by a compare-and-swap patch, and calls
 * the flip done only when the EndpointSlices route to the target's ready pods.
 */
class KubernetesRouter {
    s;
    deps;
    connection;
    description;
    converged = [];
    preview;
    afterPromotion;
    constructor(s, deps, connection) {
        this.s = s;
        this.deps = deps;
        this.connection = connection;
        const where = connection instanceof client/* Cluster */.d2 ? ` in namespace ${connection.namespace}` : '';
        this.description = s.httpRoute ? `Kubernetes HTTPRoute ${s.httpRoute}${where}` : `Kubernetes Service ${s.service}${where}`;
        if (s.previewService)
            this.preview = (color, signal) => this.pointPreview(color, signal);
        if (s.scaleDownDelayMs > 0)
            this.afterPromotion = (target, previous, signal) => this.scaleDown(target, previous, signal);
    }
    get notes() {
        return this.converged;
    }
    get cluster() {
        if (this.connection instanceof Error)
            throw this.connection;
        return this.connection;
    }
    colorService(color) {
        return `${this.s.service}-${color}`;
    }
    deploymentName(color) {
        return this.s.deployment.replaceAll('{service}', this.s.service).replaceAll('{color}', color);
    }
    async preflight() {
        if (this.connection instanceof Error)
            return [`Input 'kubeconfig': ${this.connection.message}.`];
        const { s, cluster } = this;
        const missing = async (input, ref, note = '') => (await cluster.get(ref)) ? [] : [`Input '${input}': ${ref.kind} "${ref.name}"${note} was not found in namespace "${cluster.namespace}".`];
        const problems = await missing('service', { ...SERVICE, name: s.service });
        if (s.previewService)
            problems.push(...(await missing('preview-service', { ...SERVICE, name: s.previewService })));
        if (s.httpRoute) {
            const route = await cluster.get({ ...HTTP_ROUTE, name: s.httpRoute });
            if (!route)
                problems.push(`Input 'http-route': HTTPRoute "${s.httpRoute}" was not found in namespace "${cluster.namespace}".`);
            else
                problems.push(...routeProblems(route, (c) => this.colorService(c), this.deps.colors).map((p) => `Input 'http-route': ${p}.`));
            for (const color of this.deps.colors)
                problems.push(...(await missing('http-route', { ...SERVICE, name: this.colorService(color) }, ` (the ${color} backend)`)));
        }
        if (s.image) {
            for (const color of this.deps.colors) {
                problems.push(...(await missing('deployment', { ...DEPLOYMENT, name: this.deploymentName(color) }, ` (from "${s.deployment}" for ${color})`)));
            }
        }
        return problems;
    }
    async read(signal) {
        return this.stateOf(await this.current(signal));
    }
    async current(signal) {
        const ref = this.s.httpRoute ? { ...HTTP_ROUTE, name: this.s.httpRoute } : { ...SERVICE, name: this.s.service };
        const object = await this.cluster.get(ref, signal);
        if (!object)
            throw new Error(`${ref.kind} "${ref.name}" was not found in namespace "${this.cluster.namespace}"`);
        return object;
    }
    stateOf(object) {
        return this.s.httpRoute ? routeState(object, (c) => this.colorService(c), this.deps.colors) : serviceState(object, this.s.colorLabel, this.deps.colors);
    }
    flip(to, expected, signal) {
        return this.change(to, 100, expected, signal);
    }
    setWeights(to, percent, expected, signal) {
        return this.change(to, percent, expected, signal);
    }
    /** Compare (what this run expects) and swap (guarded by the resourceVersion just read). */
    async change(to, percent, expected, signal) {
        const object = await this.current(signal);
        (0,compare/* assertExpected */.FV)(this.description, this.stateOf(object), expected);
        const resourceVersion = object.metadata?.resourceVersion;
        if (this.s.httpRoute) {
            await this.requireReadyPods(to, await this.selectorOf(this.colorService(to), signal), signal);
            const rules = weightedRules(object, (c) => this.colorService(c), this.deps.colors, to, percent);
            await this.deps.fence.check(`The change of ${this.description} to ${percent}% ${to}`);
            await this.write({ ...HTTP_ROUTE, name: this.s.httpRoute }, { metadata: { resourceVersion }, spec: { rules } }, signal);
            return;
        }
        const selector = { ...(object.spec?.selector ?? {}), [this.s.colorLabel]: to };
        const pods = await this.requireReadyPods(to, selector, signal);
        const started = performance.now();
        await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
        await this.write({ ...SERVICE, name: this.s.service }, { metadata: { resourceVersion }, spec: { selector: { [this.s.colorLabel]: to } } }, signal);
        const timeout = Math.min(this.deps.readyTimeoutMs, CONVERGE_MAX_MS);
        const done = await waitForEndpoints(this.cluster, this.s.service, pods, to, timeout, signal);
        const total = Math.round(performance.now() - started);
        this.converged.push(`Service ${this.s.service} routed only to ${to} (${done.ready} ready endpoint(s) in its EndpointSlices) ${total} ms after the selector patch began.`);
    }
    /** A 409 says who wrote the object last, from its managedFields. */
    async write(ref, body, signal) {
        try {
            await this.cluster.patch(ref, body, signal);
        }
        catch (error) {
            if (!/409 Conflict/.test(error.message))
                throw error;
            const now = await this.cluster.get(ref, signal).catch(() => undefined);
            const last = [...(now?.metadata?.managedFields ?? [])].sort((a, b) => String(b.time).localeCompare(String(a.time)))[0];
            const who = last ? ` It was last written by "${last.manager}" at ${new Date(String(last.time)).toISOString()}; it shows ${(0,compare/* describeRoute */.fx)(this.stateOf(now))}.` : '';
            throw new Error(`${error.message}${who}`);
        }
    }
    async selectorOf(service, signal) {
        const object = await this.cluster.get({ ...SERVICE, name: service }, signal);
        if (!object)
            throw new Error(`Service "${service}" was not found in namespace "${this.cluster.namespace}"`);
        return object.spec?.selector ?? {};
    }
    /** An empty Service is an outage: refuse to send traffic to a color without a ready pod. */
    async requireReadyPods(color, selector, signal) {
        const pods = await this.cluster.list(POD.apiVersion, POD.kind, (0,rollout/* selectorQuery */.SY)(selector), signal);
        const ready = pods.filter(rollout/* isPodReady */.Ft).map((pod) => String(pod.metadata?.name));
        if (!ready.length) {
            throw new Error(`${color} has no ready pod matching ${(0,rollout/* selectorQuery */.SY)(selector)} (${pods.length} pod(s), none ready): sending traffic there would empty the Service`);
        }
        return new Set(ready);
    }
    async pointPreview(color, signal) {
        const ref = { ...SERVICE, name: this.s.previewService };
        const preview = await this.cluster.get(ref, signal);
        if (!preview)
            throw new Error(`Service "${ref.name}" (preview-service) was not found in namespace "${this.cluster.namespace}"`);
        const selector = { ...(preview.spec?.selector ?? {}), [this.s.colorLabel]: color };
        const pods = await this.requireReadyPods(color, selector, signal);
        await this.deps.fence.check(`Pointing preview Service ${ref.name} at ${color}`);
        await this.write(ref, { metadata: { resourceVersion: preview.metadata?.resourceVersion }, spec: { selector: { [this.s.colorLabel]: color } } }, signal);
        await waitForEndpoints(this.cluster, ref.name, pods, color, Math.min(this.deps.readyTimeoutMs, CONVERGE_MAX_MS), signal);
        this.deps.log.info(`Preview Service ${ref.name} now routes to ${color}.`);
    }
    /**
     * The previous color stays warm through the window, so a rollback is one selector change; after
     * scale-down-delay, and only while the router still shows the promotion, it is scaled to 0.
     */
    async scaleDown(target, previous, signal) {
        this.deps.log.info(`Keeping ${previous} warm for scale-down-delay (${Math.round(this.s.scaleDownDelayMs / 1000)}s), then scaling it to 0.`);
        await this.deps.clock.sleep(this.s.scaleDownDelayMs, signal);
        const shows = await this.read(signal);
        if (shows.active !== target || shows.weights) {
            return `Did not scale ${previous} down: ${this.description} shows ${(0,compare/* describeRoute */.fx)(shows)} now, not ${target} alone.`;
        }
        const ref = { ...DEPLOYMENT, name: this.deploymentName(previous) };
        await this.deps.fence.check(`Scaling ${ref.name} (${previous}) down`);
        await this.cluster.patch(ref, { spec: { replicas: 0 } }, signal);
        return `Scaled Deployment ${ref.name} (${previous}, the previous color) to 0 replicas after scale-down-delay, with ${this.description} on ${target}.`;
    }
    lock(signal) {
        const name = `blue-green-${this.s.service}`;
        return takeLease(this.cluster, name, this.deps.owner.job, this.deps.lockTimeoutMs, this.deps.clock, this.deps.log, signal);
    }
    async recordStaged(color, record, signal) {
        const ref = { ...DEPLOYMENT, name: this.deploymentName(color) };
        await this.cluster.patch(ref, { metadata: { annotations: { [STAGED_ANNOTATION]: JSON.stringify(record) } } }, signal);
    }
    async readStaged(color, signal) {
        const ref = { ...DEPLOYMENT, name: this.deploymentName(color) };
        const deployment = await this.cluster.get(ref, signal);
        if (!deployment)
            throw new Error(`Deployment "${ref.name}" was not found in namespace "${this.cluster.namespace}"`);
        const text = deployment.metadata?.annotations?.[STAGED_ANNOTATION];
        if (!text)
            return undefined;
        try {
            const parsed = JSON.parse(text);
            if (typeof parsed.version === 'string')
                return parsed;
        }
        catch {
            /* said below */
        }
        throw new Error(`Deployment "${ref.name}" has an annotation ${STAGED_ANNOTATION} that is not a staged-version record; remove it and stage again.`);
    }
}


/***/ })

};
