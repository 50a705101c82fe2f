import { access, constants, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fillTemplate } from '../../infra/argv.js';
import { writeAtomic } from '../../infra/files.js';
import { errorMessage } from '../../infra/log.js';
import type { Held } from '../../infra/fence.js';
import { acquireFileLock } from '../../infra/lock.js';
import type { HaproxySettings } from './module.js';
import type { Color, RouteState, Router, StagedRecord } from '../../types.js';
import { readStagedFile, writeStagedFile } from '../staged-file.js';
import type { RouterDeps } from '../module.js';
import { assertExpected, describeRoute } from '../../route.js';
import { parseShowMap, persistMapEntry } from './map-file.js';
import { RuntimeApi } from './runtime-api.js';
import { describeAddress, type ApiAddress } from './syntax.js';

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
    private readonly deps: RouterDeps,
  ) {
    this.api = new RuntimeApi(s.address);
    this.description = `haproxy map ${s.map} (key ${s.key}) via ${describeAddress(s.address)}`;
  }

  async read(signal?: AbortSignal): Promise<RouteState> {
    await this.checkLevel(signal);
    const value = parseShowMap(await this.api.run(['show', 'map', this.s.map], signal)).get(this.s.key);
    if (value === undefined) return {};
    const active = this.deps.colors.find((color) => this.backendOf(color) === value);
    if (active) return { active };
    if (this.s.splitBackend && value === this.s.splitBackend) return this.readWeights(signal);
    throw new Error(`${this.description}: the key points at backend "${value}", which is neither ${this.deps.colors.map((c) => `"${this.backendOf(c)}"`).join(' nor ')}${this.s.splitBackend ? ` nor the split backend "${this.s.splitBackend}"` : ''}.`);
  }

  async flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const current = await this.read(signal);
    assertExpected(this.description, current, expected);
    await this.pointMapAt(this.backendOf(to), current.active === undefined && !current.weights, signal);
    const after = await this.read(signal);
    if (after.active !== to || after.weights) throw new Error(`${this.description} reads ${describeRoute(after)} after the flip to ${to}.`);
    this.deps.log.info(`haproxy: traffic moved from ${describeRoute(current)} to ${to}.`);
  }

  async setWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const split = this.s.splitBackend!;
    const current = await this.read(signal);
    assertExpected(this.description, current, expected);
    const other = this.deps.colors.find((color) => color !== to)!;
    // Weights first, then the map: the split backend is already right when traffic reaches it.
    await this.deps.fence.check(`Sending ${percent}% of ${this.description} to ${to}`);
    await this.api.run(['set', 'weight', `${split}/${to}`, String(percent)], signal);
    await this.api.run(['set', 'weight', `${split}/${other}`, String(100 - percent)], signal);
    if (!current.weights) await this.pointMapAt(split, current.active === undefined, signal);
    await this.persistServerState(signal);
    const after = await this.read(signal);
    if (after.weights?.[to] !== percent) throw new Error(`${this.description} reads ${describeRoute(after)} after sending ${percent}% to ${to}.`);
    this.deps.log.info(`haproxy: ${percent}% of traffic to ${to}, ${100 - percent}% to ${other}.`);
  }

  async recordStaged(color: Color, record: StagedRecord): Promise<void> {
    await writeStagedFile(await this.besideMap(`${color}.staged`), record);
  }

  async readStaged(color: Color): Promise<StagedRecord | undefined> {
    return readStagedFile(await this.besideMap(`${color}.staged`));
  }

  async lock(signal?: AbortSignal): Promise<Held> {
    const { owner, lockTimeoutMs, clock, log } = this.deps;
    return acquireFileLock(await this.besideMap('lock'), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
  }

  async preflight(): Promise<string[]> {
    const problems = [await socketProblem(this.s.address)];
    const state = this.s.serverStateFile;
    if (state && !(await stat(dirname(state)).catch(() => undefined))?.isDirectory()) {
      problems.push(`Input 'haproxy-server-state-file': the folder ${dirname(state)} does not exist; expected the path HAProxy names in its \`server-state-file\` directive.`);
    }
    return problems.filter((p): p is string => p !== undefined);
  }

  private backendOf(color: Color): string {
    return fillTemplate(this.s.backend, { color });
  }

  private async pointMapAt(backend: string, absent: boolean, signal?: AbortSignal): Promise<void> {
    await this.deps.fence.check(`Pointing ${this.description} at backend ${backend}`);
    await this.api.run([absent ? 'add' : 'set', 'map', this.s.map, this.s.key, backend], signal);
    const why = await persistMapEntry(this.s.map, this.s.key, backend);
    if (why) this.note(`HAProxy serves "${backend}", but ${why}: a reload or restart of HAProxy would return to what the file says.`, 'Map file not updated');
  }

  /**
   * Weights set through the Runtime API live in memory only: the server state file (HAProxy's own
   * `server-state-file`, loaded with `load-server-state-from-file`) is rewritten from `show servers
   * state`, so a reload in the middle of a step keeps the step's weights.
   */
  private async persistServerState(signal?: AbortSignal): Promise<void> {
    const path = this.s.serverStateFile;
    if (!path) {
      this.note('Traffic-step weights live in HAProxy\'s memory only: a reload during a step returns to the configured weights (the watch then fails the step). Set haproxy-server-state-file to keep them.', 'Weights not persisted');
      return;
    }
    try {
      await writeAtomic(path, `${await this.api.run(['show', 'servers', 'state'], signal)}\n`);
    } catch (error) {
      if (signal?.aborted) throw error;
      this.note(`HAProxy serves the step's weights, but the server state file ${path} could not be rewritten (${errorMessage(error)}): a reload would return to the configured weights.`, 'Server state not saved');
    }
  }

  private note(text: string, title: string): void {
    if (this.notes.includes(text)) return;
    this.notes.push(text);
    this.deps.log.warning(text, title);
  }

  private async readWeights(signal?: AbortSignal): Promise<RouteState> {
    const weights: Record<Color, number> = {};
    for (const color of this.deps.colors) {
      const answer = await this.api.run(['get', 'weight', `${this.s.splitBackend}/${color}`], signal);
      weights[color] = Number(/^(\d+)/.exec(answer)?.[1] ?? NaN);
    }
    const [top, second] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
    if (second[1] === 0) return { active: top[0] };
    return { active: top[0], weights };
  }

  /** Fails early and clearly when the socket grants less than the commands need. */
  private async checkLevel(signal?: AbortSignal): Promise<void> {
    if (this.levelChecked) return;
    const level = (await this.api.run(['show', 'cli', 'level'], signal)).trim();
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
  private async besideMap(suffix: string): Promise<string> {
    try {
      await access(dirname(this.s.map), constants.W_OK);
      return `${this.s.map}.${suffix}`;
    } catch {
      const id = createHash('sha256').update(`${describeAddress(this.s.address)} ${this.s.map}`).digest('hex').slice(0, 16);
      return join(tmpdir(), `blue-green-haproxy-${id}.${suffix}`);
    }
  }
}

/** A unix socket path that is missing or not a socket, said before anything is touched. */
async function socketProblem(address: ApiAddress): Promise<string | undefined> {
  if (!('path' in address)) return undefined;
  const { path } = address;
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error.code ?? 'error');
  if (typeof info === 'string') {
    return `Input 'haproxy-socket': ${path} ${info === 'ENOENT' ? 'does not exist' : `cannot be read (${info})`}; expected the Runtime API socket of a running HAProxy (\`stats socket ${path} level admin\`).`;
  }
  if (!info.isSocket()) return `Input 'haproxy-socket': ${path} is ${info.isDirectory() ? 'a directory' : 'not a socket'}; expected the Runtime API socket of a running HAProxy.`;
  return undefined;
}
