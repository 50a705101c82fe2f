import { access, constants } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fillTemplate } from '../../infra/argv.js';
import type { Clock } from '../../infra/clock.js';
import { acquireFileLock, type LockOwner } from '../../infra/lock.js';
import type { Log } from '../../infra/log.js';
import type { HaproxySettings } from '../../settings.js';
import type { Color, RouteState, Router } from '../../types.js';
import { assertExpected, describeRoute } from '../compare.js';
import { parseShowMap, persistMapEntry } from './map-file.js';
import { describeAddress, RuntimeApi } from './runtime-api.js';

export interface HaproxyDeps {
  colors: readonly Color[];
  clock: Clock;
  log: Log;
  lockTimeoutMs: number;
  owner: LockOwner;
}

/**
 * Switches traffic through the Runtime API, with no reload: `set map` changes which backend the
 * frontend's `use_backend %[str(<key>),map(<map>)]` picks, for every new request at once. Progressive
 * steps point the map at a split backend whose servers are named by color and weighted with `set weight`.
 */
export class HaproxyRouter implements Router {
  readonly description: string;
  readonly notes: string[] = [];
  private readonly api: RuntimeApi;
  private levelChecked = false;

  constructor(
    private readonly s: HaproxySettings,
    private readonly deps: HaproxyDeps,
  ) {
    this.api = new RuntimeApi(s.address);
    this.description = `haproxy map ${s.map} (key ${s.key}) via ${describeAddress(s.address)}`;
  }

  async read(): Promise<RouteState> {
    await this.checkLevel();
    const value = parseShowMap(await this.api.run(`show map ${this.s.map}`)).get(this.s.key);
    if (value === undefined) return {};
    const active = this.deps.colors.find((color) => this.backendOf(color) === value);
    if (active) return { active };
    if (this.s.splitBackend && value === this.s.splitBackend) return this.readWeights();
    throw new Error(`${this.description}: the key points at backend "${value}", which is neither ${this.deps.colors.map((c) => `"${this.backendOf(c)}"`).join(' nor ')}${this.s.splitBackend ? ` nor the split backend "${this.s.splitBackend}"` : ''}.`);
  }

  async flip(to: Color, expected: RouteState): Promise<void> {
    const current = await this.read();
    assertExpected(this.description, current, expected);
    await this.pointMapAt(this.backendOf(to), current.active === undefined && !current.weights);
    const after = await this.read();
    if (after.active !== to || after.weights) throw new Error(`${this.description} reads ${describeRoute(after)} after the flip to ${to}.`);
    this.deps.log.info(`haproxy: traffic moved from ${describeRoute(current)} to ${to}.`);
  }

  async setWeights(to: Color, percent: number, expected: RouteState): Promise<void> {
    const split = this.s.splitBackend!;
    const current = await this.read();
    assertExpected(this.description, current, expected);
    const other = this.deps.colors.find((color) => color !== to)!;
    // Weights first, then the map: the split backend is already right when traffic reaches it.
    await this.api.run(`set weight ${split}/${to} ${percent}`);
    await this.api.run(`set weight ${split}/${other} ${100 - percent}`);
    if (!current.weights) await this.pointMapAt(split, current.active === undefined);
    const after = await this.read();
    if (after.weights?.[to] !== percent) throw new Error(`${this.description} reads ${describeRoute(after)} after sending ${percent}% to ${to}.`);
    this.deps.log.info(`haproxy: ${percent}% of traffic to ${to}, ${100 - percent}% to ${other}.`);
  }

  async lock(): Promise<() => Promise<void>> {
    const { owner, lockTimeoutMs, clock, log } = this.deps;
    return acquireFileLock(await this.lockPath(), owner, lockTimeoutMs, clock, (m) => log.info(m));
  }

  private backendOf(color: Color): string {
    return fillTemplate(this.s.backend, { color });
  }

  private async pointMapAt(backend: string, absent: boolean): Promise<void> {
    await this.api.run(`${absent ? 'add' : 'set'} map ${this.s.map} ${this.s.key} ${backend}`);
    const why = await persistMapEntry(this.s.map, this.s.key, backend);
    if (why) {
      const note = `HAProxy serves "${backend}", but ${why}: a reload or restart of HAProxy would return to what the file says.`;
      if (!this.notes.includes(note)) this.notes.push(note);
      this.deps.log.warning(note, 'Map file not updated');
    }
  }

  private async readWeights(): Promise<RouteState> {
    const weights: Record<Color, number> = {};
    for (const color of this.deps.colors) {
      const answer = await this.api.run(`get weight ${this.s.splitBackend}/${color}`);
      weights[color] = Number(/^(\d+)/.exec(answer)?.[1] ?? NaN);
    }
    const [top, second] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
    if (second[1] === 0) return { active: top[0] };
    return { active: top[0], weights };
  }

  /** Fails early and clearly when the socket grants less than the commands need. */
  private async checkLevel(): Promise<void> {
    if (this.levelChecked) return;
    const level = (await this.api.run('show cli level')).trim();
    const needed = this.s.splitBackend ? 'admin' : 'operator';
    const rank = ['user', 'operator', 'admin'];
    if (rank.indexOf(level) < rank.indexOf(needed)) {
      throw new Error(
        `The HAProxy Runtime API at ${describeAddress(this.s.address)} grants level "${level}", but ${needed === 'admin' ? '`set weight` (traffic steps)' : '`set map`'} needs "${needed}": add \`level admin\` to its \`stats socket\` line.`,
      );
    }
    this.levelChecked = true;
  }

  /** Beside the map file when its folder is writable; otherwise one per socket and map in the temp dir. */
  private async lockPath(): Promise<string> {
    try {
      await access(dirname(this.s.map), constants.W_OK);
      return `${this.s.map}.lock`;
    } catch {
      const id = createHash('sha256').update(`${describeAddress(this.s.address)} ${this.s.map}`).digest('hex').slice(0, 16);
      return join(tmpdir(), `blue-green-haproxy-${id}.lock`);
    }
  }
}
