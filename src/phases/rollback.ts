import type { Clock } from '../infra/clock.js';
import { retry } from '../infra/retry.js';
import type { Color, RouteState, Router } from '../types.js';

/**
 * A rollback is worth a few quick tries, then some patience: every second on a bad release counts, but
 * a router that is restarting (a cold HAProxy restart takes about 2 s) must not turn it into `failed`.
 * Waits 0.25, 0.5, 1 and 2 s at most (jittered): about 4 s in all before giving up.
 */
const ATTEMPTS = 5;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;

/**
 * Sends all traffic back to `previous`. The expected state is read fresh, not taken from discovery:
 * this run holds the router lock, and undoing its own change must not be refused by its own change.
 */
export async function flipBack(router: Router, previous: Color, clock: Clock, onRetry?: (message: string) => void): Promise<void> {
  await retry(
    async () => {
      const current = await router.read();
      if (current.active === previous && !current.weights) return;
      await router.flip(previous, current);
    },
    {
      attempts: ATTEMPTS,
      baseDelayMs: BASE_DELAY_MS,
      maxDelayMs: MAX_DELAY_MS,
      label: `Rollback to ${previous}`,
      clock,
      onRetry,
    },
  );
}

/** Reads the router for the verdict, trying again briefly: one lost read must not turn a release into `failed`. */
export function readForVerdict(router: Router, clock: Clock): Promise<RouteState> {
  return retry(() => router.read(), { attempts: 3, baseDelayMs: 200, label: 'Reading the router', clock });
}
