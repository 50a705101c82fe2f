// Runs wrk against a URL until stopped, and parses its totals.
import { spawn } from 'node:child_process';

/** Starts wrk; `stop()` ends it (SIGINT makes wrk print its totals) and resolves the counts. */
export function startWrk(url, { threads = 2, connections = 32, maxSeconds = 300 } = {}) {
  const child = spawn('wrk', [`-t${threads}`, `-c${connections}`, `-d${maxSeconds}s`, '--timeout', '2s', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const done = new Promise((resolve) => child.on('close', () => resolve(parseWrk(out))));
  return {
    async stop() {
      child.kill('SIGINT');
      return done;
    },
  };
}

export function parseWrk(text) {
  const requests = Number(/(\d+) requests in ([\d.]+)(ms|s|m)/.exec(text)?.[1] ?? NaN);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  if (!Number.isFinite(requests)) throw new Error(`could not read wrk's output:\n${text}`);
  return { requests, socketErrors, non2xx, failed: socketErrors + non2xx, rate, raw: text };
}
