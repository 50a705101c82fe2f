import { redirectTarget, shownUrl } from '../../infra/redirect.js';

/** One series of an instant query: its labels and value (NaN when Prometheus says so, e.g. 0/0). */
export interface Series {
  labels: Record<string, string>;
  value: number;
}

/** A query Prometheus refused as malformed: a bad input, not a failed measurement. */
export class BadQueryError extends Error {
  override name = 'BadQueryError';
}

/** Prometheus (or a proxy before it) refused the credentials. */
export class AuthError extends Error {
  override name = 'AuthError';
}

/** Same-origin redirects (a proxy adding a path prefix or a slash) are followed this many times at most. */
const MAX_REDIRECTS = 3;

/**
 * Talks to the Prometheus HTTP API (`/api/v1/query`). TLS is verified: fetch refuses bad certificates.
 * Redirects are followed by hand: fetch would follow one to any origin and take prometheus-headers
 * (custom ones such as X-API-Key included) with it, so only the origin of prometheus-url is ever asked.
 */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  async query(promql: string, signal?: AbortSignal): Promise<Series[]> {
    const url = new URL(`${this.baseUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const response = await this.get(url, timeout, signal ? AbortSignal.any([signal, timeout]) : timeout);
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new AuthError(
        `Prometheus at ${this.baseUrl} answered ${response.status} ${response.statusText || ''}`.trim() +
          ': the credentials were refused (set them in prometheus-headers, e.g. "Authorization: Bearer <token>", or as user:password@ in prometheus-url)',
      );
    }
    let body: { status?: string; errorType?: string; error?: string; data?: { resultType: string; result: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`Prometheus answered ${response.status} with a body that is not its API's JSON: ${text.slice(0, 120)}`);
    }
    if (body.status !== 'success' || !body.data) {
      const message = `Prometheus answered ${response.status}: ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 200)}`;
      if (body.errorType === 'bad_data') throw new BadQueryError(message);
      throw new Error(message);
    }
    return toSeries(body.data.resultType, body.data.result);
  }

  /** GET with the headers, following a redirect only within the origin of prometheus-url. */
  private async get(url: URL, timeout: AbortSignal, signal: AbortSignal): Promise<Response> {
    for (let hops = 0; ; hops++) {
      let response: Response;
      try {
        response = await fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal, redirect: 'manual' });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (timeout.aborted) throw new Error(`Prometheus did not answer within ${this.timeoutMs}ms`);
        throw new Error(`Prometheus unreachable at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
      const next = redirectTarget(response.status, response.headers.get('location'), url);
      if (!next) return response;
      await response.body?.cancel();
      if (next.origin !== url.origin) {
        throw new Error(
          `Prometheus at prometheus-url ${this.baseUrl} redirected to another origin, ${shownUrl(next)}; not followed, as prometheus-headers go only to prometheus-url's origin (set prometheus-url to where Prometheus answers)`,
        );
      }
      if (hops === MAX_REDIRECTS) throw new Error(`Prometheus at prometheus-url ${this.baseUrl} redirected more than ${MAX_REDIRECTS} times (last to ${shownUrl(next)})`);
      url = next;
    }
  }
}

function toSeries(type: string, result: unknown): Series[] {
  if (type === 'scalar') return [{ labels: {}, value: Number((result as [number, string])[1]) }];
  if (type === 'vector') {
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  }
  throw new Error(`the query returns a ${type}; health checks need an instant vector or a scalar`);
}

/** `{color="green",status="503"}`, or `scalar` for a scalar result. */
export function seriesName(series: Series): string {
  const labels = Object.entries(series.labels).filter(([key]) => key !== '__name__');
  return labels.length ? `{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}` : 'scalar';
}
