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

// UNUSED EXPORTS: FIELD_MANAGER, contextNamespace, loadConfig

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
;// CONCATENATED MODULE: ./lib/routers/kubernetes/errors.js
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
/** Turns a client error into one that names the verb, the object and the remedy. Others pass through. */
function describeApiError(error, verb, ref, namespace) {
    const code = error.code;
    if (typeof code !== 'number')
        return error instanceof Error ? error : new Error(String(error));
    const status = body(error);
    const object = ref.name ? `${ref.kind} "${ref.name}"` : rbacResource(ref);
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
 * Deployments, HTTPRoutes and Leases) and its watch. Two things are ours: the run's AbortSignal reaches
 * every request through a middleware (the client has no per-call signal), and a watch is re-opened when
 * the server closes it (the client ends a watch after 30 s without events).
 */






/** The field manager our writes are recorded under (`kubectl get -o yaml --show-managed-fields`). */
const FIELD_MANAGER = 'blue-green-action';
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
/** Where configuration is looked for, in order, as the error for "none found" says. */
const LOOKED_AT = 'the kubeconfig input, the KUBECONFIG variable, ~/.kube/config, or the in-cluster service account';
/**
 * Loads the configuration. With none at all the client would silently talk to http://localhost:8080;
 * that is refused here so the run fails at once with where configuration is looked for.
 */
function loadConfig(kubeconfig) {
    const kc = new dist/* KubeConfig */.ypW();
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
    constructor(kc, namespace) {
        this.namespace = namespace;
        const server = kc.getCurrentCluster().server;
        this.api = new dist/* KubernetesObjectApi */.e1Y((0,dist/* createConfiguration */.$v4)({ baseServer: new dist/* ServerConfiguration */.i04(server, {}), authMethods: { default: kc }, promiseMiddleware: [abortable] }));
        this.watcher = new dist/* Watch */.ox1(kc);
    }
    /** The object, or undefined when it does not exist ("not found" is a value). */
    async get(ref, signal) {
        try {
            return await this.call(signal, () => this.api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } }));
        }
        catch (error) {
            if (error.code === 404)
                return undefined;
            throw describeApiError(error, 'get', ref, this.namespace);
        }
    }
    async list(apiVersion, kind, labelSelector, signal) {
        const ref = { apiVersion, kind, name: '' };
        try {
            const list = await this.call(signal, () => this.api.list(apiVersion, kind, this.namespace, undefined, undefined, undefined, undefined, labelSelector));
            return list.items;
        }
        catch (error) {
            throw describeApiError(error, 'list', ref, this.namespace);
        }
    }
    /** A JSON merge patch (or strategic, for lists merged by key); with metadata.resourceVersion it is a compare-and-swap. */
    async patch(ref, body, signal, strategy = dist/* PatchStrategy */.Qve.MergePatch) {
        const spec = { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...body.metadata, name: ref.name, namespace: this.namespace } };
        try {
            return await this.call(signal, () => this.api.patch(spec, undefined, undefined, FIELD_MANAGER, undefined, strategy));
        }
        catch (error) {
            throw describeApiError(error, 'patch', ref, this.namespace);
        }
    }
    async create(ref, body, signal) {
        const spec = { apiVersion: ref.apiVersion, kind: ref.kind, ...body, metadata: { ...body.metadata, name: ref.name, namespace: this.namespace } };
        try {
            return await this.call(signal, () => this.api.create(spec, undefined, undefined, FIELD_MANAGER));
        }
        catch (error) {
            throw describeApiError(error, 'create', ref, this.namespace);
        }
    }
    async replace(ref, object, signal) {
        try {
            return await this.call(signal, () => this.api.replace(object, undefined, undefined, FIELD_MANAGER));
        }
        catch (error) {
            throw describeApiError(error, 'update', ref, this.namespace);
        }
    }
    /** Deletes only the version given (a precondition), so an object someone else rewrote is left alone. */
    async delete(ref, resourceVersion, signal) {
        const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: this.namespace } };
        try {
            await this.call(signal, () => this.api.delete(header, undefined, undefined, undefined, undefined, undefined, { preconditions: { resourceVersion } }));
        }
        catch (error) {
            if (error.code === 404)
                return;
            throw describeApiError(error, 'delete', ref, this.namespace);
        }
    }
    /**
     * Watches the objects of `type` in the namespace (narrowed by `query`) until `settled` returns a
     * value, for at most `timeoutMs`. Each (re)opened watch first replays every current object as ADDED,
     * so `objects` always holds the collection as it is. Resolves undefined on timeout; rejects when
     * cancelled.
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
    call(signal, request) {
        signal?.throwIfAborted();
        return signals.run(signal, request);
    }
}
/** The cluster, or why there is none: a missing configuration is a bad input, which preflight reports. */
function connect(s) {
    try {
        const kc = loadConfig(s.kubeconfig);
        return new Cluster(kc, s.namespace || contextNamespace(kc));
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
    return new KubernetesDeployer(s, deps, (0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .connect */ .Ng)(s));
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
