import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import type { Clock } from './clock.js';
import type { Held } from './fence.js';
import { processStart } from './procfs.js';

/**
 * Who holds a lock: one invocation of the step (run, attempt, job id, matrix index and a nonce kept in
 * the step's state), so two jobs, two steps of one job, or two calls of one reusable workflow never
 * share it, and the process, so a lock left by a dead process can be taken over.
 */
export interface LockOwner {
  /** Identifies the step invocation; its own post step (same identity) may take over its lock. */
  job: string;
  pid: number;
}

interface Holder extends LockOwner {
  host: string;
  since: string;
  /** Start time of the holder's process (from /proc), so a reused pid is not mistaken for it. */
  started?: string;
}

const POLL_MS = 250;
/** A holder writes its details right after creating the file; an unreadable file older than this is debris. */
const UNREADABLE_GRACE_MS = 5000;
/** Breaking a stale lock takes milliseconds; a breaker file older than this was left by a dead process. */
const BREAKER_STALE_MS = 10_000;

/**
 * An exclusive lock file created with O_EXCL, so two releases never interleave on one router.
 * A lock left by a dead process on this host, or by an earlier step of the same job, is taken over
 * safely: under a second O_EXCL file, and only if the lock still holds the very holder judged stale,
 * so two waiters that both saw it stale can never remove a lock the other just took. The fence is the
 * file itself: a write is allowed while the lock file still holds exactly what this run wrote there.
 */
export async function acquireFileLock(
  path: string,
  owner: LockOwner,
  timeoutMs: number,
  clock: Clock,
  onWait: (message: string) => void,
  signal?: AbortSignal,
): Promise<Held> {
  const deadline = clock.now() + timeoutMs;
  const mine: Holder = { ...owner, host: hostname(), since: new Date(clock.now()).toISOString(), started: processStart(owner.pid) };
  let announced = false;
  for (;;) {
    signal?.throwIfAborted();
    const holder = await tryCreate(path, mine);
    if (!holder) return releaser(path, mine);
    if ((await isStale(holder.holder, mine)) && (await breakStale(path, holder.text))) continue;
    const who = describeHolder(holder.holder);
    if (clock.now() >= deadline) {
      throw new Error(
        `Another release holds the router lock ${path} (${who}); waited ${Math.round(timeoutMs / 1000)}s (lock-timeout). ` +
          'Serialize releases of one router with a workflow `concurrency:` group, or remove the file if that job is gone.',
      );
    }
    // A placeholder (pid -1: a lock file not yet readable) names nobody; say who waits on once known.
    if (!announced && holder.holder.pid !== -1) {
      onWait(`Waiting for the router lock ${path}, held by ${who}`);
      announced = true;
    }
    await clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - clock.now())), signal);
  }
}

function describeHolder(holder: Holder): string {
  return `${holder.job}, pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
}

/** Held while the file still holds this run's record; removed only while it is still ours. */
function releaser(path: string, mine: Holder): Held {
  const text = JSON.stringify(mine);
  // Read at once, not through the thread pool: the fence asks before every write and with every health
  // sample, and four round trips through the pool for a small local file cost more than the read.
  const now = (): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    lost: async () => {
      const found = now();
      if (found === text) return undefined;
      if (found === undefined) return `the lock file ${path} was removed by someone else`;
      let who = 'another holder';
      try {
        who = describeHolder(JSON.parse(found) as Holder);
      } catch {
        /* an unreadable record is still not ours */
      }
      return `the lock file ${path} now names ${who}`;
    },
    release: async () => {
      if (now() === text) await unlink(path).catch(() => undefined);
    },
  };
}

/**
 * Creates the lock with its content in one step: the holder is written to a private file first, then
 * hard-linked to the lock's name, which fails if the name exists (as O_EXCL would). A waiter thus never
 * reads a lock that exists but is still empty.
 */
async function tryCreate(path: string, mine: Holder): Promise<{ holder: Holder; text: string } | undefined> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(draft, JSON.stringify(mine), { mode: 0o600, flag: 'wx' });
    await link(draft, path);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not create the router lock ${path}: ${(error as Error).message}`);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  const text = await readFile(path, 'utf8').catch(() => '');
  try {
    const holder = JSON.parse(text) as Holder;
    if (typeof holder.job === 'string' && typeof holder.pid === 'number') return { holder, text };
  } catch {
    /* judged below */
  }
  // Just created and not yet written (held), or left half-written by a process that died (stale).
  const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
  return { holder: { job: 'an unreadable lock', pid: age < UNREADABLE_GRACE_MS ? -1 : 0, host: hostname(), since: '?' }, text };
}

/** Stale: left by this same job, or by a process of this host that is gone (or whose pid was reused). */
async function isStale(holder: Holder, mine: Holder): Promise<boolean> {
  if (holder.host !== mine.host) return false;
  if (holder.job === mine.job) return true;
  if (holder.pid === -1) return false;
  if (!holder.pid) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return holder.started !== undefined && processStart(holder.pid) !== holder.started;
}

/** True when the stale lock was removed (or is already gone); false when someone else is breaking it. */
async function breakStale(path: string, staleText: string): Promise<boolean> {
  const breaker = `${path}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > BREAKER_STALE_MS) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === staleText) await unlink(path).catch(() => undefined);
    return true;
  } finally {
    await handle.close();
    await unlink(breaker).catch(() => undefined);
  }
}

