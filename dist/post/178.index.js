export const id = 178;
export const ids = [178];
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
function timedOut(verb, ref, namespace, ms, write = false) {
    const given = write ? ', so the write was given up (it must not land after another run may have taken the Lease)' : '';
    return new Error(`could not ${verb} ${objectOf(ref)} in namespace "${namespace}": timed out after ${(0,duration/* formatDuration */.a3)(ms)} without an answer from the API server${given}`);
}
/** Turns a client error into one that names the verb, the object and the remedy. Others pass through. */
function describeApiError(error, verb, ref, namespace) {
    const code = error.code;
    // Only an API answer carries an HTTP status; a DOMException's `code` (23 for a timeout) is not one.
    if (typeof code !== 'number' || code < 100)
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

// EXTERNAL MODULE: ./lib/routers/kubernetes/lease.js
var lease = __webpack_require__(565);
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







/** Marks a call as a write: bounded by WRITE_TIMEOUT_MS, half the Lease's margin. */
const WRITE = 'write';
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
        return this.call('patch', ref, signal, () => this.api.patch(spec, undefined, undefined, FIELD_MANAGER, undefined, strategy), undefined, WRITE);
    }
    create(ref, body, signal) {
        const spec = this.spec(ref, body);
        return this.call('create', ref, signal, () => this.api.create(spec, undefined, undefined, FIELD_MANAGER), undefined, WRITE);
    }
    replace(ref, object, signal) {
        return this.call('update', ref, signal, () => this.api.replace(object, undefined, undefined, FIELD_MANAGER), undefined, WRITE);
    }
    /** Deletes only the version given (a precondition), so an object someone else rewrote is left alone. */
    async delete(ref, resourceVersion, signal) {
        const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
        await this.call('delete', ref, signal, () => this.api.delete(header, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } }), () => undefined, WRITE);
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
     * plugin that never answers). A 404 is a value where the caller gives one. A write is bounded
     * tighter (`WRITE`): one stuck on the way (a partition, a frozen proxy) must not land later, when
     * another run may hold the Lease.
     */
    async call(verb, ref, signal, request, notFound, kind) {
        signal?.throwIfAborted();
        const limitMs = kind === WRITE ? Math.min(this.requestTimeoutMs, lease/* WRITE_TIMEOUT_MS */.Dl) : this.requestTimeoutMs;
        const timeout = AbortSignal.timeout(limitMs);
        const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
        try {
            return await signals.run(bounded, () => untilAborted(bounded, request()));
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            if (timeout.aborted)
                throw timedOut(verb, ref, this.namespace, limitMs, kind === WRITE);
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

/***/ 565:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dl: () => (/* binding */ WRITE_TIMEOUT_MS),
/* harmony export */   _e: () => (/* binding */ takeLease)
/* harmony export */ });
/* unused harmony export LEASE_SECONDS */
/* harmony import */ var _infra_fence_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1683);
/* harmony import */ var _infra_log_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4600);


const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
const LEASE_SECONDS = 30;
/** Three renewals fit in the time the holder vouches for itself, so one slow or lost call costs nothing. */
const RENEW_MS = 5_000;
/** A holder stops writing this long before a waiter could take over: the time a write may take to land. */
const MARGIN_MS = 10_000;
/**
 * Every write is given up when not answered within this (client.ts), so one sent just before the
 * holder's deadline cannot land after a waiter took over: the rest of the margin covers a request
 * already inside the apiserver when it was given up.
 */
const WRITE_TIMEOUT_MS = MARGIN_MS / 2;
/** A renewal that has not answered by the next one is abandoned (the fence still counts from the last success). */
const RENEW_TIMEOUT_MS = 4_000;
const POLL_MS = 500;
/** MicroTime, as the API writes it: six decimals. Informative only: nobody judges expiry by it. */
function microTime(ms) {
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
const conflict = (error) => (/409 Conflict|already exists/i.test((0,_infra_log_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)) ? undefined : Promise.reject(error));
async function takeLease(cluster, name, holder, timeoutMs, clock, log, signal) {
    const ref = { ...LEASE, name };
    const deadline = clock.monotonic() + timeoutMs;
    const spec = (acquired) => ({ holderIdentity: holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(acquired), renewTime: microTime(clock.now()) });
    const observer = new _infra_fence_js__WEBPACK_IMPORTED_MODULE_1__/* .Observer */ .nu(clock);
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
    const term = new _infra_fence_js__WEBPACK_IMPORTED_MODULE_1__/* .LeaseTerm */ .RL(clock, LEASE_SECONDS * 1000, MARGIN_MS, started);
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
            if (/409 Conflict|404|not found/i.test((0,_infra_log_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error))) {
                const now = await cluster.get(ref, AbortSignal.timeout(RENEW_TIMEOUT_MS)).catch(() => current);
                if (now?.spec?.holderIdentity === current.spec?.holderIdentity)
                    current = now;
                else {
                    taken = `Lease "${ref.name}" was ${now ? `taken by ${now.spec?.holderIdentity ?? 'nobody'}` : 'removed'} while this run held it`;
                    clearInterval(timer);
                }
            }
            if (!warned || taken)
                log.warning(`Could not renew Lease "${ref.name}": ${taken ?? (0,_infra_log_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)}`, 'Lease');
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
            const remove = (lease) => cluster.delete(ref, String(lease.metadata?.resourceVersion), AbortSignal.timeout(RENEW_TIMEOUT_MS * 2));
            await remove(current)
                .catch(async (error) => {
                // A renewal whose answer was lost may have landed: the Lease is still ours at a newer version.
                if (!/409 Conflict/.test((0,_infra_log_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)))
                    throw error;
                const now = await cluster.get(ref, AbortSignal.timeout(RENEW_TIMEOUT_MS));
                if (now && now.spec?.holderIdentity === current.spec?.holderIdentity)
                    await remove(now);
            })
                .catch((error) => {
                log.warning(`Could not release Lease "${ref.name}" (another run takes it over once it sees it unrenewed for ${LEASE_SECONDS}s): ${(0,_infra_log_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)}`, 'Lease');
            });
        },
    };
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


/***/ })

};
