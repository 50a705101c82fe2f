import type { Clock } from '../infra/clock.js';
import { errorMessage, type Log } from '../infra/log.js';
import type { HealthSource, Sample } from '../types.js';

export interface WatchOptions {
  windowMs: number;
  intervalMs: number;
  failureThreshold: number;
  errorThreshold: number;
  clock: Clock;
  signal?: AbortSignal;
  /** Label for the samples, e.g. `window` or `step 10%`. */
  label: string;
  onSample?: (sample: Sample) => void;
}

export interface WatchVerdict {
  passed: boolean;
  reason?: string;
}

/**
 * Samples every source at once, every `intervalMs`, for `windowMs`. A source fails the window after
 * `failureThreshold` failing samples in a row, or `errorThreshold` samples in a row it could not take.
 * `no-data` samples count neither way; a source that `requiresData` fails a window that gave it none.
 * The first sample is taken at once: a broken release is caught as early as it can be.
 * Rejects with the signal's reason when the run is cancelled.
 */
export async function watch(sources: HealthSource[], options: WatchOptions): Promise<WatchVerdict> {
  const { clock, signal } = options;
  const end = clock.now() + options.windowMs;
  const fails = new Map<string, number>();
  const errors = new Map<string, number>();
  const hadData = new Set<string>();
  for (;;) {
    signal?.throwIfAborted();
    const started = clock.now();
    const samples = await Promise.all(sources.map((source) => takeSample(source, clock, signal)));
    signal?.throwIfAborted();
    for (const sample of samples) {
      options.onSample?.(sample);
      if (sample.status === 'no-data') {
        // Measured, just empty: it ends a run of errors but not a run of failures.
        errors.set(sample.source, 0);
        continue;
      }
      if (sample.status !== 'error') hadData.add(sample.source);
      fails.set(sample.source, sample.status === 'fail' ? (fails.get(sample.source) ?? 0) + 1 : 0);
      errors.set(sample.source, sample.status === 'error' ? (errors.get(sample.source) ?? 0) + 1 : 0);
      const failed = fails.get(sample.source)!;
      const errored = errors.get(sample.source)!;
      if (failed >= options.failureThreshold || (failed > 0 && sources.find((s) => s.name === sample.source)?.critical)) {
        return { passed: false, reason: `${sample.source}: ${sample.detail} (${failed} failing sample(s) in a row during ${options.label})` };
      }
      if (errored >= options.errorThreshold) {
        return { passed: false, reason: `${sample.source}: could not be measured ${errored} time(s) in a row during ${options.label}: ${sample.detail}` };
      }
    }
    const now = clock.now();
    if (now >= end) return silentSource(sources, hadData, options.label) ?? { passed: true };
    await clock.sleep(Math.max(0, Math.min(options.intervalMs - (now - started), end - now)), signal);
  }
}

function silentSource(sources: HealthSource[], hadData: Set<string>, label: string): WatchVerdict | undefined {
  const silent = sources.find((source) => source.requiresData && !hadData.has(source.name));
  if (!silent) return undefined;
  return { passed: false, reason: `${silent.name}: no data during all of ${label} (on-no-data: wait); set on-no-data: pass if a quiet service is healthy.` };
}

async function takeSample(source: HealthSource, clock: Clock, signal?: AbortSignal): Promise<Sample> {
  const at = new Date(clock.now()).toISOString();
  try {
    return { source: source.name, at, ...(await source.sample(signal)) };
  } catch (error) {
    return { source: source.name, at, status: 'error', detail: errorMessage(error) };
  }
}

/** One window of a release: the health settings, every sample kept in the report, the bad ones logged. */
export function watchWindow(
  sources: HealthSource[],
  health: { intervalMs: number; failureThreshold: number; errorThreshold: number },
  window: { windowMs: number; label: string; clock: Clock; signal?: AbortSignal; report: { samples: Sample[] }; log: Pick<Log, 'info'> },
): Promise<WatchVerdict> {
  const { report, log, ...options } = window;
  return watch(sources, {
    ...options,
    intervalMs: health.intervalMs,
    failureThreshold: health.failureThreshold,
    errorThreshold: health.errorThreshold,
    onSample: (sample) => {
      report.samples.push(sample);
      if (sample.status !== 'pass') log.info(`${sample.status}: ${sample.source}: ${sample.detail}`);
    },
  });
}

/** A window with no health checks: said in the summary, and warned in the log, since nothing could roll the release back. */
export function nothingWatched(label: string, notes: string[], log: Log): void {
  notes.push(`No health checks were configured, so ${label} was not watched.`);
  log.warning(`No health checks were configured (health-urls, health-checks), so ${label} was not watched: nothing can roll this release back.`, 'Nothing watched');
}
