/** Shared vocabulary. Code speaks of roles (active, idle, previous, target); colors are only values. */
export type Color = string;

export const MODES = ['deploy', 'stage', 'promote', 'rollback', 'status'] as const;
export type Mode = (typeof MODES)[number];

export const ROUTER_KINDS = ['kubernetes', 'aws-alb', 'nginx', 'haproxy', 'command'] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];

export type Result = 'promoted' | 'rolled-back' | 'aborted' | 'staged' | 'unchanged' | 'failed';

/** What the router shows. `active` is undefined before the first release. */
export interface RouteState {
  active?: Color;
  /** Percent of traffic per color, for routers that split traffic. */
  weights?: Record<Color, number>;
}

export interface Router {
  /** Human description used in logs and errors, e.g. `nginx include /etc/nginx/live.conf`. */
  readonly description: string;
  read(): Promise<RouteState>;
  /** Sends all traffic to `to`, only if the router still shows `expected`; reads back to verify. */
  flip(to: Color, expected: RouteState): Promise<void>;
  /** Sends `percent` of traffic to `to` and the rest to the other color; only routers with weights. */
  setWeights?(to: Color, percent: number, expected: RouteState): Promise<void>;
  /** Things the summary should say about the router (e.g. a change that will not survive a reload). */
  readonly notes?: readonly string[];
  /** Excludes other runs from this router until released. */
  lock?(): Promise<() => Promise<void>>;
}

export type SampleStatus = 'pass' | 'fail' | 'error' | 'no-data';

export interface Sample {
  source: string;
  status: SampleStatus;
  at: string;
  /** The measured number, when the source measures one (latency, a metric value). */
  value?: number;
  detail: string;
}

export interface HealthSource {
  readonly name: string;
  /** When true, a window in which every sample was `no-data` fails: silence is not health. */
  readonly requiresData?: boolean;
  /** What the values mean, and the fixed thresholds, for charts. */
  readonly info?: { unit: string; max?: number; min?: number; limit?: number };
  sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>>;
  /** Checks the source's own inputs against the real service before anything is touched. */
  validate?(signal?: AbortSignal): Promise<string | undefined>;
  /** Runs just before traffic first moves (e.g. sampling a baseline); returns a note for the summary. */
  beforeFlip?(signal?: AbortSignal): Promise<string | undefined>;
}

export interface Deployer {
  readonly description: string;
  deploy(target: Color, active: Color | undefined, signal?: AbortSignal): Promise<void>;
}
