import { DURATION_FORM, formatDuration, parseDuration } from './duration.js';
import { splitCommand } from './argv.js';
import { parseYaml } from './yaml.js';

/** Reads one input by name, trimmed, '' when unset (the signature of `core.getInput`). */
export type InputReader = (name: string) => string;

/**
 * Field parsers for settings. Each returns the parsed value or records a problem that names the input,
 * quotes the value and states the accepted form, so every bad input is reported together.
 */
export class Problems {
  /** `redact` hides secrets in quoted values before they are cut, so no fragment of one shows. */
  constructor(private readonly redact: (text: string) => string = (text) => text) {}
  readonly list: string[] = [];
  /** Things worth saying that do not stop the run (shown as warnings before anything is touched). */
  readonly warnings: string[] = [];
  warn(input: string, message: string): void {
    this.warnings.push(sanitizeProblem(`Input '${input}': ${message}`));
  }
  /** Inputs (their root name: `smoke-tests`, not `smoke-tests[2].url`) that failed to parse. */
  private readonly failed = new Set<string>();
  add(input: string, value: string, accepted: string): void {
    this.push(input, value ? `Input '${input}': got "${this.quote(value)}"; expected ${accepted}.` : `Input '${input}': is empty; expected ${accepted}.`);
  }
  note(input: string, message: string): void {
    this.push(input, `Input '${input}': ${message}`);
  }
  /**
   * True when none of these inputs failed. A failed parse leaves a placeholder value behind; checks
   * that judge one input against another ask this first, so a typo never invents a second error.
   */
  /** A value as problems show it: secrets hidden, then long ones cut. */
  quote(value: string): string {
    const shown = this.redact(value);
    return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
  }
  ok(...inputs: string[]): boolean {
    return inputs.every((input) => !this.failed.has(input));
  }
  private push(input: string, message: string): void {
    this.failed.add(input.replace(/[[.].*$/, ''));
    // The same mistake twice (one bad line given twice) is said once.
    const problem = sanitizeProblem(message);
    if (!this.list.includes(problem)) this.list.push(problem);
  }
}

/** Problems quote what the user wrote; control characters would break the annotation they appear in. */
function sanitizeProblem(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Bounds for durations: what a timer can hold, and what a GitHub-hosted job may last (6h). */
export const MAX_DURATION_MS = 6 * 3_600_000;

export function duration(problems: Problems, input: string, text: string, min = 0, max = MAX_DURATION_MS): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < min || ms > max) {
    const bounds = [min > 0 ? `at least ${formatDuration(min)}` : '', `at most ${formatDuration(max)}`].filter(Boolean).join(' and ');
    problems.add(input, text, `${DURATION_FORM}, ${bounds}`);
    return min;
  }
  return ms;
}

export function integer(problems: Problems, input: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    problems.add(input, text, `a whole number from ${min} to ${max}`);
    return min;
  }
  return Number(text);
}

export function boolean(problems: Problems, input: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false' || lower === '') return false;
  problems.add(input, text, '"true" or "false"');
  return false;
}

export function oneOf<T extends string>(problems: Problems, input: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  problems.add(input, text, `one of: ${allowed.join(', ')}`);
  return allowed[0];
}

/** Non-empty lines, trimmed. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** One mapping of a YAML list input, with where it is for messages: `smoke-tests[2]`. */
export interface YamlEntry {
  where: string;
  fields: Record<string, unknown>;
}

/** Parses a YAML list of mappings; problems name the input and the entry. */
export function yamlEntries(problems: Problems, input: string, text: string): YamlEntry[] {
  if (!text.trim()) return [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    problems.note(input, `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
  if (!Array.isArray(doc)) {
    problems.note(input, 'expected a YAML list of entries, each a mapping.');
    return [];
  }
  const entries: YamlEntry[] = [];
  doc.forEach((entry, index) => {
    const where = `${input}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) problems.note(where, 'expected a mapping.');
    else entries.push({ where, fields: { ...(entry as Record<string, unknown>) } });
  });
  return entries;
}

