// Long-running requests on the color traffic left. Its pods keep serving what they already had until
// they are scaled down; then each gets its terminationGracePeriodSeconds between SIGTERM and SIGKILL.
// That grace is the app's own statement of how long its longest request may take, so scale-down-delay
// is held to at least it: a scale-down sooner than that after the flip would signal pods still
// finishing requests that began just before it (and endpoints on other nodes follow a flip late).
import { formatDuration } from '../../infra/duration.js';
import type { Color, Drain } from '../../types.js';
import type { Obj } from './client.js';

/** Kubernetes' default when the pod template sets none. */
const DEFAULT_GRACE_S = 30;

export function graceSeconds(deployment: Obj): number {
  const grace: unknown = deployment.spec?.template?.spec?.terminationGracePeriodSeconds;
  return typeof grace === 'number' && grace >= 0 ? grace : DEFAULT_GRACE_S;
}

/** What the summary says of the color left, given its Deployment's grace and scale-down-delay (0: kept warm). */
export function podDrain(left: Color, deployment: string, grace: number, scaleDownDelayMs: number, now: number): Drain {
  if (!scaleDownDelayMs) {
    return {
      ms: grace * 1000,
      note: `${left} keeps running (scale-down-delay is empty), so requests in flight there finish; when Deployment ${deployment} is scaled down, its pods get up to ${grace} s (terminationGracePeriodSeconds) to finish theirs.`,
    };
  }
  const ms = scaleDownDelayMs + grace * 1000;
  return {
    ms,
    note: `Deployment ${deployment} (${left}) is scaled to 0 after scale-down-delay (${formatDuration(scaleDownDelayMs)}), then its pods get up to ${grace} s (terminationGracePeriodSeconds) to finish requests in flight: ${left} is idle by ${new Date(now + ms).toISOString()}.`,
  };
}

/** Refuses a scale-down-delay shorter than the drain a Deployment's pods declare; undefined when it is not. */
export function scaleDownProblem(deployment: string, grace: number, scaleDownDelayMs: number): string | undefined {
  if (!scaleDownDelayMs || scaleDownDelayMs >= grace * 1000) return undefined;
  return `Input 'scale-down-delay': got "${formatDuration(scaleDownDelayMs)}", shorter than the ${grace} s the pods of Deployment ${deployment} may take to drain (terminationGracePeriodSeconds); expected at least ${formatDuration(grace * 1000)}, or empty to keep the previous color running.`;
}
