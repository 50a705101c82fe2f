import { statSync } from 'node:fs';
import { access, constants, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fillTemplate } from '../../infra/argv.js';
import type { Held } from '../../infra/fence.js';
import { acquireFileLock } from '../../infra/lock.js';
import { readProc } from '../../infra/procfs.js';
import type { Color, RouteState, Router, StagedRecord } from '../../types.js';
import { readStagedFile, writeStagedFile } from '../staged-file.js';
import { assertExpected, describeRoute } from '../../route.js';
import type { RouterDeps } from '../module.js';
import type { NginxSettings } from './module.js';
import { openFileCacheDirective } from './open-file-cache.js';
import { snapshotWorkers, type WorkerSnapshot } from './workers.js';

/**
 * Switches nginx by marker files, with no reload and so no dropped request: the server block tests
 * `if (-f <dir>/<color>)` for each color in the order of `colors` on every request, the last match wins,
 * and exactly one marker (the live color's) exists. A flip creates the new marker first and removes the
 * old one after, so there is never a moment with no marker (which would fall back to the block's
 * default): with the new color tested later it serves from the create, otherwise from the remove.
 */
export class NginxMarkerRouter implements Router {
  readonly description: string;

  constructor(
    private readonly s: NginxSettings,
    private readonly deps: RouterDeps,
  ) {
    this.description = `nginx markers ${s.marker}`;
  }

  /**
   * Each marker is looked up at once rather than through the thread pool: the run reads the router with
   * every health sample and around every write, and the look-up is what nginx itself does per request.
   */
  async read(): Promise<RouteState> {
    const present: { color: Color; revision: string }[] = [];
    for (const color of this.deps.colors) {
      let info;
      try {
        info = statSync(this.path(color), { bigint: true, throwIfNoEntry: false });
      } catch (error) {
        throw new Error(`Cannot read the nginx marker ${this.path(color)}: ${(error as Error).message}`);
      }
      if (info) present.push({ color, revision: `${info.ino}:${info.ctimeNs}` });
    }
    // What nginx serves: the last color its server block finds, in the order of `colors`.
    const last = present.at(-1);
    return last ? { active: last.color, revision: present.length === 1 ? last.revision : `${present.length} markers` } : {};
  }

  async flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const current = await this.read();
    assertExpected(this.description, current, expected);
    signal?.throwIfAborted();
    await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
    // Created first, removed after: there is never a moment without a marker.
    await writeFile(this.path(to), `${to}\n`, { mode: 0o644 });
    for (const color of this.deps.colors) if (color !== to) await unlink(this.path(color)).catch(ignoreMissing);
    const after = await this.read();
    if (after.active !== to || after.revision === `${this.deps.colors.length} markers`) {
      throw new Error(`${this.description} reads ${describeRoute(after)} after the flip to ${to}.`);
    }
    this.deps.log.info(`nginx: traffic moved from ${current.active ?? 'nothing'} to ${to} (marker ${this.path(to)}).`);
  }

  recordStaged(color: Color, record: StagedRecord): Promise<void> {
    return writeStagedFile(join(this.folder(), `.${color}.staged`), record);
  }

  readStaged(color: Color): Promise<StagedRecord | undefined> {
    return readStagedFile(join(this.folder(), `.${color}.staged`));
  }

  lock(signal?: AbortSignal): Promise<Held> {
    const { owner, lockTimeoutMs, clock, log } = this.deps;
    return acquireFileLock(join(this.folder(), '.blue-green.lock'), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
  }

  /** The folder must exist and be ours to write; nginx's workers must be able to see into it. */
  async preflight(): Promise<string[]> {
    const folder = this.folder();
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) return [`Input 'nginx-marker': the folder ${folder} does not exist; create it, writable only by the user that runs this step.`];
    if (await access(folder, constants.W_OK).then(() => false, () => true)) {
      return [`Input 'nginx-marker': this step's user cannot create files in ${folder}; make it writable by that user (and no one else).`];
    }
    if (info.mode & 0o022) {
      this.deps.log.warning(`${folder} is writable by others than its owner: anyone who can write there can move live traffic at once. Make it 0755 or stricter.`, 'nginx markers');
    }
    const workers = await snapshotWorkers(this.s.pidFile || '/run/nginx.pid').catch(() => undefined);
    // Independent reads (the configuration, the workers' credentials): side by side.
    const [cache, blind] = await Promise.all([openFileCacheDirective(this.s.testCommand, workers, join(folder, '.nginx-checked')), this.workersCannotSee(workers)]);
    if (cache) {
      this.deps.log.warning(
        `nginx's configuration has "${cache}": if it covers the marker folder, workers may see a flip late, and not all at once. Turn it off for that server or location.`,
        'nginx markers',
      );
    }
    return blind ? [`Input 'nginx-marker': nginx's workers run as uid ${blind.uid}, which cannot search ${blind.dir}, so every marker would read as absent; give that user search (x) permission on it.`] : [];
  }

  private path(color: Color): string {
    return fillTemplate(this.s.marker, { color });
  }

  private folder(): string {
    return dirname(this.path(this.deps.colors[0]));
  }

  /** A folder on the marker's path that nginx's worker user may not search, when nginx runs here. */
  private async workersCannotSee(workers: WorkerSnapshot | undefined): Promise<{ uid: number; dir: string } | undefined> {
    const pid = workers?.accepting.values().next().value;
    if (pid === undefined) return undefined;
    const status = readProc(`${pid}/status`) ?? '';
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
    const gids = new Set((/^Groups:\s*(.*)$/m.exec(status)?.[1] ?? '').split(/\s+/).filter(Boolean).map(Number));
    gids.add(Number(/^Gid:\s+(\d+)/m.exec(status)?.[1] ?? NaN));
    if (!Number.isInteger(uid) || uid === 0) return undefined;
    for (let dir = this.folder(); ; dir = dirname(dir)) {
      const info = await stat(dir).catch(() => undefined);
      if (info) {
        const bit = info.uid === uid ? 0o100 : gids.has(info.gid) ? 0o010 : 0o001;
        if (!(info.mode & bit)) return { uid, dir };
      }
      if (dir === dirname(dir)) return undefined;
    }
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
