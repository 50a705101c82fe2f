/**
 * Exclusion between runs on any runner: a coordination.k8s.io Lease per Service, in the cluster every
 * runner sees. Taken by create (the API refuses a second one) or, once its holder is gone, by an update
 * guarded by resourceVersion (only one of two racing takers wins).
 *
 * Time is judged the way client-go's leader election judges it, never by comparing another runner's
 * renewTime with this machine's clock: a waiter takes a Lease over only after it saw the very same
 * record (resourceVersion) for a whole lease duration by its own monotonic clock. The holder renews
 * every few seconds and vouches for itself only until its last confirmed renewal plus the duration
 * minus a margin (LeaseTerm); past that, or once a renewal finds the Lease changed or gone, the fence
 * refuses every write. Polled, not watched: a Lease ends by time running out, which no event announces.
 */
import type { Clock } from '../../infra/clock.js';
import { LeaseTerm, Observer, type Held } from '../../infra/fence.js';
import { errorMessage, type Log } from '../../infra/log.js';
import type { Cluster, Obj, Ref } from './client.js';

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
export const LEASE_SECONDS = 30;
/** Three renewals fit in the time the holder vouches for itself, so one slow or lost call costs nothing. */
const RENEW_MS = 5_000;
/** A holder stops writing this long before a waiter could take over: the time a write may take to land. */
const MARGIN_MS = 10_000;
/**
 * Every write is given up when not answered within this (client.ts), so one sent just before the
 * holder's deadline cannot land after a waiter took over: the rest of the margin covers a request
 * already inside the apiserver when it was given up.
 */
export const WRITE_TIMEOUT_MS = MARGIN_MS / 2;
/** A renewal that has not answered by the next one is abandoned (the fence still counts from the last success). */
const RENEW_TIMEOUT_MS = 4_000;
const POLL_MS = 500;

/** MicroTime, as the API writes it: six decimals. Informative only: nobody judges expiry by it. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const conflict = (error: unknown) => (/409 Conflict|already exists/i.test(errorMessage(error)) ? undefined : Promise.reject(error));

export async function takeLease(cluster: Cluster, name: string, holder: string, timeoutMs: number, clock: Clock, log: Log, signal?: AbortSignal): Promise<Held> {
  const ref = { ...LEASE, name };
  const deadline = clock.monotonic() + timeoutMs;
  const spec = (acquired: number) => ({ holderIdentity: holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(acquired), renewTime: microTime(clock.now()) });
  const observer = new Observer(clock);
  let told = false;
  for (;;) {
    const started = clock.monotonic();
    const lease = await cluster.get(ref, signal);
    let held: Obj | undefined;
    if (!lease) {
      held = await cluster.create(ref, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'blue-green-action' } }, spec: spec(clock.now()) }, signal).catch(conflict);
    } else if (!lease.spec?.holderIdentity || lease.spec.holderIdentity === holder || gone(lease, observer)) {
      if (lease.spec?.holderIdentity && lease.spec.holderIdentity !== holder) {
        log.info(`Taking over Lease "${name}" from ${lease.spec.holderIdentity}: it was not renewed for ${leaseSeconds(lease)} s (as seen from this runner).`);
      }
      held = await cluster.patch(ref, { metadata: { resourceVersion: lease.metadata?.resourceVersion }, spec: spec(clock.now()) }, signal).catch(conflict);
    } else if (clock.monotonic() >= deadline) {
      throw new Error(
        `another run holds Lease "${name}" in namespace "${cluster.namespace}" (${lease.spec?.holderIdentity}, last renewed at ${lease.spec?.renewTime} by its own clock); waited lock-timeout for it. Nothing was changed.`,
      );
    } else if (!told) {
      told = true;
      log.info(`Waiting for Lease "${name}": held by ${lease.spec?.holderIdentity}.`);
    }
    if (held) return keep(cluster, ref, held, spec, clock, log, started);
    await clock.sleep(POLL_MS, signal);
  }
}

function leaseSeconds(lease: Obj): number {
  const seconds = Number(lease.spec?.leaseDurationSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : LEASE_SECONDS;
}

/** The holder is gone when this runner saw its record unchanged for the Lease's whole duration. */
function gone(lease: Obj, observer: Observer): boolean {
  return observer.unchangedFor(String(lease.metadata?.resourceVersion), leaseSeconds(lease) * 1000);
}

/** Renews the Lease while held; the fence says when this run can no longer vouch for it. */
function keep(cluster: Cluster, ref: Ref, held: Obj, spec: (acquired: number) => Record<string, unknown>, clock: Clock, log: Log, started: number): Held {
  let current = held;
  const acquired = Date.parse(String(held.spec?.acquireTime)) || clock.now();
  const term = new LeaseTerm(clock, LEASE_SECONDS * 1000, MARGIN_MS, started);
  let taken: string | undefined;
  let renewing: Promise<void> = Promise.resolve();
  let warned = false;
  const renew = async () => {
    const at = clock.monotonic();
    try {
      current = await cluster.patch(ref, { metadata: { resourceVersion: current.metadata?.resourceVersion }, spec: spec(acquired) }, AbortSignal.timeout(RENEW_TIMEOUT_MS));
      term.confirmed(at);
    } catch (error) {
      // A renewal that timed out here may still have landed: a 409 is someone else only if the Lease names them.
      if (/409 Conflict|404|not found/i.test(errorMessage(error))) {
        const now = await cluster.get(ref, AbortSignal.timeout(RENEW_TIMEOUT_MS)).catch(() => current);
        if (now?.spec?.holderIdentity === current.spec?.holderIdentity) current = now!;
        else {
          taken = `Lease "${ref.name}" was ${now ? `taken by ${now.spec?.holderIdentity ?? 'nobody'}` : 'removed'} while this run held it`;
          clearInterval(timer);
        }
      }
      if (!warned || taken) log.warning(`Could not renew Lease "${ref.name}": ${taken ?? errorMessage(error)}`, 'Lease');
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
      if (taken) return;
      const remove = (lease: Obj) => cluster.delete(ref, String(lease.metadata?.resourceVersion), AbortSignal.timeout(RENEW_TIMEOUT_MS * 2));
      await remove(current)
        .catch(async (error: unknown) => {
          // A renewal whose answer was lost may have landed: the Lease is still ours at a newer version.
          if (!/409 Conflict/.test(errorMessage(error))) throw error;
          const now = await cluster.get(ref, AbortSignal.timeout(RENEW_TIMEOUT_MS));
          if (now && now.spec?.holderIdentity === current.spec?.holderIdentity) await remove(now);
        })
        .catch((error: unknown) => {
          log.warning(`Could not release Lease "${ref.name}" (another run takes it over once it sees it unrenewed for ${LEASE_SECONDS}s): ${errorMessage(error)}`, 'Lease');
        });
    },
  };
}
