/** Time is injected so the state machine can be tested without waiting. */
export interface Clock {
  /** Wall-clock time (ms since the epoch): for timestamps a person reads, never to judge another runner. */
  now(): number;
  /**
   * This process's monotonic time (ms from an arbitrary origin): for durations this run measures
   * itself, such as how long a lock holder's record stayed unchanged. It never jumps with NTP.
   */
  monotonic(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
