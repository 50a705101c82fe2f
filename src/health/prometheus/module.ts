import { DURATION_FORM, parseDuration } from '../../infra/duration.js';
import * as parse from '../../infra/parse.js';
import { shown, type InputReader, type Problems } from '../../infra/parse.js';
import { headerLineSecrets, urlPasswords } from '../../infra/secret-forms.js';
import type { HealthTypeModule } from '../module.js';
import { versionOutsideString } from './promql.js';

export const NO_DATA_POLICIES = ['wait', 'pass', 'fail'] as const;
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

/** A `prometheus` health check: an instant query judged on every sample. */
export interface PrometheusCheck {
  name: string;
  /**
   * PromQL; only the exact tokens are replaced: `{color}`, `{previous}`, `{version}` (the release, only
   * inside a string literal: see promql.ts) and `{since-flip}` (time since traffic moved, as a PromQL
   * duration, at least two scrape intervals).
   */
  query: string;
  max?: number;
  min?: number;
  /**
   * An empty result (or NaN, as 0/0 gives with no traffic): `wait` counts neither way but the window
   * needs at least one sample with data to pass; `pass` and `fail` count it as that.
   */
  onNoData: NoDataPolicy;
  /** Sample the query for the previous color just before the flip, and judge against it. */
  baseline: boolean;
  /** Prometheus's scrape interval for these series: `{since-flip}` never goes below two of them. */
  scrapeIntervalMs: number;
  maxIncrease?: number;
  maxRatio?: number;
}

const PROMETHEUS_KEYS = ['name', 'query', 'max', 'min', 'on-no-data', 'baseline', 'max-increase', 'max-ratio', 'scrape-interval'];
/** Prometheus's own default is 1m; most setups scrape every 15s. */
const DEFAULT_SCRAPE_INTERVAL = '15s';
/** A PromQL range selector: `[5m]`, `[1h30m]`, `[5m:30s]`. */
const RANGE = /\[((?:\d+(?:ms|s|m|h|d|w|y))+)(?::[^\]]*)?\]/;

/** Where the checks ask: the Prometheus HTTP API, and the headers sent to it (secrets). */
export interface PrometheusServer {
  url: string;
  headers: Record<string, string>;
}

/** `type: prometheus`: an instant query judged on every sample, against fixed or baseline limits. */
export const prometheusModule: HealthTypeModule<PrometheusCheck, PrometheusServer> = {
  check: prometheusCheck,
  shared(input, problems, checks) {
    const server = prometheusServer(problems, input);
    if (checks.length && !server.url && problems.ok('prometheus-url', 'health-checks')) {
      problems.note('prometheus-url', 'is required by the prometheus health checks: the base URL of the Prometheus HTTP API, e.g. http://prometheus:9090.');
    }
    return server;
  },
  secrets: (input) => [...headerLineSecrets(input('prometheus-headers')), ...urlPasswords(input('prometheus-url'))],
  async create(checks, server, deps) {
    const [{ PrometheusClient }, { PrometheusHealthSource }] = await Promise.all([import('./client.js'), import('./source.js')]);
    const client = new PrometheusClient(server.url, server.headers, deps.timeoutMs);
    return checks.map((check) => new PrometheusHealthSource(check, client, deps.vars, deps.clock.now));
  },
};

