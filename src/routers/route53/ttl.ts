/**
 * A DNS change reaches a client only once its resolver's cached answer expires: up to a TTL after the
 * change is in sync. A window shorter than the TTL may end before clients moved, judging the old
 * version as if it were the new one, so such a TTL is refused unless `allow-long-ttl` says otherwise.
 */
import { formatDuration } from '../../infra/duration.js';
import type { Route53Settings } from './module.js';

/** Above this, each change waits long enough to say so (a minute is what AWS suggests for weighted records). */
export const WARN_TTL_S = 60;

/** The window (name and length) the TTL must fit in: the shorter one that judges the new color. */
function shortestWindow(s: Route53Settings): { input: string; ms: number } {
  const { healthMs, stepMs, stepped } = s.windows;
  return stepped && stepMs < healthMs ? { input: 'step-window', ms: stepMs } : { input: 'health-window', ms: healthMs };
}

/** A problem naming the window when the TTL outlasts it, unless `allow-long-ttl` is set. */
export function ttlProblem(ttlS: number, s: Route53Settings): string | undefined {
  const window = shortestWindow(s);
  // A window of 0 judges nothing, so nothing is judged too early.
  if (s.allowLongTtl || window.ms === 0 || ttlS * 1000 <= window.ms) return undefined;
  return (
    `Input '${window.input}': is ${formatDuration(window.ms)}, shorter than the TTL of ${ttlS} s of the records ${s.recordName} (${s.recordType}): ` +
    'clients keep the old answer up to a TTL, so such a window would judge the old version. ' +
    `Lower the records' TTL, make ${window.input} at least ${ttlS}s, or set allow-long-ttl: true to run anyway.`
  );
}

/** A warning when each change waits more than a minute for caches to expire. */
export function ttlWarning(ttlS: number, s: Route53Settings): string | undefined {
  if (ttlS <= WARN_TTL_S) return undefined;
  const longer = s.allowLongTtl && ttlS * 1000 > shortestWindow(s).ms ? ` It is longer than ${shortestWindow(s).input}, run anyway as allow-long-ttl is set.` : '';
  return `The records ${s.recordName} (${s.recordType}) have a TTL of ${ttlS} s: each change waits that long, after Route 53 has it in sync, before its window counts, and clients move back as slowly on a rollback. ${WARN_TTL_S} s or less keeps releases and rollbacks quick.${longer}`;
}
