// Reads of /proc, synchronous on purpose: the kernel answers them from memory in microseconds, while an
// asynchronous read is four trips through libuv's thread pool (open, stat, read, close), each a
// fraction of a millisecond on a busy runner, and a lock or a preflight reads a dozen of them.
import { readFileSync } from 'node:fs';

/** The text of `/proc/<path>`; undefined where there is none (another OS, a process that is gone). */
export function readProc(path: string): string | undefined {
  try {
    return readFileSync(`/proc/${path}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot, so a reused pid is not taken for it. */
export function processStart(pid: number): string | undefined {
  const stat = readProc(`${pid}/stat`);
  // The command name, in parentheses, may hold spaces; the start time is the 20th field after it.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