function prometheusCheck(problems: Problems, where: string, fields: Record<string, unknown>): PrometheusCheck | undefined {
  const unknown = Object.keys(fields).filter((key) => !PROMETHEUS_KEYS.includes(key));
  if (unknown.length) problems.note(where, `unknown key(s) ${unknown.join(', ')}; accepted for type prometheus: ${PROMETHEUS_KEYS.join(', ')}.`);
  if (typeof fields.query !== 'string' || !fields.query.trim()) {
    problems.note(where, 'needs `query`, a PromQL instant query ({color}, {previous}, {version} and {since-flip} are replaced).');
    return undefined;
  }
  const check: PrometheusCheck = {
    name: typeof fields.name === 'string' ? fields.name : fields.query.trim(),
    query: fields.query.trim(),
    max: number(problems, `${where}.max`, fields.max),
    min: number(problems, `${where}.min`, fields.min),
    onNoData: policy(problems, `${where}.on-no-data`, fields['on-no-data']),
    baseline: fields.baseline === true,
    maxIncrease: number(problems, `${where}.max-increase`, fields['max-increase']),
    maxRatio: number(problems, `${where}.max-ratio`, fields['max-ratio']),
    scrapeIntervalMs: scrapeInterval(problems, `${where}.scrape-interval`, fields['scrape-interval']),
  };
  judgeRange(problems, where, check);
  if (versionOutsideString(check.query)) {
    problems.note(where, 'has {version} outside a string literal; write it as a label value, e.g. version="{version}" (bare, a version would be read as PromQL).');
  }
  if (fields.baseline !== undefined && typeof fields.baseline !== 'boolean') problems.add(`${where}.baseline`, shown(fields.baseline), 'true or false');
  const relative = check.maxIncrease !== undefined || check.maxRatio !== undefined;
  if (check.baseline && !relative) problems.note(where, 'has `baseline: true` but neither `max-increase` nor `max-ratio` to judge against the baseline.');
  if (!check.baseline && relative) problems.note(where, '`max-increase` and `max-ratio` need `baseline: true`.');
  if (check.max === undefined && check.min === undefined && !relative) problems.note(where, 'needs a threshold: `max`, `min`, or `baseline: true` with `max-increase`/`max-ratio`.');
  if (check.maxRatio !== undefined && check.maxRatio < 1) problems.add(`${where}.max-ratio`, String(check.maxRatio), 'a factor of at least 1, e.g. 1.5');
  if (check.baseline && check.maxRatio !== undefined && check.maxIncrease === undefined) {
    problems.warn(
      where,
      'judges by `max-ratio` alone: when the previous color\'s baseline is 0 (no errors), the limit is 0 and a single error fails the release; add `max-increase` for an absolute allowance.',
    );
  }
  return check;
}

/**
 * Right after the flip a range like `[1m]` still holds what the idle color ran before this release
 * (often the version just rolled back): say so, unless the query selects the release ({version}) or
 * starts its range at the flip ({since-flip}). {version} cannot name the previous color's release.
 */
function judgeRange(problems: Problems, where: string, check: PrometheusCheck): void {
  const q = check.query;
  if (check.baseline && q.includes('{version}')) {
    problems.note(where, 'uses {version} with `baseline: true`, but the previous color\'s version is not known; select the baseline by {previous} alone.');
  }
  const range = RANGE.exec(q);
  if (range && !q.includes('{since-flip}') && !q.includes('{version}')) {
    problems.warn(
      where,
      `the range [${range[1]}] reaches back before the flip at the first samples, into what the new color ran before this release; ` +
        'write [{since-flip}] to start it at the flip, or select the release with a {version} label.',
    );
  }
}

function scrapeInterval(problems: Problems, where: string, value: unknown): number {
  const text = value === undefined ? DEFAULT_SCRAPE_INTERVAL : shown(value);
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000 || ms > 3_600_000) {
    problems.add(where, text, `${DURATION_FORM}, from 1s to 1h (how often Prometheus scrapes these series)`);
    return 15_000;
  }
  return ms;
}

function number(problems: Problems, where: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    problems.add(where, shown(value), 'a number, e.g. 0.05');
    return undefined;
  }
  return n;
}

function policy(problems: Problems, where: string, value: unknown): NoDataPolicy {
  if (value === undefined) return 'wait';
  if ((NO_DATA_POLICIES as readonly string[]).includes(shown(value))) return value as NoDataPolicy;
  problems.add(where, shown(value), NO_DATA_POLICIES.join(', '));
  return 'wait';
}

/**
 * `prometheus-url` may carry `user:password@`: fetch refuses such URLs, so the credentials move into an
 * `Authorization: Basic` header (decoded, as the URL standard writes them percent-encoded).
 */
function prometheusServer(problems: Problems, input: InputReader): PrometheusServer {
  const headers = parse.headerLines(problems, 'prometheus-headers', input('prometheus-headers'));
  const text = input('prometheus-url');
  if (!text) return { url: '', headers };
  parse.url(problems, 'prometheus-url', text);
  if (!problems.ok('prometheus-url')) return { url: '', headers };
  const url = new URL(text);
  if (url.username || url.password) {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      problems.note('prometheus-url', 'carries user:password@ and prometheus-headers sets Authorization too; give the credentials once.');
    }
    let credentials: string;
    try {
      credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    } catch {
      problems.note('prometheus-url', 'carries user:password@ that is not valid percent-encoding (write "%" as "%25"); the credentials are hidden.');
      return { url: '', headers };
    }
    headers.Authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.toString().replace(/\/+$/, ''), headers };
}
