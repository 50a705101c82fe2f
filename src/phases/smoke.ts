import { fillTemplate, fillUrl } from '../infra/argv.js';
import type { Clock } from '../infra/clock.js';
import { retry } from '../infra/retry.js';
import { runProbe, type HttpProbe, type ProbeResult } from '../probes/probe.js';
import type { Log } from '../infra/log.js';
import { warmUp, warmupFailure } from '../probes/warmup.js';
import type { SmokeRecord, WarmupRecord } from '../report/model.js';
import type { Settings } from '../settings.js';

export interface SmokeOptions {
  timeoutMs: number;
  retries: number;
  clock: Clock;
  signal?: AbortSignal;
  onResult?: (record: SmokeRecord) => void;
}

/** Enough parallelism to keep a long list quick without hammering a color that just started. */
const PARALLEL = 4;
/** First retry after ~0.5s, doubling: covers a process still opening its port. */
const RETRY_BASE_MS = 500;

/** Runs every smoke test against the idle color; resolves with all results, failures included. */
export async function smokeTest(probes: HttpProbe[], vars: Record<string, string>, options: SmokeOptions): Promise<SmokeRecord[]> {
  const results: SmokeRecord[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const index = next++;
      results[index] = await smokeOne(probes[index], vars, options);
      options.onResult?.(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, probes.length) }, worker));
  return results;
}

async function smokeOne(probe: HttpProbe, vars: Record<string, string>, options: SmokeOptions): Promise<SmokeRecord> {
  let last: ProbeResult | undefined;
  let attempts = 0;
  try {
    await retry(
      async (attempt) => {
        attempts = attempt;
        last = await runProbe(probe, vars, options.timeoutMs, options.signal);
        if (!last.ok) throw new Error(last.detail);
      },
      { attempts: options.retries, baseDelayMs: RETRY_BASE_MS, label: probe.name, clock: options.clock, signal: options.signal },
    );
  } catch {
    /* the last result says why */
  }
  const url = fillUrl(probe.url, vars);
  return { name: fillTemplate(probe.name, vars), url, ok: last?.ok ?? false, status: last?.status, latencyMs: last?.latencyMs ?? 0, attempts, detail: last?.detail ?? 'cancelled' };
}

/** Why the smoke tests stopped the release (the first failure, and how many more), or undefined when all passed. */
export function smokeFailure(results: SmokeRecord[], color: string): string | undefined {
  const failed = results.filter((r) => !r.ok);
  if (!failed.length) return undefined;
  const [first] = failed;
  return `Smoke test failed on ${color}: ${first.name}: ${first.detail}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}. Live traffic was not touched.`;
}

/** What the idle color's checks need from the run. */
export interface IdleCheck {
  vars: Record<string, string>;
  clock: Clock;
  log: Log;
  signal: AbortSignal;
}

/** Warms the idle color (`warmup-urls`); a failure is the reason the release stops. */
export async function warmIdle(smoke: Settings['smoke'], run: IdleCheck): Promise<{ records: WarmupRecord[]; failed?: string }> {
  const records = await warmUp(smoke.warmups, run.vars, { timeoutMs: smoke.timeoutMs, retries: smoke.retries, clock: run.clock, signal: run.signal });
  for (const r of records) run.log.info(`${r.ok ? 'warm' : 'FAIL'} ${r.url} (${r.planned}): ${r.detail}`);
  return { records, failed: warmupFailure(records, run.vars.color) };
}

/**
 * Smoke-tests the idle color. `expect-version` holds only where the color should serve `version`: a
 * rollback returns to the previous release, whose label this run is not given.
 */
export async function smokeIdle(smoke: Settings['smoke'], run: IdleCheck, checkVersion: boolean): Promise<{ records: SmokeRecord[]; failed?: string }> {
  const probes = checkVersion ? smoke.probes : smoke.probes.map((probe) => ({ ...probe, expectVersion: undefined }));
  const records = await smokeTest(probes, run.vars, {
    timeoutMs: smoke.timeoutMs,
    retries: smoke.retries,
    clock: run.clock,
    signal: run.signal,
    onResult: (r) => run.log.info(`${r.ok ? 'pass' : 'FAIL'} ${r.name}: ${r.detail} (${r.attempts} attempt(s))`),
  });
  return { records, failed: smokeFailure(records, run.vars.color) };
}
