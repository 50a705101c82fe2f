import type { Clock } from './clock.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with jitter. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Names what is retried, in the retry message. */
  label: string;
  clock: Clock;
  signal?: AbortSignal;
  /** Only errors this accepts are retried; others are thrown at once. */
  retryable?: (error: unknown) => boolean;
  /** Told each retry, as one line: `<label> attempt 1 failed: <cause>; retrying in 230ms`. */
  onRetry?: (message: string) => void;
  random?: () => number;
}

/** Full jitter keeps many runs that failed together from retrying in lockstep. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retry<T>(action: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, baseDelayMs, clock, signal } = options;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (error) {
      const canRetry = options.retryable ? options.retryable(error) : true;
      if (attempt >= attempts || !canRetry || signal?.aborted) throw error;
      const delay = backoffDelay(attempt, baseDelayMs, maxDelay, random);
      const cause = error instanceof Error ? error.message : String(error);
      options.onRetry?.(`${options.label} attempt ${attempt} failed: ${cause}; retrying in ${delay}ms`);
      await clock.sleep(delay, signal);
    }
  }
}
