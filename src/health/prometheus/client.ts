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

/** Talks to the Prometheus HTTP API (`/api/v1/query`). TLS is verified: fetch refuses bad certificates. */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  async query(promql: string, signal?: AbortSignal): Promise<Series[]> {
    const url = `${this.baseUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (timeout.aborted) throw new Error(`Prometheus did not answer within ${this.timeoutMs}ms`);
      throw new Error(`Prometheus unreachable at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
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
