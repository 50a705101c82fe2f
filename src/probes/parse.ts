// What a smoke test and an `http` health check are, parsed from the inputs: `smoke-urls` and
// `smoke-tests` (the core's), `health-urls` and `type: http` entries (the http health type's).
import { DURATION_FORM, parseDuration } from '../infra/duration.js';
import { Problems, header, lines, shown, url, yamlEntries } from '../infra/parse.js';
import type { HttpProbe, VersionCheck } from './probe.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const PROBE_KEYS = ['name', 'url', 'method', 'headers', 'body', 'expect-status', 'expect-body', 'max-latency', 'expect-version'];

/** `expect-version` for probes that do not set their own (the input of that name, for smoke tests). */
export interface ProbeDefaults {
  expectVersion?: VersionCheck;
}

export function probesFromUrls(problems: Problems, input: string, text: string, defaults: ProbeDefaults = {}): HttpProbe[] {
  return lines(text).map((line) => ({
    name: line,
    url: url(problems, input, line),
    method: 'GET',
    headers: {},
    expectStatus: [],
    expectVersion: defaults.expectVersion,
  }));
}

/** A YAML list of HTTP probes (`smoke-tests`). */
export function probesFromYaml(problems: Problems, input: string, text: string, defaults: ProbeDefaults = {}): HttpProbe[] {
  return yamlEntries(problems, input, text).flatMap(({ where, fields }) => probeFromFields(problems, where, fields, defaults) ?? []);
}

export const EXPECT_VERSION_FORM =
  'header:NAME (a response header, e.g. header:X-Version) or json:PATH (a field of a JSON body, e.g. json:version or json:build.version) whose value must equal `version`; none: no check';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const JSON_PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,9}$/;

/** `header:NAME` or `json:PATH`; `none` (undefined) turns a default off. */
export function versionCheck(problems: Problems, where: string, value: unknown): VersionCheck | undefined {
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === 'none') return undefined;
  const [, kind, rest] = /^(header|json):\s*(.*)$/.exec(text ?? '') ?? [];
  if (kind === 'header' && HEADER_NAME.test(rest)) return { header: rest };
  if (kind === 'json' && JSON_PATH.test(rest)) return { json: rest.split('.') };
  problems.add(where, shown(value), EXPECT_VERSION_FORM);
  return undefined;
}

export function probeFromFields(problems: Problems, where: string, fields: Record<string, unknown>, defaults: ProbeDefaults = {}): HttpProbe | undefined {
  const unknown = Object.keys(fields).filter((key) => !PROBE_KEYS.includes(key));
  if (unknown.length) problems.note(where, `unknown key(s) ${unknown.join(', ')}; accepted: ${PROBE_KEYS.join(', ')}.`);
  if (typeof fields.url !== 'string') {
    problems.note(where, 'needs `url`, an absolute http:// or https:// URL.');
    return undefined;
  }
  const method = typeof fields.method === 'string' ? fields.method.toUpperCase() : fields.method === undefined ? 'GET' : '?';
  if (!METHODS.includes(method)) problems.add(`${where}.method`, method === '?' ? shown(fields.method) : method, `one of ${METHODS.join(', ')}`);
  return {
    name: typeof fields.name === 'string' ? fields.name : `${method} ${fields.url}`,
    url: url(problems, `${where}.url`, fields.url),
    method,
    headers: headerMap(problems, `${where}.headers`, fields.headers),
    body: body(problems, `${where}.body`, fields.body),
    expectStatus: statusList(problems, `${where}.expect-status`, fields['expect-status']),
    expectBody: regex(problems, `${where}.expect-body`, fields['expect-body']),
    maxLatencyMs: latency(problems, `${where}.max-latency`, fields['max-latency']),
    expectVersion: 'expect-version' in fields ? versionCheck(problems, `${where}.expect-version`, fields['expect-version']) : defaults.expectVersion,
  };
}

function headerMap(problems: Problems, where: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.note(where, 'expected a mapping of header names to values.');
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw !== null && typeof raw === 'object') {
      problems.note(where, `the value of header "${name.slice(0, 60)}" is a ${Array.isArray(raw) ? 'list' : 'mapping'}; expected text (the value is hidden).`);
      continue;
    }
    const text = shown(raw ?? '').trim();
    if (header(problems, where, name, text)) headers[name] = text;
  }
  return headers;
}

/** Text as given; a mapping or list is sent as JSON (a YAML alias loop cannot be, and is refused). */
function body(problems: Problems, where: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    problems.note(where, 'cannot be sent as JSON (it refers to itself through a YAML alias); write the body as text.');
    return undefined;
  }
}

function statusList(problems: Problems, where: string, value: unknown): number[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const codes = items.map((item) => (typeof item === 'number' ? item : typeof item === 'string' ? Number(item) : NaN));
  if (!codes.every((code) => Number.isInteger(code) && code >= 100 && code <= 599)) {
    problems.add(where, shown(value), 'an HTTP status code or a list of them, e.g. 200 or [200, 204]');
    return [];
  }
  return codes;
}

function regex(problems: Problems, where: string, value: unknown): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error('not text');
    return new RegExp(String(value));
  } catch {
    problems.add(where, shown(value), 'a regular expression');
    return undefined;
  }
}

/** A latency bound above the longest request timeout could never be reached. */
const MAX_LATENCY_MS = 5 * 60_000;

function latency(problems: Problems, where: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms > MAX_LATENCY_MS) {
    problems.add(where, shown(value), `${DURATION_FORM}, at most 5m`);
    return undefined;
  }
  return ms;
}
