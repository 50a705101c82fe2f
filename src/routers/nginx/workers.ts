import { readdir, readFile } from 'node:fs/promises';
import { readProc } from '../../infra/procfs.js';

/**
 * nginx applies `-s reload` asynchronously: the command returns once the signal is sent, and the master
 * starts workers with the new configuration a little later (or never, if it cannot apply it). The master
 * tells the old workers to quit only after the new ones started, and an old worker stops accepting at
 * once and renames itself "worker process is shutting down". So: every worker that accepted before the
 * reload has retired = the new configuration serves every new connection.
 */
export interface WorkerSnapshot {
  master: number;
  accepting: Set<number>;
}

export async function snapshotWorkers(pidFile: string): Promise<WorkerSnapshot | undefined> {
  let master: number;
  try {
    master = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(master) || master <= 0) return undefined;
  const accepting = new Set<number>();
  for (const pid of await childrenOf(master)) {
    const info = processInfo(pid);
    // Old workers rename themselves "worker process is shutting down" and stop accepting at once.
    if (info?.parent === master && info.title.includes('worker process') && !info.title.includes('shutting down')) accepting.add(pid);
  }
  return { master, accepting };
}

/**
 * The master's children, from the kernel's list of them (milliseconds); where the kernel keeps none
 * (built without CONFIG_PROC_CHILDREN), every process, whose parent is then checked: a scan of /proc
 * costs 20-80 ms on a busy runner.
 */
async function childrenOf(master: number): Promise<number[]> {
  const listed = readProc(`${master}/task/${master}/children`);
  if (listed !== undefined) return listed.split(/\s+/).filter(Boolean).map(Number);
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function processInfo(pid: number): { parent: number; title: string } | undefined {
  const stat = readProc(`${pid}/stat`);
  const cmdline = readProc(`${pid}/cmdline`);
  if (stat === undefined || cmdline === undefined) return undefined;
  // The command name is in parentheses and may hold spaces; the parent pid is the 2nd field after it.
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return { parent, title: cmdline.replace(/\0/g, ' ') };
}

/**
 * True once every worker that accepted before the reload is gone or shutting down. Only those few pids
 * are read: scanning all of /proc while nginx swaps workers would compete with it for the CPU.
 */
export async function oldWorkersRetired(before: WorkerSnapshot): Promise<boolean> {
  for (const pid of before.accepting) {
    const info = processInfo(pid);
    const stillAccepting = info?.parent === before.master && info.title.includes('worker process') && !info.title.includes('shutting down');
    if (stillAccepting) return false;
  }
  return before.accepting.size > 0;
}
