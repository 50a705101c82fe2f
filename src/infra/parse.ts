import { DURATION_FORM, parseDuration } from './duration.js';
import { splitCommand } from './argv.js';

/**
 * Field parsers for settings. Each returns the parsed value or records a problem that names the input,
 * quotes the value and states the accepted form, so every bad input is reported together.
 */
export class Problems {
  readonly list: string[] = [];
  add(input: string, value: string, accepted: string): void {
    const shown = value.length > 120 ? `${value.slice(0, 117)}...` : value;
    this.list.push(`Input '${input}': got "${shown}"; expected ${accepted}.`);
  }
  note(input: string, message: string): void {
    this.list.push(`Input '${input}': ${message}`);
  }
}

export function duration(problems: Problems, input: string, text: string, min = 0): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < min) {
    problems.add(input, text, min > 0 ? `${DURATION_FORM}, at least ${min}ms` : DURATION_FORM);
    return 0;
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

/** `Name: value` lines. Values are secrets, so problems quote only the name. */
export function headerLines(problems: Problems, input: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines(text)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      problems.note(input, `a line without a valid header name (values are hidden); expected "Name: value" lines.`);
      continue;
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function command(problems: Problems, input: string, text: string): string[] {
  const argv = splitCommand(text);
  if (typeof argv === 'string') {
    problems.add(input, text, `a command line with quoted arguments (${argv})`);
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
