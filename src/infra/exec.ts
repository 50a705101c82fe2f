import { spawn } from 'node:child_process';

export interface ExecOptions {
  env?: Record<string, string>;
  /** Kill the command (and its process group) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each line of output as it arrives (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  input?: string;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** The command exited but processes it started (in its process group) still run. */
  leftRunning: boolean;
}

/** How long a command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/**
 * Runs argv directly (never through a shell) and collects its output. Resolves when the process exits,
 * not when its output closes: a command that starts a background process and exits is done, and the
 * result says it left processes running. A signal that is already aborted runs nothing.
 */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (options.signal?.aborted) return Promise.resolve({ code: null, stdout: '', stderr: '', timedOut: false, aborted: true, leftRunning: false });
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      shell: false,
      // A process group of its own, so a timeout or a cancel also stops what a deploy script started.
      detached: true,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const err: string[] = [];
    let timedOut = false;
    let aborted = false;
    const stop = () => {
      signalGroup(child.pid, 'SIGTERM');
      setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const closed = Promise.all([pipeLines(child.stdout, out, (line) => options.onLine?.(line, 'stdout')), pipeLines(child.stderr, err, (line) => options.onLine?.(line, 'stderr'))]);
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const hint = error.code === 'ENOENT' ? `command not found: ${argv[0]}` : error.message;
      reject(new Error(hint));
    });
    child.on('exit', async (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Output written just before the exit is still in the pipes: give it a moment to arrive.
      const drained = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_MS))]);
      const leftRunning = groupAlive(child.pid);
      if (!drained) {
        // A process it left behind holds the pipes open; stop reading them so we do not wait for it.
        child.stdout.destroy();
        child.stderr.destroy();
      }
      resolve({ code, stdout: out.join(''), stderr: err.join(''), timedOut, aborted, leftRunning });
    });
  });
}

/** How long output may keep arriving after the process exited. */
const DRAIN_MS = 200;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function groupAlive(pid: number | undefined): boolean {
  try {
    if (pid) process.kill(-pid, 0);
    return Boolean(pid);
  } catch {
    return false;
  }
}

/** Collects a stream and hands on each line; resolves when it ends. */
function pipeLines(stream: NodeJS.ReadableStream, sink: string[], onLine: (line: string) => void): Promise<void> {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    sink.push(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  return new Promise((resolve) => {
    stream.on('end', () => {
      if (pending) onLine(pending);
      resolve();
    });
    stream.on('close', () => resolve());
  });
}

/** The last lines of a command's output, for error messages. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Runs a command and throws with its output when it exits non-zero. */
export async function execOrThrow(argv: readonly string[], what: string, options: ExecOptions = {}): Promise<ExecResult> {
  const result = await exec(argv, options);
  if (result.aborted) throw options.signal?.reason ?? new Error(`${what}: cancelled`);
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs}ms` : `exited with ${result.code ?? 'a signal'}`;
    const output = tail(result.stderr || result.stdout);
    throw new Error(`${what}: \`${argv.join(' ')}\` ${why}${output ? `: ${output}` : ''}`);
  }
  return result;
}
