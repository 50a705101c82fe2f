import type { Clock } from './infra/clock.js';
import type { Fence } from './infra/fence.js';
import type { Log, StateStore } from './infra/log.js';
import type { Plan } from './phases/discover.js';
import type { Deployer, HealthSource, Router } from './types.js';

/** What a release is given: its router and deployer, health sources, and the runner's services. */
export interface RunDeps {
  router: Router;
  deployer?: Deployer;
  /** Health sources for a release to `target` (from `previous`). */
  healthSources: (vars: Record<string, string>) => Promise<HealthSource[]>;
  clock: Clock;
  log: Log;
  state: StateStore;
  /** Aborted on SIGINT/SIGTERM: the run stops waiting and puts traffic back. */
  signal: AbortSignal;
  /**
   * Holds the router's lock once taken; every write checks it. The caller releases it after the outputs
   * and summary are written, so nobody moves traffic between the verdict and the end of the step.
   */
  fence: Fence;
  /** Who runs this release (the lock owner), for the staged-version record. */
  job?: string;
  /** Told the plan once discovered, before anything changes (main starts the GitHub deployment record). */
  onPlan?: (plan: Plan) => Promise<void>;
}

/**
 * The step's state, as main saves it and the post step reads it: `phase` is saved before each side
 * effect, `owner` is this step's lock identity, `wrote` the router states this run's last write may
 * have left (see `notOwnWrite`).
 */
export const STATE = { phase: 'phase', target: 'target', previous: 'previous', owner: 'owner', wrote: 'wrote' } as const;
/** Phases during which traffic may be on the new color before its window passed. */
export const TRAFFIC_AT_RISK = ['flipping', 'watching'];
