export const id = 971;
export const ids = [971];
export const modules = {

/***/ 5971:
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

// EXTERNAL MODULE: ./lib/routers/kubernetes/lease.js
var lease = __webpack_require__(565);
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
        return (0,lease/* takeLease */._e)(this.cluster, name, this.deps.owner.job, this.deps.lockTimeoutMs, this.deps.clock, this.deps.log, signal);
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
