// Warm-up (`warmup-urls`): requests against the idle color before traffic moves, so caches, JIT and
// connection pools are warm when the first client arrives. Each must answer 2xx; latency is recorded,
// never judged: a cold first answer is what a warm-up exists to absorb.
import { fillUrl } from '../infra/argv.js';
import type { Clock } from '../infra/clock.js';
import { DURATION_FORM, formatDuration, parseDuration } from '../infra/duration.js';
import { lines, url, type Problems } from '../infra/parse.js';
import { retry } from '../infra/retry.js';
import type { WarmupRecord } from '../report/model.js';
import { runProbe, type HttpProbe } from './probe.js';

/** One `warmup-urls` line: a URL requested `count` times, or again and again for `forMs`. */
export interface Warmup {
  url: string;
  /** `smoke-headers`: a warm-up reaches what the smoke tests reach. */
  headers: Record<string, string>;
  count?: number;
  forMs?: number;
}

export const WARMUP_FORM = `a URL of the idle color ({color} is filled in), then optionally a count of requests (e.g. 20, at most 10000) or how long to keep requesting (${DURATION_FORM}, at most 30m), one per line`;
const MAX_COUNT = 10_000;
const MAX_FOR_MS = 30 * 60_000;

export function warmupsFromLines(problems: Problems, input: string, text: string, headers: Record<string, string>): Warmup[] {
  return lines(text).flatMap((line) => {
    const [address, amount, ...rest] = line.split(/\s+/);
    const count = amount && /^\d+$/.test(amount) ? Number(amount) : undefined;
    const forMs = amount && count === undefined ? parseDuration(amount) : undefined;
    const bad = rest.length > 0 || (amount !== undefined && count === undefined && forMs === undefined) || (count !== undefined && (count < 1 || count > MAX_COUNT)) || (forMs !== undefined && (forMs < 1 || forMs > MAX_FOR_MS));
    if (bad) {
      problems.add(input, line, WARMUP_FORM);
      return [];
    }
    const checked = url(problems, input, address);
    return [forMs !== undefined ? { url: checked, headers, forMs } : { url: checked, headers, count: count ?? 1 }];
  });
}

export function describeWarmup(warmup: Warmup): string {
  return warmup.forMs !== undefined ? `for ${formatDuration(warmup.forMs)}` : `${warmup.count} request(s)`;
}

export interface WarmupOptions {
  timeoutMs: number;
  /** Attempts per request: a cold color may drop the first connection. */
  retries: number;
  clock: Clock;
  signal?: AbortSignal;
}

/** Lines warmed at once: each line's requests go one after another, as a client's would. */
const PARALLEL = 4;
const RETRY_BASE_MS = 500;

/** Warms every line; a failure stops the lines still going, and its record says why. */
export async function warmUp(warmups: Warmup[], vars: Record<string, string>, options: WarmupOptions): Promise<WarmupRecord[]> {
  const records: WarmupRecord[] = new Array(warmups.length);
  const stop = { failed: false };
  let next = 0;
  const worker = async () => {
    while (next < warmups.length && !stop.failed) {
      const index = next++;
      records[index] = await warmOne(warmups[index], vars, options, stop);
      if (!records[index].ok) stop.failed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, warmups.length) }, worker));
  return records.filter(Boolean);
}

async function warmOne(warmup: Warmup, vars: Record<string, string>, options: WarmupOptions, stop: { failed: boolean }): Promise<WarmupRecord> {
  const { clock, signal } = options;
  const probe: HttpProbe = { name: warmup.url, url: warmup.url, method: 'GET', headers: warmup.headers, expectStatus: [] };
  const record: WarmupRecord = { url: fillUrl(warmup.url, vars), planned: describeWarmup(warmup), requests: 0, ok: true, firstMs: 0, lastMs: 0, slowestMs: 0, detail: '' };
  const started = clock.monotonic();
  const more = () => (warmup.forMs !== undefined ? record.requests === 0 || clock.monotonic() - started < warmup.forMs : record.requests < warmup.count!);
  while (more() && !stop.failed) {
    signal?.throwIfAborted();
    try {
      const result = await retry(
        async () => {
          const answer = await runProbe(probe, vars, options.timeoutMs, signal);
          if (!answer.ok) throw new Error(answer.detail);
          return answer;
        },
        { attempts: options.retries, baseDelayMs: RETRY_BASE_MS, label: record.url, clock, signal },
      );
      record.requests++;
      if (record.requests === 1) record.firstMs = result.latencyMs;
      record.lastMs = result.latencyMs;
      record.slowestMs = Math.max(record.slowestMs, result.latencyMs);
    } catch (error) {
      signal?.throwIfAborted();
      return { ...record, ok: false, detail: `request ${record.requests + 1} failed: ${(error as Error).message}` };
    }
  }
  return { ...record, detail: `${record.requests} request(s) answered 2xx; first ${record.firstMs}ms, last ${record.lastMs}ms` };
}

/** Why the warm-up stopped the release, or undefined when every line passed. */
export function warmupFailure(records: WarmupRecord[], color: string): string | undefined {
  const failed = records.find((r) => !r.ok);
  return failed && `Warm-up failed on ${color}: ${failed.url}: ${failed.detail}. Live traffic was not touched.`;
}
