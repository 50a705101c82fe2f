// HTTP probes (smoke tests and `http` health checks) send smoke-headers, often secrets. Redirects are
// never followed, not even to the same origin: a probe judges the URL it was given, a 3xx is an answer
// like any other (a smoke test may expect 301), and a redirect to another origin can never carry the
// headers there. Following without the headers instead would judge a page the user did not name, so an
// unexpected redirect fails the probe and its detail says where it pointed.
import type { request as httpRequest } from 'node:http';
import { fillUrl } from '../infra/argv.js';
import { inert } from '../infra/log.js';
import { redirectTarget, shownUrl } from '../infra/redirect.js';

/** One HTTP request and what its answer must look like: a smoke test or an `http` health check. */
export interface HttpProbe {
  name: string;
  /** May hold `{color}` and `{version}`, filled in when the probe runs. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Accepted status codes; empty means any 2xx. */
  expectStatus: number[];
  expectBody?: RegExp;
  maxLatencyMs?: number;
  /** Where the answer names its version, which must equal the `version` being released. */
  expectVersion?: VersionCheck;
}

/** A response header, or a field of a JSON body (its path, one key per level). */
export type VersionCheck = { header: string } | { json: string[] };

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
  // Loaded on first use, before the clock starts: a run that probes nothing never pays for them.
  const https = URL.parse(fillUrl(probe.url, vars))?.protocol === 'https:';
  // The default export: the bundle serves a built-in's dynamic import as its CommonJS exports.
  const request = https ? (await import('node:https')).default.request : (await import('node:http')).default.request;
  const started = performance.now();
  try {
    const url = new URL(fillUrl(probe.url, vars));
    const { status, body, location, headers } = await send(request, url, probe, timeoutMs, signal);
    const latencyMs = Math.round(performance.now() - started);
    const statusOk = probe.expectStatus.length ? probe.expectStatus.includes(status) : status >= 200 && status < 300;
    if (!statusOk) {
      const expected = probe.expectStatus.length ? probe.expectStatus.join(' or ') : '2xx';
      const target = redirectTarget(status, location, url);
      const redirect = target ? ` redirecting to ${shownUrl(target)} (probes do not follow redirects)` : '';
      return { ok: false, status, latencyMs, detail: `expected ${expected}, got ${status}${redirect}` };
    }
    if (probe.expectBody && !probe.expectBody.test(body)) {
      return { ok: false, status, latencyMs, detail: `${status}, but the body does not match /${probe.expectBody.source}/` };
    }
    const otherVersion = probe.expectVersion && versionMismatch(probe.expectVersion, headers, body, vars.version);
    if (otherVersion) return { ok: false, status, latencyMs, detail: `${status}, but ${otherVersion}` };
    if (probe.maxLatencyMs !== undefined && latencyMs > probe.maxLatencyMs) {
      return { ok: false, status, latencyMs, detail: `${status} in ${latencyMs}ms, above max-latency ${probe.maxLatencyMs}ms` };
    }
    return { ok: true, status, latencyMs, detail: `${status} in ${latencyMs}ms` };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    return { ok: false, latencyMs, detail: describeError(error, timeoutMs) };
  }
}

/** Answered versions are cut: a page served where a label was expected is not worth quoting whole. */
const MAX_SHOWN_VERSION = 64;

/**
 * Why the answer is not `version`, or undefined when it is: a color that still serves the previous
 * build (a deploy that did not land, a preview pointed elsewhere) answers 2xx all the same.
 */
export function versionMismatch(check: VersionCheck, headers: Record<string, string | string[] | undefined>, body: string, version: string): string | undefined {
  let answered: unknown;
  let where: string;
  if ('header' in check) {
    where = `header ${check.header}`;
    const value = headers[check.header.toLowerCase()];
    answered = Array.isArray(value) ? value.join(', ') : value?.trim();
  } else {
    where = `JSON field ${check.json.join('.')}`;
    try {
      answered = check.json.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), JSON.parse(body));
    } catch {
      return `the body is not JSON, so it names no version (expect-version json:${check.json.join('.')})`;
    }
  }
  if (answered === undefined || answered === null || answered === '') return `the answer has no ${where}, so it names no version (expected "${version}")`;
  const text = typeof answered === 'string' || typeof answered === 'number' ? String(answered) : JSON.stringify(answered);
  if (text === version) return undefined;
  const shown = inert(text).replace(/\s+/g, ' ');
  return `it answers version "${shown.length > MAX_SHOWN_VERSION ? `${shown.slice(0, MAX_SHOWN_VERSION)}...` : shown}" (${where}), not "${version}", the version being released`;
}

function send(request: typeof httpRequest, url: URL, probe: HttpProbe, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; body: string; location?: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: probe.method, headers: { 'user-agent': 'blue-green-action', ...probe.headers }, agent: false, timeout: timeoutMs, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location, headers: res.headers }));
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
