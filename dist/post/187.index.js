export const id = 187;
export const ids = [187];
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

/***/ 4187:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createKubernetesDeployer: () => (/* binding */ createKubernetesDeployer)
/* harmony export */ });
/* unused harmony export VERSION_ANNOTATION */
/* harmony import */ var _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2953);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8705);
/* harmony import */ var _rollout_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9210);



const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
/** The version the color's Deployment runs, beside the image (what `kubectl describe` shows). */
const VERSION_ANNOTATION = 'blue-green-action/version';
async function createKubernetesDeployer(s, deps) {
    return new KubernetesDeployer(s, deps, (0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .connect */ .Ng)(s, { onSecret: deps.onSecret }));
}
/**
 * Sets `image` on the idle color's Deployment, sizes it to carry the live color's load, and waits for
 * the rollout as `kubectl rollout status` would, with a watch, bounded by ready-timeout.
 */
class KubernetesDeployer {
    s;
    deps;
    connection;
    description;
    constructor(s, deps, connection) {
        this.s = s;
        this.deps = deps;
        this.connection = connection;
        this.description = `image ${s.image} on Deployment ${s.deployment.replaceAll('{service}', s.service)}`;
    }
    name(color) {
        return this.s.deployment.replaceAll('{service}', this.s.service).replaceAll('{color}', color);
    }
    async deploy(target, active, signal) {
        if (this.connection instanceof Error)
            throw this.connection;
        const cluster = this.connection;
        const ref = { ...DEPLOYMENT, name: this.name(target) };
        const deployment = await cluster.get(ref, signal);
        if (!deployment)
            throw new Error(`Deployment "${ref.name}" was not found in namespace "${cluster.namespace}"`);
        const container = this.container(deployment);
        const replicas = await this.replicas(cluster, deployment, active, signal);
        const patch = {
            metadata: { annotations: { [VERSION_ANNOTATION]: this.deps.version } },
            spec: { template: { spec: { containers: [{ name: container, image: this.s.image }] } }, ...(replicas === undefined ? {} : { replicas }) },
        };
        await this.deps.fence.check(`Setting the image of Deployment ${ref.name}`);
        // Strategic merge: the container list is merged by name, so only this container's image changes.
        const patched = await cluster.patch(ref, patch, signal, _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__/* .PatchStrategy */ .Qve.StrategicMergePatch);
        const sized = replicas === undefined ? '' : `, scaled to ${replicas} replica(s) to carry ${active}'s load`;
        this.deps.log.info(`Set ${ref.name} container ${container} to ${this.s.image}${sized}; waiting for the rollout (ready-timeout ${Math.round(this.deps.readyTimeoutMs / 1000)}s).`);
        await this.waitForRollout(cluster, patched, signal);
    }
    /** The container named by `container`, else the only one; several and none named is an error. */
    container(deployment) {
        const names = (deployment.spec?.template?.spec?.containers ?? []).map((c) => c.name);
        if (this.s.container) {
            if (!names.includes(this.s.container))
                throw new Error(`Input 'container': "${this.s.container}" is not a container of Deployment "${deployment.metadata?.name}" (it has ${names.join(', ')}).`);
            return this.s.container;
        }
        if (names.length !== 1)
            throw new Error(`Input 'container': Deployment "${deployment.metadata?.name}" has ${names.length} containers (${names.join(', ')}); name the one to update.`);
        return names[0];
    }
    /**
     * The idle color must carry the live color's full load after the flip: at least the live color's
     * ready replicas, not an autoscaler's minimum. Undefined when it already has enough.
     */
    async replicas(cluster, deployment, active, signal) {
        if (!active)
            return undefined;
        const live = await cluster.get({ ...DEPLOYMENT, name: this.name(active) }, signal);
        const needed = live?.status?.readyReplicas ?? 0;
        return (deployment.spec?.replicas ?? 1) < needed ? needed : undefined;
    }
    async waitForRollout(cluster, deployment, signal) {
        const name = String(deployment.metadata?.name);
        let last = (0,_rollout_js__WEBPACK_IMPORTED_MODULE_2__/* .rolloutStatus */ .OI)(deployment);
        let said = '';
        const result = await cluster.watchUntil(DEPLOYMENT, { fieldSelector: `metadata.name=${name}` }, (objects) => {
            const now = objects.get(name);
            if (!now)
                return undefined;
            last = (0,_rollout_js__WEBPACK_IMPORTED_MODULE_2__/* .rolloutStatus */ .OI)(now);
            if (last.message !== said)
                this.deps.log.info(`${name}: ${(said = last.message)}`);
            return last.state === 'waiting' ? undefined : last;
        }, this.deps.readyTimeoutMs, signal);
        if (result?.state === 'done')
            return;
        const why = result?.message ?? `not rolled out within ready-timeout (${Math.round(this.deps.readyTimeoutMs / 1000)}s): ${last.message}`;
        const pod = await this.firstUnreadyPod(cluster, deployment, signal).catch(() => undefined);
        throw new Error(`Deployment "${name}" ${why.startsWith(name) ? why.slice(name.length + 1) : why}${pod ? `; ${pod}` : ''}`);
    }
    async firstUnreadyPod(cluster, deployment, signal) {
        const labels = deployment.spec?.selector?.matchLabels ?? {};
        const pods = await cluster.list('v1', 'Pod', (0,_rollout_js__WEBPACK_IMPORTED_MODULE_2__/* .selectorQuery */ .SY)(labels), signal);
        for (const pod of pods) {
            const reason = (0,_rollout_js__WEBPACK_IMPORTED_MODULE_2__/* .podNotReadyReason */ .qi)(pod);
            if (reason)
                return reason;
        }
        return undefined;
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


/***/ })

};
