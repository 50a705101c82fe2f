// Secret headers and redirects, against real HTTP servers on two ports of 127.0.0.1 (two origins):
// `here` redirects, `there` records every request it receives. Prometheus requests follow a redirect only
// within prometheus-url's origin; smoke and health probes follow none. The secret never reaches `there`,
// and what the user reads names where the redirect pointed, without its credentials.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../src/health/prometheus/client.js';
import { PrometheusHealthSource } from '../../src/health/prometheus/source.js';
import { HttpHealthSource } from '../../src/health/http/source.js';
import { smokeTest } from '../../src/phases/smoke.js';
import { systemClock } from '../../src/infra/clock.js';
import type { HttpProbe } from '../../src/probes/probe.js';

const SECRET = 'x-api-key-3f9a1c';
const HEADERS = { 'X-API-Key': SECRET, Authorization: `Bearer ${SECRET}` };
const PROMETHEUS_ANSWER = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0'] }] } });

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

/** A server on 127.0.0.1 that records what it receives; `route` answers, or null for a Prometheus answer. */
async function startServer(route: (url: URL) => { status: number; location?: string } | null) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url!, headers: req.headers });
    const answer = route(new URL(req.url!, 'http://x'));
    if (!answer) return void res.writeHead(200, { 'content-type': 'application/json' }).end(PROMETHEUS_ANSWER);
    res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { seen, port, url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

let there: Awaited<ReturnType<typeof startServer>>;
let here: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  there = await startServer(() => null);
  // The cross-origin Location carries credentials and a token, as a hostile or careless server may write.
  const elsewhere = (url: URL) => `http://mallory:hunter2@127.0.0.1:${there.port}${url.pathname.replace(/^\/\w+/, '')}?token=t0ps3cret&${url.searchParams}`;
  here = await startServer((url) => {
    const [, kind] = url.pathname.split('/');
    if (kind === 'cross') return { status: 302, location: elsewhere(url) };
    if (kind === 'same') return { status: 307, location: `/real${url.pathname.slice('/same'.length)}${url.search}` };
    if (kind === 'loop') return { status: 302, location: `${url.pathname}${url.search}` };
    return kind === 'real' ? null : { status: 404 };
  });
});
afterAll(() => {
  here.stop();
  there.stop();
});
beforeEach(() => {
  here.seen.length = 0;
  there.seen.length = 0;
});

/** Nothing of the secret, the redirect's userinfo or its token in a message. */
function expectNoSecrets(text: string) {
  for (const secret of [SECRET, 'mallory', 'hunter2', 't0ps3cret']) expect(text).not.toContain(secret);
}

describe('Prometheus requests and redirects', () => {
  const client = (path: string) => new PrometheusClient(`${here.url}${path}`, HEADERS, 2000);

  it('refuses a redirect to another origin, naming prometheus-url and where it pointed; the headers never arrive there', async () => {
    const error = await client('/cross').query('up').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(
      `Prometheus at prometheus-url ${here.url}/cross redirected to another origin, http://127.0.0.1:${there.port}/api/v1/query; not followed, as prometheus-headers go only to prometheus-url's origin (set prometheus-url to where Prometheus answers)`,
    );
    expectNoSecrets(message);
    expect(here.seen).toHaveLength(1);
    expect(here.seen[0].headers['x-api-key']).toBe(SECRET);
    expect(there.seen).toEqual([]);
  });

  it('says so before anything is touched, as a bad prometheus-url', async () => {
    const check = { name: 'up', query: 'up{color="{color}"}', max: 1, onNoData: 'wait' as const, baseline: false, scrapeIntervalMs: 15_000 };
    const source = new PrometheusHealthSource(check, client('/cross'), { color: 'green', previous: 'blue', version: 'v2' });
    const problem = await source.validate();
    expect(problem).toMatch(new RegExp(`^Input 'prometheus-url': check "up" cannot query Prometheus: .*redirected to another origin, http://127\\.0\\.0\\.1:${there.port}/api/v1/query;`));
    expectNoSecrets(problem!);
    expect(there.seen).toEqual([]);
  });

  it('follows a redirect within the origin, headers and query kept', async () => {
    expect(await client('/same').query('up{color="green"}')).toEqual([{ labels: {}, value: 0 }]);
    expect(here.seen.map((s) => s.url)).toEqual([`/same/api/v1/query?query=up%7Bcolor%3D%22green%22%7D`, `/real/api/v1/query?query=up%7Bcolor%3D%22green%22%7D`]);
    expect(here.seen[1].headers['x-api-key']).toBe(SECRET);
    expect(there.seen).toEqual([]);
  });

  it('gives up on a redirect loop within the origin after a few hops', async () => {
    await expect(client('/loop').query('up')).rejects.toThrow(`Prometheus at prometheus-url ${here.url}/loop redirected more than 3 times (last to ${here.url}/loop/api/v1/query)`);
    expect(here.seen).toHaveLength(4);
  });
});

describe('smoke and health probes and redirects', () => {
  const probe = (path: string): HttpProbe => ({ name: `probe ${path}`, url: `${here.url}${path}`, method: 'GET', headers: HEADERS, expectStatus: [] });

  it('a smoke test redirected to another origin fails, saying where; the smoke-headers never arrive there', async () => {
    const [record] = await smokeTest([probe('/cross/healthz')], { color: 'green', version: 'v2' }, { timeoutMs: 2000, retries: 1, clock: systemClock });
    expect(record).toMatchObject({ ok: false, status: 302, detail: `expected 2xx, got 302 redirecting to http://127.0.0.1:${there.port}/healthz (probes do not follow redirects)` });
    expectNoSecrets(record.detail);
    expect(here.seen).toHaveLength(1);
    expect(there.seen).toEqual([]);
  });

  it('an http health check does not follow a redirect either, not even within the origin', async () => {
    const sample = await new HttpHealthSource(probe('/same/healthz'), { color: 'green', version: 'v2' }, 2000).sample();
    expect(sample).toMatchObject({ status: 'fail', detail: `expected 2xx, got 307 redirecting to ${here.url}/real/healthz (probes do not follow redirects)` });
    expect(here.seen.map((s) => s.url)).toEqual(['/same/healthz']);
  });

  it('a redirect the probe expects passes', async () => {
    const sample = await new HttpHealthSource({ ...probe('/cross/healthz'), expectStatus: [302] }, { color: 'green', version: 'v2' }, 2000).sample();
    expect(sample).toMatchObject({ status: 'pass' });
    expect(there.seen).toEqual([]);
  });

  it('sends {version} percent-encoded, so the server reads it back whole', async () => {
    const [record] = await smokeTest([probe('/real/releases/{version}?v={version}')], { color: 'green', version: 'v1.4.0-rc.1+build.5/x' }, { timeoutMs: 2000, retries: 1, clock: systemClock });
    expect(record.ok).toBe(true);
    expect(record.url).toBe(`${here.url}/real/releases/v1.4.0-rc.1%2Bbuild.5%2Fx?v=v1.4.0-rc.1%2Bbuild.5%2Fx`);
    const received = new URL(here.seen[0].url, 'http://x');
    expect(received.pathname.split('/')).toEqual(['', 'real', 'releases', 'v1.4.0-rc.1%2Bbuild.5%2Fx']);
    expect(received.searchParams.get('v')).toBe('v1.4.0-rc.1+build.5/x');
  });
});
