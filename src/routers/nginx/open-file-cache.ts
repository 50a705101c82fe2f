import { readIfExists, writeAtomic } from '../../infra/files.js';
import { processStart } from '../../infra/procfs.js';
import type { WorkerSnapshot } from './workers.js';

/**
 * `open_file_cache` would let workers answer `-f` from a cache for up to its validity: a marker switch
 * would lag, and workers disagree. The full configuration is read with the test command turned into
 * `-T`. Starting that process forks this one, which costs a runner about 10 ms of this step's time, so
 * what it found is kept in `memo` for the nginx it read: its master (pid and start time) and the workers
 * that accept, which nginx replaces on every reload and restart, the only ways a changed configuration
 * comes into effect. Returns the directive when one is on, else undefined (also when nginx -T fails:
 * this check only ever warns).
 */
export async function openFileCacheDirective(testCommand: readonly string[], workers: WorkerSnapshot | undefined, memo: string): Promise<string | undefined> {
  const argv = testCommand.map((arg) => (arg === '-t' ? '-T' : arg)).filter((arg) => arg !== '-q');
  if (!argv.includes('-T')) return undefined;
  const nginx = generation(argv, workers);
  const known = nginx && (await readMemo(memo));
  if (known && known.nginx === nginx) return known.directive;
  // Loaded only when nginx is asked: a run that finds the answer kept never loads child_process.
  const { exec } = await import('../../infra/exec.js');
  const dump = await exec(argv, { timeoutMs: 10_000 }).catch(() => undefined);
  if (!dump || dump.code !== 0) return undefined;
  const directive = DIRECTIVE.exec(dump.stdout)?.[0].trim();
  if (nginx) await writeAtomic(memo, `${JSON.stringify({ nginx, directive })}\n`).catch(() => undefined);
  return directive;
}

/** An `open_file_cache` directive that is not `off` (its parameters may run over several lines). */
const DIRECTIVE = /^\s*open_file_cache\s+(?!off\b)[^;]*;/m;

/** The running nginx, as a key: undefined when its master and workers cannot be read here. */
function generation(argv: readonly string[], workers: WorkerSnapshot | undefined): string | undefined {
  if (!workers?.accepting.size) return undefined;
  const started = processStart(workers.master);
  if (!started) return undefined;
  return JSON.stringify({ argv, master: workers.master, started, workers: [...workers.accepting].sort((a, b) => a - b) });
}

async function readMemo(path: string): Promise<{ nginx: string; directive?: string } | undefined> {
  try {
    const memo = JSON.parse((await readIfExists(path)) ?? 'null') as { nginx?: unknown; directive?: unknown } | null;
    // Only what this check itself writes is taken: a key, and a directive as nginx -T shows it, or none.
    const directive = memo?.directive;
    if (typeof memo?.nginx !== 'string' || !(directive === undefined || (typeof directive === 'string' && directive.length <= 512 && DIRECTIVE.test(directive)))) return undefined;
    return { nginx: memo.nginx, directive };
  } catch {
    return undefined;
  }
}