/** A URL after `{color}`/`{version}` are filled in; http and https only. */
export function url(problems: Problems, input: string, text: string): string {
  const sample = text.replace(/\{color\}/g, 'blue').replace(/\{version\}/g, 'v1').replace(/\{previous\}/g, 'green');
  try {
    const parsed = new URL(sample);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
  } catch {
    /* reported below */
  }
  problems.add(input, text, 'an absolute http:// or https:// URL ({color} and {version} may appear in it)');
  return text;
}

/** RFC 9110: a header name is a token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** RFC 9110 field-value: visible ASCII, Latin-1 (obs-text), spaces and tabs; never CR, LF or NUL. */
 
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Servers commonly refuse header lines past 8 KiB; refuse here rather than after traffic moved. */
const MAX_HEADER_VALUE = 8192;

/**
 * One header, checked as HTTP does. Values are secrets, so a problem names the header but never
 * quotes its value. Returns false when the header is refused.
 */
export function header(problems: Problems, where: string, name: string, value: string): boolean {
  if (!HEADER_NAME.test(name)) {
    // An invalid name may be a value typed without its name: it is not quoted either.
    problems.note(where, `a header name is not valid (letters, digits and !#$%&'*+.^_\`|~- only, no spaces); the line is hidden, as values are secrets.`);
    return false;
  }
  const why = !HEADER_VALUE.test(value)
    ? 'contains a line break, a control character or a character outside Latin-1'
    : value.length > MAX_HEADER_VALUE
      ? `is longer than ${MAX_HEADER_VALUE} characters`
      : undefined;
  if (why) problems.note(where, `the value of header "${name}" ${why} (the value is hidden); HTTP does not allow it.`);
  return !why;
}

/** `Name: value` lines. Values are secrets, so problems quote only the name. */
export function headerLines(problems: Problems, input: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#'))) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.note(input, `a line without "Name: value" (values are hidden); expected "Name: value" lines.`);
      continue;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name !== line.slice(0, colon).trimStart() && HEADER_NAME.test(name)) {
      problems.note(input, `header "${name}" has a space before its colon, which HTTP does not allow.`);
      continue;
    }
    if (header(problems, input, name, value)) headers[name] = value;
  }
  return headers;
}

export function command(problems: Problems, input: string, text: string): string[] {
  const argv = splitCommand(text);
  if (typeof argv === 'string') {
    problems.note(input, `got "${problems.quote(text)}": ${argv}.`);
    return [];
  }
  return argv;
}

/** Comma- or newline-separated list. */
export function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export const COLOR_PATTERN = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

export function colors(problems: Problems, input: string, text: string): [string, string] {
  const items = list(text);
  if (items.length !== 2 || items[0] === items[1] || !items.every((c) => COLOR_PATTERN.test(c))) {
    problems.add(input, text, 'two different color names, lower-case letters, digits and dashes, e.g. "blue,green"');
    return ['blue', 'green'];
  }
  return [items[0], items[1]];
}

export function percentSteps(problems: Problems, input: string, text: string): number[] {
  const items = list(text);
  const numbers = items.map(Number);
  const valid =
    items.length > 0 &&
    items.every((item) => /^\d+$/.test(item)) &&
    numbers.every((n, i) => n >= 1 && n <= 100 && (i === 0 || n > numbers[i - 1])) &&
    numbers[numbers.length - 1] === 100;
  if (!valid) {
    problems.add(input, text, 'rising whole percentages ending at 100, e.g. "10,50,100"');
    return [100];
  }
  return numbers;
}

/**
 * Any parsed YAML value as text for a message. `String()` throws on some YAML (a mapping with a
 * `toString` key) and JSON on alias loops; a message must never crash the parser.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[a list that contains itself]' : '{a mapping that contains itself}';
  }
}
