import type { Clock } from '../infra/clock.js';
import { retry } from '../infra/retry.js';
import type { Color, Router } from '../types.js';

/** A rollback is worth a few quick tries: every second on a bad release counts. */
const ATTEMPTS = 3;
const BASE_DELAY_MS = 200;

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
      label: `Rollback to ${previous}`,
      clock,
      onRetry,
    },
  );
}
