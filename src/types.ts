import type { Held } from './infra/fence.js';

/** Shared vocabulary. Code speaks of roles (active, idle, previous, target); colors are only values. */
export type Color = string;

export const MODES = ['deploy', 'stage', 'promote', 'rollback', 'status'] as const;
export type Mode = (typeof MODES)[number];

/**
 * The inputs a plug-in may judge its own against, parsed once by the settings and handed to every
 * router and health type, so no plug-in reads an input that is not its own.
 */
export interface CommonSettings {
  mode: Mode;
  colors: [Color, Color];
  version: string;
  /** `deploy-command` is given: the idle color already has a deployer. */
  deployCommand: boolean;
  /** `smoke-headers`: sent with every HTTP probe, smoke tests and `http` health checks alike. */
  smokeHeaders: Record<string, string>;
  /**
   * The region of everything AWS (the aws-alb router, cloudwatch-alarm checks): `aws-region`, else the
   * runner's AWS_REGION, as the AWS SDK reads it; '' when neither is set.
   */
  aws: { region: string; fromEnvironment: boolean };
  /**
   * How long each window judges the new color: `health-window`, and `step-window` after each of the
   * `traffic-steps` short of 100. A router whose change reaches clients late (a DNS TTL) judges its
   * delay against them.
   */
  windows: { healthMs: number; stepMs: number; steps: number[] };
}

export type Result = 'promoted' | 'rolled-back' | 'aborted' | 'staged' | 'unchanged' | 'failed';

/** What the router shows. `active` is undefined before the first release. */
export interface RouteState {
  active?: Color;
  /** Percent of traffic per color, for routers that split traffic. */
  weights?: Record<Color, number>;
  /**
   * Identifies the router's last write where the router can tell (a file's inode and mtime, an
   * object's resourceVersion): a verdict checks that the router still shows this run's own write.
   */
  revision?: string;
}

/**
 * A router: the source of truth for which color serves. Every wait inside takes the run's signal,
 * except where the caller passes none on purpose (flipping back after a cancel must finish).
 */
export interface Router {
  /** Human description used in logs and errors, e.g. `nginx include /etc/nginx/live.conf`. */
  readonly description: string;
  read(signal?: AbortSignal): Promise<RouteState>;
  /** Sends all traffic to `to`, only if the router still shows `expected`; reads back to verify. */
  flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void>;
  /** Sends `percent` of traffic to `to` and the rest to the other color; only routers with weights. */
  setWeights?(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void>;
  /**
   * Points a test route (a preview Service, a test listener) at `color`, so smoke tests reach the idle
   * color through the real platform before live traffic moves. Present only when one is configured.
   */
  preview?(color: Color, signal?: AbortSignal): Promise<void>;
  /**
   * Runs once a promotion to `target` passed its window (e.g. scales `previous` down after a delay);
   * returns a note for the summary. Never undoes the promotion.
   */
  afterPromotion?(target: Color, previous: Color, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * What still reaches `left`, the color traffic just left, and for how long: requests in flight (a
   * deregistration delay, pods' grace period), answers resolvers cached (a DNS TTL), sessions the
   * router keeps there. Only reads; said in the summary after a promotion.
   */
  drain?(left: Color, signal?: AbortSignal): Promise<Drain | undefined>;
  /** Things the summary should say about the router (e.g. a change that will not survive a reload). */
  readonly notes?: readonly string[];
  /**
   * Excludes other runs from this router until released; waits up to lock-timeout. The core hands the
   * result to the run's fence, which every write of the router (and deployer) checks right before it
   * writes.
   */
  lock(signal?: AbortSignal): Promise<Held>;
  /**
   * Looks at what the inputs name (files, sockets) before anything is touched; returns problems that
   * name the input, as settings problems do.
   */
  preflight?(): Promise<string[]>;
  /**
   * Health the platform itself reports about `target` (e.g. a load balancer's target health), watched
   * beside the user's health checks during every window.
   */
  healthSources?(target: Color): HealthSource[];
  /** Records on the platform which version a color now holds (after deploy and smoke), where it can. */
  recordStaged?(color: Color, record: StagedRecord, signal?: AbortSignal): Promise<void>;
  /** The version a color holds, as recorded; undefined when nothing was recorded. */
  readStaged?(color: Color, signal?: AbortSignal): Promise<StagedRecord | undefined>;
}

/** How the color traffic left winds down, as its router knows it. */
export interface Drain {
  /** How long from now that color may still serve what it already had. */
  ms: number;
  /** One sentence: what drains there, and until when. */
  note: string;
  /** One sentence, where the router keeps sessions on that color until they expire. */
  sessions?: string;
}

/** Which version a color holds, when it was deployed, and by which job. */
export interface StagedRecord {
  version: string;
  at: string;
  by: string;
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
  /** When true, one failing sample fails the window, whatever failure-threshold says. */
  readonly critical?: boolean;
  /** What the values mean, and the fixed thresholds, for charts. */
  readonly info?: { unit: string; max?: number; min?: number; limit?: number };
  sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>>;
  /**
   * Proves the source usable before anything is touched (it answers, with the credentials given);
   * returns a problem naming the input, or undefined. Rejects only when the run is cancelled.
   */
  validate?(signal?: AbortSignal): Promise<string | undefined>;
  /** Runs just before traffic first moves (e.g. sampling a baseline); returns a note for the summary. */
  beforeFlip?(signal?: AbortSignal): Promise<string | undefined>;
  /** Told when traffic first reached the new color (clock time), e.g. to start ranges there. */
  trafficMoved?(at: number): void;
}

export interface Deployer {
  readonly description: string;
  deploy(target: Color, active: Color | undefined, signal?: AbortSignal): Promise<void>;
}
