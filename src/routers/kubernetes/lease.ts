/**
 * Exclusion between runs on any runner: a coordination.k8s.io Lease per Service, in the cluster every
 * runner sees. Taken by create (the API refuses a second one) or, once the holder stopped renewing it
 * for its whole duration, by an update guarded by resourceVersion (only one of two racing takers
 * wins). Renewed while held, so a run that dies frees the Service within LEASE_SECONDS. Polled, not
 * watched: a Lease ends by time running out, which no watch event announces.
 */
import type { Clock } from '../../infra/clock.js';
import type { Log } from '../../infra/log.js';
import type { Cluster, Obj } from './client.js';

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
export const LEASE_SECONDS = 30;
const RENEW_MS = 10_000;
const POLL_MS = 500;

/** MicroTime, as the API writes it: six decimals. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function expired(lease: Obj, now: number): boolean {
  const spec = lease.spec ?? {};
  const renewed = Date.parse(String(spec.renewTime ?? spec.acquireTime ?? ''));
  if (!spec.holderIdentity || Number.isNaN(renewed)) return true;
  return renewed + (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 < now;
}

export async function takeLease(cluster: Cluster, name: string, holder: string, timeoutMs: number, clock: Clock, log: Log, signal?: AbortSignal): Promise<() => Promise<void>> {
  const ref = { ...LEASE, name };
  const deadline = Date.now() + timeoutMs;
  const spec = (acquired: number) => ({ holderIdentity: holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(acquired), renewTime: microTime(Date.now()) });
  let told = false;
  for (;;) {
    const lease = await cluster.get(ref, signal);
    const conflict = (error: unknown) => (/409 Conflict|already exists/i.test(String((error as Error).message)) ? undefined : Promise.reject(error));
    let held: Obj | undefined;
    if (!lease) {
      held = await cluster.create(ref, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'blue-green-action' } }, spec: spec(Date.now()) }, signal).catch(conflict);
    } else if (lease.spec?.holderIdentity === holder || expired(lease, Date.now())) {
      held = await cluster.patch(ref, { metadata: { resourceVersion: lease.metadata?.resourceVersion }, spec: spec(Date.now()) }, signal).catch(conflict);
    } else if (Date.now() >= deadline) {
      throw new Error(
        `another run holds Lease "${name}" in namespace "${cluster.namespace}" (${lease.spec?.holderIdentity}, renewed at ${lease.spec?.renewTime}); waited lock-timeout for it. Nothing was changed.`,
      );
    } else if (!told) {
      told = true;
      log.info(`Waiting for Lease "${name}": held by ${lease.spec?.holderIdentity}.`);
    }
    if (held) return keep(cluster, ref, held, spec, log);
    await clock.sleep(POLL_MS, signal);
  }
}

/** Renews the Lease until released; the release deletes it only while it is still this run's. */
function keep(cluster: Cluster, ref: { apiVersion: string; kind: string; name: string }, held: Obj, spec: (acquired: number) => Record<string, unknown>, log: Log): () => Promise<void> {
  let current = held;
  const acquired = Date.parse(String(held.spec?.acquireTime)) || Date.now();
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = cluster.patch(ref, { metadata: { resourceVersion: current.metadata?.resourceVersion }, spec: spec(acquired) }).then(
      (renewed) => {
        current = renewed;
      },
      (error: unknown) => log.warning(`Could not renew Lease "${ref.name}": ${(error as Error).message}`, 'Lease'),
    );
  }, RENEW_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await renewing;
    await cluster.delete(ref, String(current.metadata?.resourceVersion)).catch((error: unknown) => {
      log.warning(`Could not release Lease "${ref.name}" (it expires by itself within ${LEASE_SECONDS}s): ${(error as Error).message}`, 'Lease');
    });
  };
}
