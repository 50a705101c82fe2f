import type { Clock } from '../infra/clock.js';
import type { Fence } from '../infra/fence.js';
import type { LockOwner } from '../infra/lock.js';
import type { Log } from '../infra/log.js';
import type { InputReader, Problems } from '../infra/parse.js';
import type { Color, CommonSettings, Deployer, Router } from '../types.js';

/** What every router is built with: the run's clock and log, who holds its lock, and the colors. */
export interface RouterDeps {
  clock: Clock;
  log: Log;
  owner: LockOwner;
  /** Checked immediately before every write to the router or the platform (fenced exclusion). */
  fence: Fence;
  colors: readonly Color[];
  lockTimeoutMs: number;
  /** How long the platform may take to become ready (a rollout, endpoints following a flip). */
  readyTimeoutMs: number;
  /** The release's version label, for what the router records beside a color. */
  version: string;
  /**
   * Masks a credential learnt while the run goes (a token a kubeconfig's exec plugin mints), in the
   * log and in everything written; the secrets of the inputs were masked before the run.
   */
  onSecret?: (value: string) => void;
}

/**
 * A router plug-in: one folder per `router` value, exporting one of these from its `module.ts`, and
 * one line in the registry (`routers/index.ts`). The module reads only its own inputs and stays
 * light; the implementation (and any SDK) is imported by `create`, so a run never loads a router it
 * did not choose.
 */
export interface RouterModule<S> {
  /**
   * Its own inputs, parsed and validated without I/O; each problem names the input. What it judges
   * them against (the colors, the region) comes parsed in `common`, never re-read.
   */
  settings(input: InputReader, problems: Problems, common: CommonSettings): S;
  /** Why this configuration cannot split traffic (for `traffic-steps`), or undefined when it can. */
  cannotSplit(s: S): string | undefined;
  create(s: S, deps: RouterDeps): Promise<Router>;
  /**
   * Every credential in the raw inputs this router reads (a kubeconfig's tokens), so they are masked
   * even when the inputs fail validation.
   */
  secrets?(input: InputReader): string[];
  /** Its inputs whose value is YAML: the entry loads the YAML parser before reading inputs when one is set. */
  yamlInputs?: readonly string[];
  /** A deployer of the router's own platform, when its inputs ask for one (e.g. `image`); lazy too. */
  deployer?(s: S, deps: RouterDeps): Promise<Deployer | undefined>;
}
