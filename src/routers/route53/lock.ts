/**
 * Exclusion between runs on any runner, arbitrated by the zone itself: a TXT record beside the weighted
 * ones. A CREATE fails when the record exists, and a DELETE must match it exactly, so of two runs that
 * try at once exactly one creates it, and a renewal (DELETE as written + CREATE with the next count, in
 * one batch) fails once anyone else replaced it. The record names its holder and a renewal count: a
 * value that changes, not a time anyone judges.
 *
 * Time is never compared across runners: a waiter takes the lock over only after it saw the same record
 * for a whole lease by its own monotonic clock, and then in one batch (DELETE as seen + CREATE its own),
 * so two takers racing still meet at the DELETE. The holder vouches for itself only until its last
 * confirmed renewal plus the lease minus a margin (LeaseTerm); past that, or once a renewal is refused,
 * the fence refuses every write.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Clock } from '../../infra/clock.js';
import { keepRenewed, Observer, type Held } from '../../infra/fence.js';
import type { Log } from '../../infra/log.js';
import { Route53Error, type Zone } from './client.js';

/** Half a minute, as a Kubernetes Lease: a dead run's lock is free 30 s after a waiter first sees it. */
export const LEASE_MS = 30_000;
const RENEW_MS = 5_000;
/** A holder stops writing this long before a waiter could take over: a change batch lands well within it. */
const MARGIN_MS = 10_000;
const RENEW_TIMEOUT_MS = 4_000;
/** Route 53 allows five calls a second per account: a waiter looks every two seconds. */
const POLL_MS = 2_000;
/** Resolvers need not cache the lock: nobody resolves it, but a low TTL keeps it honest if someone does. */
const LOCK_TTL_S = 1;

/** The lock's name: a label of its own before the records it guards (a wildcard's `*` left out). */
export function lockName(recordName: string): string {
  return `_blue-green-lock.${recordName.replace(/^\*\./, '')}`;
}

/** TXT character-strings: `"` and `\` escaped, anything outside printable ASCII as `\ddd` per byte. */
function txtString(text: string): string {
  const bytes = [...new TextEncoder().encode(text)].slice(0, 240);
  return `"${bytes.map((b) => (b === 0x22 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('')}"`;
}

export function lockRecord(name: string, holder: string, renewed: number): ResourceRecordSet {
  return { Name: name, Type: 'TXT', TTL: LOCK_TTL_S, ResourceRecords: [{ Value: `${txtString(`holder=${holder}`)} ${txtString(`renewed=${renewed}`)}` }] };
}

/** The holder a lock record names, or undefined when the TXT record is not this action's lock. */
export function holderOf(set: ResourceRecordSet): string | undefined {
  const match = /^"holder=((?:[^"\\]|\\.)*)" "renewed=\d+"$/.exec(set.ResourceRecords?.[0]?.Value ?? '');
  if (!match) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < match[1].length; i++) {
    const digits = /^\\(\d{3})/.exec(match[1].slice(i));
    if (digits) bytes.push(Number(digits[1]));
    else if (match[1][i] === '\\') bytes.push(match[1].charCodeAt(++i));
    else bytes.push(match[1].charCodeAt(i));
    if (digits) i += 3;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const refused = (error: unknown) => error instanceof Route53Error && error.code === 'InvalidChangeBatch';

export async function takeLockRecord(zone: Zone, name: string, holder: string, timeoutMs: number, clock: Clock, log: Log, signal?: AbortSignal): Promise<Held> {
  const deadline = clock.monotonic() + timeoutMs;
  const observer = new Observer(clock);
  const mine = lockRecord(name, holder, 0);
  let told = false;
  for (;;) {
    const started = clock.monotonic();
    const created = await zone.change([{ Action: 'CREATE', ResourceRecordSet: mine }], `blue-green lock: ${holder}`.slice(0, 256), signal).then(() => true, (error: unknown) => {
      if (refused(error)) return false;
      throw error;
    });
    if (created) return keep(zone, mine, holder, clock, log, started);
    const [found] = await zone.records(name, 'TXT', signal);
    if (found) {
      const who = holderOf(found);
      if (who === undefined) throw new Error(`the TXT record ${name} in ${zone.resource} is not this action's lock; the action keeps its lock there: rename or remove that record`);
      const gone = observer.unchangedFor(JSON.stringify(found), LEASE_MS);
      if (who === holder || gone) {
        log.info(`Taking over the lock record ${name} from ${who}: ${who === holder ? 'this step left it' : `it was not renewed for ${LEASE_MS / 1000} s (as seen from this runner)`}.`);
        // One batch: if another taker replaced it first, the DELETE no longer matches and nothing changes.
        const takeover = await zone.change([{ Action: 'DELETE', ResourceRecordSet: found }, { Action: 'CREATE', ResourceRecordSet: mine }], `blue-green lock: ${holder}`.slice(0, 256), signal).then(() => true, (error: unknown) => {
          if (refused(error)) return false;
          throw error;
        });
        if (takeover) return keep(zone, mine, holder, clock, log, started);
        continue;
      }
      if (clock.monotonic() >= deadline) throw new Error(`another run holds the lock record ${name} in ${zone.resource} (${who}); waited lock-timeout for it. Nothing was changed.`);
      if (!told) log.info(`Waiting for the lock record ${name} in ${zone.resource}: held by ${who}.`);
      told = true;
    }
    // Also when the record vanished between the two calls: its holder just released it.
    await clock.sleep(POLL_MS, signal);
  }
}

/** Renews while held; the fence says when this run can no longer vouch for the lock. */
function keep(zone: Zone, first: ResourceRecordSet, holder: string, clock: Clock, log: Log, started: number): Held {
  const name = first.Name!;
  let written = first;
  let count = 0;
  /** A refused batch may follow one that timed out here but landed: the record then still names this run. */
  const adopt = async (signal: AbortSignal): Promise<boolean> => {
    const [now] = await zone.records(name, 'TXT', signal);
    if (!now || holderOf(now) !== holder) return false;
    written = now;
    return true;
  };
  return keepRenewed(
    {
      what: `the lock record ${name}`,
      timing: { leaseMs: LEASE_MS, marginMs: MARGIN_MS, everyMs: RENEW_MS, timeoutMs: RENEW_TIMEOUT_MS },
      renew: async (signal) => {
        const next = lockRecord(name, holder, ++count);
        await zone.change([{ Action: 'DELETE', ResourceRecordSet: written }, { Action: 'CREATE', ResourceRecordSet: next }], 'blue-green lock renewal', signal);
        written = next;
      },
      takenBy: async (error, signal) => {
        if (!refused(error) || (await adopt(signal))) return undefined;
        return `the lock record ${name} was replaced or deleted by someone else (taken over after it looked unrenewed?)`;
      },
      release: async (signal) => {
        const remove = () => zone.change([{ Action: 'DELETE', ResourceRecordSet: written }], 'blue-green lock release', signal);
        await remove().catch(async (error: unknown) => {
          if (!refused(error)) throw error;
          if (await adopt(signal)) await remove();
        });
      },
    },
    clock,
    log,
    started,
  );
}
