import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execOrThrow } from '../../infra/exec.js';
import { readIfExists, readWithRevision, restoreFile, writeAtomic } from '../../infra/files.js';
import type { Held } from '../../infra/fence.js';
import { acquireFileLock } from '../../infra/lock.js';
import { errorMessage } from '../../infra/log.js';
import { fillTemplate } from '../../infra/argv.js';
import type { NginxSettings } from './module.js';
import type { Color, RouteState, Router, StagedRecord } from '../../types.js';
import { readStagedFile, writeStagedFile } from '../staged-file.js';
import type { RouterDeps } from '../module.js';
import { assertExpected } from '../../route.js';
import { oldWorkersRetired, snapshotWorkers, type WorkerSnapshot } from './workers.js';

const MARKER = /^# Live color: ([a-z0-9-]+)$/m;
/** nginx test and reload commands are quick; a minute means something is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;
/** A healthy master starts new workers within milliseconds; 10s allows a busy host. */
const APPLY_TIMEOUT_MS = 10_000;
const APPLY_POLL_MS = 20;
/** Where Debian's and the official packages keep the master pid. */
const DEFAULT_PID_FILE = '/run/nginx.pid';

export class NginxRouter implements Router {
  readonly description: string;

  constructor(
    private readonly settings: NginxSettings,
    private readonly deps: RouterDeps,
  ) {
    this.description = `nginx include ${settings.conf}`;
  }

  async read(): Promise<RouteState> {
    const file = await readWithRevision(this.settings.conf);
    if (file === undefined) return {};
    const { content, revision } = file;
    const marked = MARKER.exec(content)?.[1];
    const active = marked ?? this.deps.colors.find((color) => content.trim() === this.render(color, false).trim());
    if (!active || !this.deps.colors.includes(active)) {
      throw new Error(
        `Cannot tell the live color from ${this.settings.conf}: it is neither written by this action nor nginx-template for one of ${this.deps.colors.join(', ')}.`,
      );
    }
    return { active, revision };
  }

  async flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const current = await this.read();
    assertExpected(this.description, current, expected);
    if (current.active === to) {
      this.deps.log.info(`nginx already sends traffic to ${to}; nothing to change.`);
      return;
    }
    const previous = await readIfExists(this.settings.conf);
    const before = await this.workers();
    await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
    await writeAtomic(this.settings.conf, this.render(to, true));
    let reloaded = false;
    try {
      await execOrThrow(this.settings.testCommand, 'nginx rejected the new configuration', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
      reloaded = true;
      await execOrThrow(this.settings.reloadCommand, 'nginx reload failed', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
      await this.waitUntilApplied(before, signal);
    } catch (error) {
      await this.undo(previous, reloaded);
      if (signal?.aborted) throw signal.reason;
      throw new Error(`Could not flip ${this.description} from ${current.active ?? 'nothing'} to ${to}: ${errorMessage(error)} (the previous file was restored).`);
    }
    const after = await this.read();
    if (after.active !== to) throw new Error(`${this.description} reads ${after.active ?? 'nothing'} after the flip to ${to}.`);
    this.deps.log.info(`nginx: traffic moved from ${current.active ?? 'nothing'} to ${to}.`);
  }

  recordStaged(color: Color, record: StagedRecord): Promise<void> {
    return writeStagedFile(`${this.settings.conf}.${color}.staged`, record);
  }

  readStaged(color: Color): Promise<StagedRecord | undefined> {
    return readStagedFile(`${this.settings.conf}.${color}.staged`);
  }

  lock(signal?: AbortSignal): Promise<Held> {
    const { owner, lockTimeoutMs, clock, log } = this.deps;
    return acquireFileLock(`${this.settings.conf}.lock`, owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
  }

  /** The include file must be a file (or not exist yet) in a folder that exists; a given pid file must exist. */
  async preflight(): Promise<string[]> {
    const problems: string[] = [];
    const { conf, pidFile } = this.settings;
    const info = await stat(conf).catch(() => undefined);
    if (info && !info.isFile()) problems.push(`Input 'nginx-conf': ${conf} is ${info.isDirectory() ? 'a directory' : 'not a regular file'}; expected the path of the include file the action owns.`);
    const folder = await stat(dirname(conf)).catch(() => undefined);
    if (!folder?.isDirectory()) problems.push(`Input 'nginx-conf': the folder ${dirname(conf)} does not exist; expected the path of the include file the action owns, in an existing folder.`);
    if (pidFile && !(await stat(pidFile).catch(() => undefined))?.isFile()) {
      problems.push(`Input 'nginx-pid-file': ${pidFile} does not exist or is not a file; expected the pid file of the running nginx master (its \`pid\` directive).`);
    }
    return problems;
  }

  private render(color: Color, marked: boolean): string {
    const body = fillTemplate(this.settings.template, { color });
    return marked ? `# Managed by the blue-green action; edits are overwritten.\n# Live color: ${color}\n${body}\n` : body;
  }

  private pidFile(): string | undefined {
    if (this.settings.pidFile) return this.settings.pidFile;
    return existsSync(DEFAULT_PID_FILE) ? DEFAULT_PID_FILE : undefined;
  }

  private async workers(): Promise<WorkerSnapshot | undefined> {
    const pidFile = this.pidFile();
    const snapshot = pidFile ? await snapshotWorkers(pidFile) : undefined;
    // No accepting worker (nginx not running, or a foreign pid file): nothing to confirm against.
    return snapshot?.accepting.size ? snapshot : undefined;
  }

  private async waitUntilApplied(before: WorkerSnapshot | undefined, signal?: AbortSignal): Promise<void> {
    if (!before) {
      this.deps.log.warning(
        'Cannot see the nginx master and its workers (set nginx-pid-file when nginx runs on this host), so the reload is assumed applied once the command returns.',
        'nginx reload not confirmed',
      );
      return;
    }
    const deadline = this.deps.clock.now() + APPLY_TIMEOUT_MS;
    while (this.deps.clock.now() < deadline) {
      if (await oldWorkersRetired(before)) return;
      await this.deps.clock.sleep(APPLY_POLL_MS, signal);
    }
    throw new Error(`nginx did not start workers with the new configuration within ${APPLY_TIMEOUT_MS / 1000}s; see its error log`);
  }

  /** Restores the previous file and, if nginx may have loaded the new one, reloads it again. */
  private async undo(previous: string | undefined, reloaded: boolean): Promise<void> {
    await restoreFile(this.settings.conf, previous);
    if (!reloaded) return;
    const before = await this.workers();
    try {
      await execOrThrow(this.settings.reloadCommand, 'nginx reload of the restored configuration failed', { timeoutMs: COMMAND_TIMEOUT_MS });
      if (before) await this.waitUntilApplied(before);
    } catch (error) {
      this.deps.log.warning(errorMessage(error), 'nginx restore');
    }
  }
}
