import { describe, expect, it } from 'vitest';
import { AuthError, BadQueryError, type PrometheusClient, type Series } from '../../src/health/prometheus/client.js';
import { PrometheusHealthSource } from '../../src/health/prometheus/source.js';
import type { PrometheusCheck } from '../../src/health/prometheus/module.js';
import { fillQuery, versionOutsideString } from '../../src/health/prometheus/promql.js';

/** Answers each query from a table keyed by the query text, as Prometheus would for that color. */
class FakeClient {
  queries: string[] = [];
  constructor(private readonly answers: Record<string, Series[] | Error>) {}
  async query(promql: string): Promise<Series[]> {
    this.queries.push(promql);
    const answer = this.answers[promql];
    if (answer instanceof Error) throw answer;
    return answer ?? [];
  }
}

const check = (over: Partial<PrometheusCheck> = {}): PrometheusCheck => ({
  name: 'errors',
  query: 'err{color="{color}"} / ok{color="{color}", other="{previous}"}',
  onNoData: 'wait',
  baseline: false,
  scrapeIntervalMs: 15_000,
  ...over,
});
const green = 'err{color="green"} / ok{color="green", other="blue"}';
const blue = 'err{color="blue"} / ok{color="blue", other="blue"}';
const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
const source = (c: PrometheusCheck, answers: Record<string, Series[] | Error>) => {
  const client = new FakeClient(answers);
  return { client, source: new PrometheusHealthSource(c, client as unknown as PrometheusClient, { color: 'green', previous: 'blue', version: 'v2' }, () => clock.now) };
};

describe('prometheus health source', () => {
  it('replaces only the exact {color} and {previous} tokens', async () => {
    const { client, source: s } = source(check({ max: 1 }), { [green]: [{ labels: {}, value: 0 }] });
    await s.sample();
    expect(client.queries).toEqual([green]);
  });

  it('fills {version} with the release and {since-flip} with the time since traffic moved, never reaching before the flip', async () => {
    const query = 'sum(rate(errors{color="{color}",version="{version}"}[{since-flip}]))';
    const at = (seconds: number) => `sum(rate(errors{color="green",version="v2"}[${seconds}s]))`;
    const { client, source: s } = source(check({ query, max: 1 }), {});
    await s.validate(); // before the flip: two scrape intervals
    s.trafficMoved(clock.now);
    clock.now += 12_000;
    // Less than two scrapes since the flip: any range would reach before it, so no query, no verdict.
    expect(await s.sample()).toEqual({ status: 'no-data', detail: 'waiting for two scrapes since the flip ({since-flip} is at least 30s)' });
    clock.now += 18_000;
    await s.sample();
    clock.now += 42_500;
    await s.sample();
    s.trafficMoved(clock.now); // a later step does not move the start
    await s.sample();
    expect(client.queries).toEqual([at(30), at(30), at(73), at(73)]);
  });

  it('judges every series and names the offending one', async () => {
    const { source: s } = source(check({ max: 0.05 }), {
      [green]: [
        { labels: { pod: 'a' }, value: 0.01 },
        { labels: { pod: 'b' }, value: 0.2 },
      ],
    });
    expect(await s.sample()).toEqual({ status: 'fail', value: 0.2, detail: '0.2 > max 0.05 for {pod="b"}' });
  });

  it('passes within bounds, showing the series closest to the bound', async () => {
    const { source: s } = source(check({ max: 0.05, min: 0 }), { [green]: [{ labels: { pod: 'a' }, value: 0.01 }, { labels: { pod: 'b' }, value: 0.03 }] });
    expect(await s.sample()).toEqual({ status: 'pass', value: 0.03, detail: '0.03 for {pod="b"}' });
    const low = source(check({ min: 10 }), { [green]: [{ labels: {}, value: 3 }] });
    expect((await low.source.sample()).detail).toBe('3 < min 10');
  });

  it.each([
    ['wait', 'no-data'],
    ['pass', 'pass'],
    ['fail', 'fail'],
  ] as const)('an empty result or NaN with on-no-data %s is %s', async (policy, status) => {
    const empty = source(check({ max: 1, onNoData: policy }), {});
    expect(await empty.source.sample()).toEqual({ status, detail: `no data (on-no-data: ${policy})` });
    const nan = source(check({ max: 1, onNoData: policy }), { [green]: [{ labels: {}, value: NaN }] });
    expect((await nan.source.sample()).status).toBe(status);
    expect(empty.source.requiresData).toBe(policy === 'wait');
  });

  it('judges against the previous color sampled before the flip, the most lenient bound winning', async () => {
    const c = check({ max: 0.05, baseline: true, maxIncrease: 0.005, maxRatio: 3 });
    const { source: s } = source(c, { [blue]: [{ labels: {}, value: 0.001 }], [green]: [{ labels: {}, value: 0.02 }] });
    expect(await s.beforeFlip()).toBe('errors: baseline from blue is 0.001; limit 0.006.');
    expect(await s.sample()).toEqual({ status: 'fail', value: 0.02, detail: "0.02 > 0.006, the limit from the previous color's baseline 0.001" });
  });

  it('falls back to fixed thresholds when the previous color has no data', async () => {
    const { source: s } = source(check({ max: 0.05, baseline: true, maxRatio: 2 }), { [green]: [{ labels: {}, value: 0.02 }] });
    expect(await s.beforeFlip()).toMatch(/had no data, so only the fixed thresholds apply/);
    expect((await s.sample()).status).toBe('pass');
  });

  it('proves the source usable before anything is touched: a bad query, an outage and refused credentials are bad inputs', async () => {
    const bad = source(check({ max: 1 }), { [green]: new BadQueryError('Prometheus answered 400: bad_data: parse error') });
    expect(await bad.source.validate()).toBe(`Input 'health-checks': the query of check "errors" was refused by Prometheus (Prometheus answered 400: bad_data: parse error).`);
    const down = source(check({ max: 1 }), { [green]: new Error('Prometheus unreachable') });
    expect(await down.source.validate()).toBe(`Input 'prometheus-url': check "errors" cannot query Prometheus: Prometheus unreachable.`);
    const refused = source(check({ max: 1 }), { [green]: new AuthError('Prometheus answered 401: the credentials were refused') });
    expect(await refused.source.validate()).toMatch(/^Input 'prometheus-headers': check "errors" cannot query Prometheus: Prometheus answered 401/);
    const cancel = new AbortController();
    cancel.abort(new Error('received SIGINT'));
    await expect(down.source.validate(cancel.signal)).rejects.toThrow('received SIGINT');
  });
});

