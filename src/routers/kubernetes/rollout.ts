/**
 * Rollout status, decided exactly as `kubectl rollout status` decides it (its DeploymentStatusViewer):
 * the controller must have observed the latest generation; then a ProgressDeadlineExceeded condition is
 * a failure; otherwise the rollout is done once every replica is updated, no old one is left and every
 * updated one is available. Pure, so it is unit-tested on its own.
 */
import type { Obj } from './client.js';

export type Rollout = { state: 'done'; message: string } | { state: 'waiting'; message: string } | { state: 'failed'; message: string };

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export function rolloutStatus(deployment: Obj): Rollout {
  const name = deployment.metadata?.name ?? 'deployment';
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) return { state: 'waiting', message: `waiting for the controller to observe ${name}'s new spec` };
  const progressing = ((status.conditions ?? []) as Condition[]).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `${name} exceeded its progress deadline: ${progressing.message ?? 'no message'}` };
  }
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const figures = `${updated}/${wanted} updated, ${available} available`;
  if (updated < wanted) return { state: 'waiting', message: `${figures}: waiting for new replicas to be updated` };
  if (total > updated) return { state: 'waiting', message: `${figures}: ${total - updated} old replica(s) pending termination` };
  if (available < updated) return { state: 'waiting', message: `${figures}: waiting for updated replicas to be available` };
  return { state: 'done', message: `${figures}: rolled out` };
}

/** Why a pod is not ready, from its status: the first waiting container, else the first false condition. */
export function podNotReadyReason(pod: Obj): string | undefined {
  const status = pod.status ?? {};
  const ready = ((status.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  const name = pod.metadata?.name ?? 'pod';
  for (const container of status.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    if (waiting?.reason) return `pod ${name}: container ${container.name} is ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    const terminated = container.state?.terminated;
    if (terminated?.reason) return `pod ${name}: container ${container.name} ${terminated.reason} (exit ${terminated.exitCode})`;
  }
  const failing = ((status.conditions ?? []) as Condition[]).find((c) => c.status === 'False' && (c.reason || c.message));
  if (failing) return `pod ${name}: ${failing.type} is False: ${failing.reason ?? ''}${failing.message ? ` (${failing.message})` : ''}`;
  return `pod ${name} is ${status.phase ?? 'not ready'}`;
}

export function isPodReady(pod: Obj): boolean {
  return ((pod.status?.conditions ?? []) as Condition[]).some((c) => c.type === 'Ready' && c.status === 'True') && !pod.metadata?.deletionTimestamp;
}

/** A label selector as the API takes it in a query: `app=myapp,version=blue`. */
export function selectorQuery(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
