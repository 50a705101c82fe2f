import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillArgv } from '../../infra/argv.js';
import type { Held } from '../../infra/fence.js';
import { acquireFileLock } from '../../infra/lock.js';
import { execOrThrow } from '../../infra/exec.js';
import type { CommandRouterSettings } from './module.js';
import type { Color, RouteState, Router } from '../../types.js';
import type { RouterDeps } from '../module.js';
import { assertExpected, describeRoute } from '../../route.js';

/** User commands are expected to be quick API calls; a minute means something is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Any router the user can drive from the command line. `router-get-command` prints the live color
 * (nothing before the first release) or weights as `blue=90 green=10`; `router-set-command` receives
 * `{color}` and `{weight}` (the percent for that color).
 *
 * Exclusion: the action cannot see inside the user's router, so the lock is a file in this machine's
 * temp folder, named after the two commands. It keeps apart jobs on one machine (self-hosted runners
 * sharing a host); jobs on different machines must be kept apart with a workflow `concurrency:` group.
 */
export class CommandRouter implements Router {
  readonly description = 'command router';

  constructor(
    private readonly settings: CommandRouterSettings,
    private readonly deps: RouterDeps,
  ) {}

  async read(signal?: AbortSignal): Promise<RouteState> {
    const { stdout } = await execOrThrow(this.settings.get, 'router-get-command failed', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
    return parseRoute(stdout.trim(), this.deps.colors);
  }

  lock(signal?: AbortSignal): Promise<Held> {
    const { owner, lockTimeoutMs, clock, log } = this.deps;
    const id = createHash('sha256').update(JSON.stringify([this.settings.get, this.settings.set])).digest('hex').slice(0, 16);
    return acquireFileLock(join(tmpdir(), `blue-green-command-${id}.lock`), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
  }

  async flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    await this.set(to, 100, expected, signal);
    const after = await this.read(signal);
    if (after.active !== to || (after.weights && after.weights[to] !== 100)) {
      throw new Error(`router-get-command prints "${describeRoute(after)}" after the flip to ${to}.`);
    }
  }

  async setWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    await this.set(to, percent, expected, signal);
    const after = await this.read(signal);
    if ((after.weights?.[to] ?? (after.active === to ? 100 : 0)) !== percent) {
      throw new Error(`router-get-command prints "${describeRoute(after)}" after sending ${percent}% to ${to}.`);
    }
  }

  private async set(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    assertExpected(this.description, await this.read(signal), expected);
    const argv = fillArgv(this.settings.set, { color: to, weight: String(percent) });
    await this.deps.fence.check(`router-set-command for ${percent}% to ${to}`);
    await execOrThrow(argv, `router-set-command failed to send ${percent}% to ${to}`, { timeoutMs: COMMAND_TIMEOUT_MS, signal });
  }
}

export function parseRoute(text: string, colors: readonly Color[]): RouteState {
  if (!text) return {};
  if (colors.includes(text)) return { active: text };
  const pairs = text.split(/[\s,]+/).map((pair) => pair.split('='));
  const weights: Record<Color, number> = {};
  for (const [color, value] of pairs) {
    if (!colors.includes(color) || !/^\d+$/.test(value ?? '')) {
      throw new Error(`router-get-command printed "${text}"; expected one of ${colors.join(', ')}, weights like "${colors[0]}=90 ${colors[1]}=10", or nothing before the first release.`);
    }
    weights[color] = Number(value);
  }
  const [top] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
  if (top[1] === 100) return { active: top[0] };
  return { active: top[0], weights };
}
