// The small local files the routers own (an include, a map, the `.staged` records) are read and written
// at once, not through libuv's thread pool: each pool call is a round trip between threads, a fraction of
// a millisecond on a busy runner, and an atomic rewrite takes six of them where the work takes
// microseconds. The functions stay asynchronous, so a caller does not depend on how they are done.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** File contents, or undefined when the file does not exist; other errors throw. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * File contents with a revision (inode and change time, read from the same open file): an atomic
 * rewrite always changes it, so it tells whether the file is still the one a run wrote.
 */
export async function readWithRevision(path: string): Promise<{ content: string; revision: string } | undefined> {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd, { bigint: true });
    return { content: readFileSync(fd, 'utf8'), revision: `${info.ino}:${info.ctimeNs}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Write beside the target and rename over it, so a reader never sees half a file. The temporary file is
 * private while it is written, then takes the target's mode (0644 for a new file, which nginx and HAProxy
 * must be able to read).
 */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const mode = modeOf(path);
    writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      /* never created, or already renamed */
    }
    throw error;
  }
}

/** A file's permission bits; 0644 for one that cannot be read (a new file). */
function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o644;
  }
}

/** Puts a file back as it was: rewritten, or removed when it did not exist. */
export async function restoreFile(path: string, previous: string | undefined): Promise<void> {
  if (previous === undefined) await unlink(path).catch(() => undefined);
  else await writeAtomic(path, previous);
}
