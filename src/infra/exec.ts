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
}

/** How long a command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** Runs argv directly (never through a shell) and collects its output. */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      shell: false,
      // A process group of its own, so a timeout also stops what a deploy script started.
      detached: true,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const err: string[] = [];
    let timedOut = false;
    let aborted = false;
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, KILL_GRACE_MS).unref();
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
    pipeLines(child.stdout, out, (line) => options.onLine?.(line, 'stdout'));
    pipeLines(child.stderr, err, (line) => options.onLine?.(line, 'stderr'));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const hint = error.code === 'ENOENT' ? `command not found: ${argv[0]}` : error.message;
      reject(new Error(hint));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, stdout: out.join(''), stderr: err.join(''), timedOut, aborted });
    });
  });
}

function pipeLines(stream: NodeJS.ReadableStream, sink: string[], onLine: (line: string) => void) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    sink.push(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}

/** The last lines of a command's output, for error messages. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Runs a command and throws with its output when it exits non-zero. */
export async function execOrThrow(argv: readonly string[], what: string, options: ExecOptions = {}): Promise<ExecResult> {
  const result = await exec(argv, options);
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs}ms` : `exited with ${result.code ?? 'a signal'}`;
    const output = tail(result.stderr || result.stdout);
    throw new Error(`${what}: \`${argv.join(' ')}\` ${why}${output ? `: ${output}` : ''}`);
  }
  return result;
}
