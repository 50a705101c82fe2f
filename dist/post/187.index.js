export const id = 187;
export const ids = [187];
export const modules = {

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


/***/ })

};
