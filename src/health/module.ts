import type { Clock } from '../infra/clock.js';
import type { InputReader, Problems } from '../infra/parse.js';
import type { CommonSettings, HealthSource } from '../types.js';

/** What every health source is built with. */
export interface HealthDeps {
  clock: Clock;
  /** Timeout of one request (`smoke-timeout`). */
  timeoutMs: number;
  /** The release: `{color}` (the new color), `{previous}` and `{version}` in templates. */
  vars: { color: string; previous: string; version: string };
}

/**
 * A health-check type plug-in: one folder per `type:` value of `health-checks`, exporting one of these
 * from its `module.ts`, and one line in the registry (`health/index.ts`). The module parses without
 * I/O and stays light; `create` imports the implementation (and any SDK), so a run loads only the
 * types it uses.
 */
export interface HealthTypeModule<C, S> {
  /** One `health-checks` entry of this type, `type` removed; undefined when refused (problems say why). */
  check(problems: Problems, where: string, fields: Record<string, unknown>): C | undefined;
  /** Checks of this type that its own inputs give beside `health-checks` (e.g. `health-urls`). */
  inputChecks?(input: InputReader, problems: Problems): C[];
  /**
   * What the checks of this type share, from the type's own inputs (e.g. `prometheus-url`) and the
   * common settings; called for every run, so a malformed input is refused even when no check uses it.
   */
  shared(input: InputReader, problems: Problems, checks: readonly C[], common: CommonSettings): S;
  /**
   * Every credential in the raw inputs this type reads (header values, URL passwords), so they are
   * masked even when the inputs fail validation.
   */
  secrets?(input: InputReader): string[];
  create(checks: readonly C[], shared: S, deps: HealthDeps): Promise<HealthSource[]>;
}
