/**
 * Exclusion that fences: a write happens only while this run provably holds the router. Holding a lock is not enough: a run that was stalled,
 * partitioned or throttled may have lost it to another run without noticing. So every router write asks
 * the fence first, immediately before it writes, and a run that cannot prove it still holds the router
 * writes nothing more: no flip, no step, no flip back, no scale-down.
 */
import type { Clock } from './clock.js';
import { errorMessage, type Log } from './log.js';

/** A lock this run took. `lost` says why the run can no longer prove it holds it (sticky once said). */
export interface Held {
  lost(): Promise<string | undefined>;
  release(): Promise<void>;
}

/** A write was refused because this run does not (provably) hold the router. */
export class ExclusionLostError extends Error {
  override name = 'ExclusionLostError';
}

/** The run's one fence: the core hands it the lock it took; routers and deployers check it before writing. */
export class Fence {
  private held?: Held;
  private gone?: string;
  private released = false;

  hold(held: Held): void {
    this.held = held;
  }

  /** Why this run lost its lock, or undefined while it holds it (or never took one: nothing to lose). */
  async lost(): Promise<string | undefined> {
    if (!this.gone && this.held) this.gone = await this.held.lost();
    return this.gone;
  }

  /** Right before a write: throws unless this run holds the router now. `what` names the write. */
  async check(what: string): Promise<void> {
    if (this.released) throw new ExclusionLostError(`${what} was refused: this run already released its lock on the router`);
    if (!this.held) throw new ExclusionLostError(`${what} was refused: this run does not hold the router's lock`);
    const lost = await this.lost();
    if (lost) throw new ExclusionLostError(`${what} was refused: this run lost its exclusive hold on the router (${lost}), so it writes nothing more`);
  }

  async release(): Promise<void> {
    if (this.released || !this.held) return;
    this.released = true;
    await this.held.release();
  }
}

/**
 * A lease as its holder sees it, by its own monotonic clock only: it is vouched for until the start of
 * the last renewal the server confirmed plus the lease duration minus a safety margin. Starting from the
 * request's start (not its answer) keeps the holder's deadline before the moment a waiter, who counts
 * the whole duration from when it first saw that renewal, may take over. The margin covers the time a
 * write takes to land once it was decided.
 */
export class LeaseTerm {
  private confirmedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly durationMs: number,
    private readonly marginMs: number,
    startedAt: number,
  ) {
    this.confirmedAt = startedAt;
  }

  confirmed(startedAt: number): void {
    this.confirmedAt = Math.max(this.confirmedAt, startedAt);
  }

  /** Why the lease can no longer be vouched for, or undefined. */
  expired(what: string): string | undefined {
    const age = this.clock.monotonic() - this.confirmedAt;
    if (age <= this.durationMs - this.marginMs) return undefined;
    return `${what} was last confirmed ${(age / 1000).toFixed(1)} s ago; it lasts ${this.durationMs / 1000} s, and a holder that cannot confirm it within ${(this.durationMs - this.marginMs) / 1000} s stops writing`;
  }
}

/**
 * The waiter's side: a holder is gone when its record stayed exactly the same for a whole lease, as
 * measured by the waiter's own monotonic clock (as client-go's leader election observes). Another
 * runner's timestamps are never compared with this machine's clock.
 */
export class Observer {
  private seen?: { record: string; since: number };

  constructor(private readonly clock: Clock) {}

  /** Notes the record as read now; true when it has not changed for `durationMs`. */
  unchangedFor(record: string, durationMs: number): boolean {
    const now = this.clock.monotonic();
    if (this.seen?.record !== record) this.seen = { record, since: now };
    return now - this.seen.since >= durationMs;
  }
}

/** How a holder keeps its lock: the platform's renewal, what a refused one means, and the release. */
export interface Renewal {
  /** Names the lock in messages: `the lock rule <arn>`. */
  what: string;
  /** Bounds and pace: renewed every `everyMs`, each attempt given up after `timeoutMs`. */
  timing: { leaseMs: number; marginMs: number; everyMs: number; timeoutMs: number };
  renew(signal: AbortSignal): Promise<void>;
  /** After a failed renewal: why the lock is someone else's now, or undefined when it may still be this run's. */
  takenBy(error: unknown, signal: AbortSignal): Promise<string | undefined>;
  release(signal: AbortSignal): Promise<void>;
}

/**
 * Renews a lock taken at `started` until released; the fence asks `lost`. Renewals never overlap, a
 * lock found taken stops them at once, and a failed release is said, not thrown: a waiter takes the
 * lock over once it sees it unrenewed for a lease.
 */
export function keepRenewed(r: Renewal, clock: Clock, log: Log, started: number): Held {
  const { leaseMs, marginMs, everyMs, timeoutMs } = r.timing;
  const term = new LeaseTerm(clock, leaseMs, marginMs, started);
  let taken: string | undefined;
  let warned = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    const at = clock.monotonic();
    try {
      await r.renew(AbortSignal.timeout(timeoutMs));
      term.confirmed(at);
    } catch (error) {
      taken = await r.takenBy(error, AbortSignal.timeout(timeoutMs)).catch(() => undefined);
      if (taken) clearInterval(timer);
      if (!warned || taken) log.warning(`Could not renew ${r.what}: ${taken ?? errorMessage(error)}`, 'Lock');
      warned = true;
    }
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew);
  }, everyMs);
  timer.unref();
  return {
    lost: async () => taken ?? term.expired(r.what),
    release: async () => {
      clearInterval(timer);
      await renewing;
      if (taken) return;
      await r.release(AbortSignal.timeout(timeoutMs * 2)).catch((error: unknown) => {
        log.warning(`Could not delete ${r.what} (another run takes it over once it sees it unrenewed for ${leaseMs / 1000} s): ${errorMessage(error)}`, 'Lock');
      });
    },
  };
}
