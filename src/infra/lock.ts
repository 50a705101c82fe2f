import { hostname } from 'node:os';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import type { Clock } from './clock.js';

export interface LockOwner {
  /** Identifies the workflow run; the post step of the same run may take over its lock. */
  run: string;
  pid: number;
}

interface Holder extends LockOwner {
  host: string;
  since: string;
}

const POLL_MS = 500;
/** A holder writes its details right after creating the file; an unreadable file older than this is debris. */
const UNREADABLE_GRACE_MS = 5000;

/**
 * An exclusive lock file created with O_EXCL, so two releases never interleave on one router.
 * A lock left by a dead process on this host, or by an earlier step of the same run, is taken over.
 */
export async function acquireFileLock(
  path: string,
  owner: LockOwner,
  timeoutMs: number,
  clock: Clock,
  onWait: (message: string) => void,
): Promise<() => Promise<void>> {
  const deadline = clock.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const holder = await tryCreate(path, owner);
    if (!holder) return () => unlink(path).catch(() => undefined);
    if (isStale(holder, owner)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    const who = `run ${holder.run}, pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
    if (clock.now() >= deadline) {
      throw new Error(
        `Another release holds the router lock ${path} (${who}); waited ${Math.round(timeoutMs / 1000)}s (lock-timeout). ` +
          'Serialize releases of one router with a workflow `concurrency:` group, or remove the file if that run is gone.',
      );
    }
    if (!announced) onWait(`Waiting for the router lock ${path}, held by ${who}`);
    announced = true;
    await clock.sleep(POLL_MS);
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<Holder | undefined> {
  const mine: Holder = { ...owner, host: hostname(), since: new Date().toISOString() };
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(JSON.stringify(mine));
    await handle.close();
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not create the router lock ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Holder;
  } catch {
    // Just created and not yet written (held), or left half-written by a process that died (stale).
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
    return { run: '?', pid: age < UNREADABLE_GRACE_MS ? -1 : 0, host: hostname(), since: '?' };
  }
}

function isStale(holder: Holder, owner: LockOwner): boolean {
  if (holder.run === owner.run && holder.host === hostname()) return true;
  if (holder.host !== hostname()) return false;
  if (holder.pid === -1) return false;
  if (!holder.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
