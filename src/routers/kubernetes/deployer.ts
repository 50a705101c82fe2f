import { PatchStrategy } from '@kubernetes/client-node';
import type { RouterDeps } from '../module.js';
import type { Color, Deployer } from '../../types.js';
import { connect, type Cluster, type Obj } from './client.js';
import type { KubernetesSettings } from './module.js';
import { podNotReadyReason, rolloutStatus, selectorQuery, type Rollout } from './rollout.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
/** The version the color's Deployment runs, beside the image (what `kubectl describe` shows). */
export const VERSION_ANNOTATION = 'blue-green-action/version';

export async function createKubernetesDeployer(s: KubernetesSettings, deps: RouterDeps): Promise<Deployer> {
  return new KubernetesDeployer(s, deps, connect(s, { onSecret: deps.onSecret }));
}

/**
 * Sets `image` on the idle color's Deployment, sizes it to carry the live color's load, and waits for
 * the rollout as `kubectl rollout status` would, with a watch, bounded by ready-timeout.
 */
class KubernetesDeployer implements Deployer {
  readonly description: string;

  constructor(
    private readonly s: KubernetesSettings,
    private readonly deps: RouterDeps,
    private readonly connection: Cluster | Error,
  ) {
    this.description = `image ${s.image} on Deployment ${s.deployment.replaceAll('{service}', s.service)}`;
  }

  private name(color: Color): string {
    return this.s.deployment.replaceAll('{service}', this.s.service).replaceAll('{color}', color);
  }

  async deploy(target: Color, active: Color | undefined, signal?: AbortSignal): Promise<void> {
    if (this.connection instanceof Error) throw this.connection;
    const cluster = this.connection;
    const ref = { ...DEPLOYMENT, name: this.name(target) };
    const deployment = await cluster.get(ref, signal);
    if (!deployment) throw new Error(`Deployment "${ref.name}" was not found in namespace "${cluster.namespace}"`);
    const container = this.container(deployment);
    const replicas = await this.replicas(cluster, deployment, active, signal);
    const patch: Record<string, unknown> = {
      metadata: { annotations: { [VERSION_ANNOTATION]: this.deps.version } },
      spec: { template: { spec: { containers: [{ name: container, image: this.s.image }] } }, ...(replicas === undefined ? {} : { replicas }) },
    };
    await this.deps.fence.check(`Setting the image of Deployment ${ref.name}`);
    // Strategic merge: the container list is merged by name, so only this container's image changes.
    const patched = await cluster.patch(ref, patch, signal, PatchStrategy.StrategicMergePatch);
    const sized = replicas === undefined ? '' : `, scaled to ${replicas} replica(s) to carry ${active}'s load`;
    this.deps.log.info(`Set ${ref.name} container ${container} to ${this.s.image}${sized}; waiting for the rollout (ready-timeout ${Math.round(this.deps.readyTimeoutMs / 1000)}s).`);
    await this.waitForRollout(cluster, patched, signal);
  }

  /** The container named by `container`, else the only one; several and none named is an error. */
  private container(deployment: Obj): string {
    const names = ((deployment.spec?.template?.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
    if (this.s.container) {
      if (!names.includes(this.s.container)) throw new Error(`Input 'container': "${this.s.container}" is not a container of Deployment "${deployment.metadata?.name}" (it has ${names.join(', ')}).`);
      return this.s.container;
    }
    if (names.length !== 1) throw new Error(`Input 'container': Deployment "${deployment.metadata?.name}" has ${names.length} containers (${names.join(', ')}); name the one to update.`);
    return names[0];
  }

  /**
   * The idle color must carry the live color's full load after the flip: at least the live color's
   * ready replicas, not an autoscaler's minimum. Undefined when it already has enough.
   */
  private async replicas(cluster: Cluster, deployment: Obj, active: Color | undefined, signal?: AbortSignal): Promise<number | undefined> {
    if (!active) return undefined;
    const live = await cluster.get({ ...DEPLOYMENT, name: this.name(active) }, signal);
    const needed = live?.status?.readyReplicas ?? 0;
    return (deployment.spec?.replicas ?? 1) < needed ? needed : undefined;
  }

  private async waitForRollout(cluster: Cluster, deployment: Obj, signal?: AbortSignal): Promise<void> {
    const name = String(deployment.metadata?.name);
    let last: Rollout = rolloutStatus(deployment);
    let said = '';
    const result = await cluster.watchUntil(
      DEPLOYMENT,
      { fieldSelector: `metadata.name=${name}` },
      (objects) => {
        const now = objects.get(name);
        if (!now) return undefined;
        last = rolloutStatus(now);
        if (last.message !== said) this.deps.log.info(`${name}: ${(said = last.message)}`);
        return last.state === 'waiting' ? undefined : last;
      },
      this.deps.readyTimeoutMs,
      signal,
    );
    if (result?.state === 'done') return;
    const why = result?.message ?? `not rolled out within ready-timeout (${Math.round(this.deps.readyTimeoutMs / 1000)}s): ${last.message}`;
    const pod = await this.firstUnreadyPod(cluster, deployment, signal).catch(() => undefined);
    throw new Error(`Deployment "${name}" ${why.startsWith(name) ? why.slice(name.length + 1) : why}${pod ? `; ${pod}` : ''}`);
  }

  private async firstUnreadyPod(cluster: Cluster, deployment: Obj, signal?: AbortSignal): Promise<string | undefined> {
    const labels = deployment.spec?.selector?.matchLabels ?? {};
    const pods = await cluster.list('v1', 'Pod', selectorQuery(labels), signal);
    for (const pod of pods) {
      const reason = podNotReadyReason(pod);
      if (reason) return reason;
    }
    return undefined;
  }
}
