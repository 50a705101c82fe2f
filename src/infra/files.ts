import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** File contents, or undefined when the file does not exist; other errors throw. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
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
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await handle.stat({ bigint: true });
    return { content: await handle.readFile('utf8'), revision: `${info.ino}:${info.ctimeNs}` };
  } finally {
    await handle.close();
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
    const mode = await stat(path).then((info) => info.mode & 0o7777, () => 0o644);
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Puts a file back as it was: rewritten, or removed when it did not exist. */
export async function restoreFile(path: string, previous: string | undefined): Promise<void> {
  if (previous === undefined) await unlink(path).catch(() => undefined);
  else await writeAtomic(path, previous);
}
