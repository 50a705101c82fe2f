import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fillUrl } from '../infra/argv.js';
import type { HttpProbe } from '../settings-probes.js';

export interface ProbeResult {
  ok: boolean;
  status?: number;
  latencyMs: number;
  detail: string;
}

/** A body larger than this is cut before `expect-body` is matched; probes check health, not payloads. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * One request, judged against the probe's expectations. Every probe opens a fresh connection
 * (no keep-alive pool), so a sample after a flip never rides a connection made before it.
 */
export async function runProbe(probe: HttpProbe, vars: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const url = new URL(fillUrl(probe.url, vars));
    const { status, body } = await send(url, probe, timeoutMs, signal);
    const latencyMs = Math.round(performance.now() - started);
    const statusOk = probe.expectStatus.length ? probe.expectStatus.includes(status) : status >= 200 && status < 300;
    if (!statusOk) {
      const expected = probe.expectStatus.length ? probe.expectStatus.join(' or ') : '2xx';
      return { ok: false, status, latencyMs, detail: `expected ${expected}, got ${status}` };
    }
    if (probe.expectBody && !probe.expectBody.test(body)) {
      return { ok: false, status, latencyMs, detail: `${status}, but the body does not match /${probe.expectBody.source}/` };
    }
    if (probe.maxLatencyMs !== undefined && latencyMs > probe.maxLatencyMs) {
      return { ok: false, status, latencyMs, detail: `${status} in ${latencyMs}ms, above max-latency ${probe.maxLatencyMs}ms` };
    }
    return { ok: true, status, latencyMs, detail: `${status} in ${latencyMs}ms` };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    return { ok: false, latencyMs, detail: describeError(error, timeoutMs) };
  }
}

function send(url: URL, probe: HttpProbe, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: probe.method, headers: { 'user-agent': 'blue-green-action', ...probe.headers }, agent: false, timeout: timeoutMs, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(probe.body);
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ETIMEDOUT') return `no answer within ${timeoutMs}ms`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'host not found';
  if ((error as Error).name === 'AbortError') return 'cancelled';
  return (error as Error).message || String(error);
}
