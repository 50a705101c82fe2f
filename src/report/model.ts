import type { Clock } from '../infra/clock.js';
import type { LiveVersion } from '../phases/live-version.js';
import type { Color, Mode, Result, Sample } from '../types.js';

export interface PhaseRecord {
  name: string;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'failed';
  detail?: string;
}

export interface SmokeRecord {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  latencyMs: number;
  attempts: number;
  detail: string;
}

/** One `warmup-urls` line as it ran: how many requests, and how their latency went (recorded, not judged). */
export interface WarmupRecord {
  url: string;
  /** What the line asked for: `20 request(s)`, `for 30s`. */
  planned: string;
  requests: number;
  ok: boolean;
  firstMs: number;
  lastMs: number;
  slowestMs: number;
  detail: string;
}

export interface StepRecord {
  percent: number;
  windowMs: number;
  passed: boolean;
}

/** Everything a run learned, in the order it happened; rendered as outputs, summary and JSON. */
export interface RunReport {
  mode: Mode;
  dryRun: boolean;
  router: string;
  version: string;
  colors: [Color, Color];
  /** What the router showed at discovery, as text. */
  before?: string;
  active?: Color;
  target?: Color;
  previous?: Color;
  result: Result;
  reason: string;
  rolledBack: boolean;
  /** What the router shows at the end, as read back (or what is known if it could not be read). */
  routerShows: string;
  /** Set when a person must act: what to check or run. */
  advice?: string;
  flippedAt?: string;
  startedAt: string;
  endedAt?: string;
  durationSeconds?: number;
  phases: PhaseRecord[];
  warmup: WarmupRecord[];
  smoke: SmokeRecord[];
  /** How the color traffic left winds down, as the router told after the promotion. */
  drain?: { color: Color; seconds: number; note: string; sessions?: string };
  steps: StepRecord[];
  samples: Sample[];
  /** The health checks, with what their values mean and their fixed thresholds. */
  checks: { name: string; unit: string; max?: number; min?: number; limit?: number }[];
  thresholds: { failure: number; error: number; intervalMs: number; windowMs: number };
  deploymentId?: string;
  /** `only-if-version`: what the live color was found to serve before a rollback acted (or refused). */
  liveVersion?: LiveVersion;
  notes: string[];
}

export function newReport(
  clock: Clock,
  base: Pick<RunReport, 'mode' | 'dryRun' | 'router' | 'version' | 'colors' | 'thresholds'>,
): RunReport {
  return {
    ...base,
    result: 'failed',
    reason: '',
    rolledBack: false,
    routerShows: 'unknown',
    startedAt: new Date(clock.now()).toISOString(),
    phases: [],
    warmup: [],
    smoke: [],
    steps: [],
    samples: [],
    checks: [],
    notes: [],
  };
}

/** Stamps the end of the run on its report. */
export function endReport(report: RunReport, now: number): void {
  report.endedAt = new Date(now).toISOString();
  report.durationSeconds = Math.round((now - Date.parse(report.startedAt)) / 1000);
}