describe('PromQL templates', () => {
  const values = { color: 'green', previous: 'blue', version: 'v1.4.0-rc.1+build.5', 'since-flip': '30s' };

  it('puts the version into a label value as written, where nothing it may hold ends the string', () => {
    expect(fillQuery('errors{color="{color}",version="{version}"}', values)).toBe('errors{color="green",version="v1.4.0-rc.1+build.5"}');
    expect(fillQuery("errors{version='{version}'} or errors{version=`{version}`}", values)).toBe("errors{version='v1.4.0-rc.1+build.5'} or errors{version=`v1.4.0-rc.1+build.5`}");
  });

  it('makes `.` and `+` match themselves in a regex matcher, under every quote style', () => {
    const escaped = 'v1[.]4[.]0-rc[.]1[+]build[.]5';
    expect(fillQuery('errors{version=~"{version}"}', values)).toBe(`errors{version=~"${escaped}"}`);
    expect(fillQuery("errors{version !~ '{version}', color=\"{color}\"}", values)).toBe(`errors{version !~ '${escaped}', color="green"}`);
    expect(new RegExp(`^${escaped}$`).test(values.version)).toBe(true);
    expect(new RegExp(`^${escaped}$`).test('v1x4x0-rc.1+build.5')).toBe(false);
  });

  it('reads literals as PromQL does: escaped quotes stay inside, a comment opens none', () => {
    expect(fillQuery('x{a="say \\"{version}\\"", v="{version}"} # it\'s {version}\n+ y{v="{version}"}', { ...values, version: 'v2' })).toBe(
      'x{a="say \\"v2\\"", v="v2"} # it\'s v2\n+ y{v="v2"}',
    );
  });

  it('finds {version} outside every string literal', () => {
    expect(versionOutsideString('errors{version="{version}"}')).toBe(false);
    expect(versionOutsideString('errors{version=~"{version}|{version}-canary"}')).toBe(false);
    expect(versionOutsideString('errors + {version}')).toBe(true);
    expect(versionOutsideString('errors{version={version}}')).toBe(true);
    expect(versionOutsideString('errors{a="x"} / {version}')).toBe(true);
    expect(versionOutsideString('errors{a="\\"{version}"}')).toBe(false);
  });

  it('is what the source sends', async () => {
    const query = 'sum(errors{color="{color}",version=~"{version}"})';
    const filled = 'sum(errors{color="green",version=~"v2[.]1[+]b"})';
    const client = new FakeClient({ [filled]: [{ labels: {}, value: 0 }] });
    const s = new PrometheusHealthSource(check({ query, max: 1 }), client as unknown as PrometheusClient, { color: 'green', previous: 'blue', version: 'v2.1+b' }, () => clock.now);
    expect((await s.sample()).status).toBe('pass');
    expect(client.queries).toEqual([filled]);
  });
});
