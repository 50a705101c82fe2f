import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { readSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { CommandRouterSettings } from '../../src/routers/command/module.js';
import type { NginxSettings } from '../../src/routers/nginx/module.js';
import { inputs } from '../../test-support/fakes.js';

// Spies that call through to the real modules, so property 3 can see any write, process or socket.
vi.mock('node:child_process', { spy: true });
vi.mock('node:fs', { spy: true });
vi.mock('node:fs/promises', { spy: true });
vi.mock('node:net', { spy: true });

const NAMES = Object.keys((parse(fs.readFileSync('action.yml', 'utf8')) as { inputs: object }).inputs);
const dir = fs.mkdtempSync(join(tmpdir(), 'bg-settings-props-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Valid configurations, one per router; each property alters one input on top of one of them. */
const BASES = {
  command: { router: 'command', 'router-get-command': 'get', 'router-set-command': 'set {color}', version: 'v1' },
  nginx: { router: 'nginx', 'nginx-conf': join(dir, 'live.conf'), version: 'v1' },
  haproxy: { router: 'haproxy', 'haproxy-socket': '/run/haproxy.sock', 'haproxy-map': '/etc/haproxy/live.map', version: 'v1' },
  'aws-alb': {
    router: 'aws-alb',
    'listener-arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2',
    'target-groups': 'blue=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-blue/73e2d6bc24d8a067\ngreen=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-green/83e2d6bc24d8a067',
    // Given, so the base does not depend on the machine's AWS_REGION.
    'aws-region': 'us-east-1',
    version: 'v1',
  },
};
const base = fc.constantFrom(...Object.values(BASES));

type Outcome = { settings: Settings } | { problems: string[] } | { crash: unknown };
/** Reads like core.getInput: unset is '', values are trimmed. */
function outcome(given: Record<string, string>): Outcome {
  const read = inputs(given);
  try {
    return { settings: readSettings((name) => read(name).trim()) };
  } catch (error) {
    return error instanceof SettingsError ? { problems: error.problems } : { crash: error };
  }
}
function problemsOf(given: Record<string, string>): string[] {
  const result = outcome(given);
  if ('crash' in result) throw result.crash;
  return 'problems' in result ? result.problems : [];
}
/** `Input 'smoke-tests[0].headers': ...` -> `smoke-tests[0].headers`, and its input `smoke-tests`. */
const named = (problem: string) => /^Input '([^']+)'/.exec(problem)?.[1] ?? `(no input named in: ${problem})`;
const inputOf = (problem: string) => named(problem).replace(/[[.].*$/s, '');

// Text generators: unicode, controls, shell and YAML syntax, long strings, lone surrogates.
const SPECIAL = ['\0', '\r', '\n', '\r\n', '\t', '\u2028', '\u00a0', '\ufeff', '\u0100', '😀', '\\', '"', "'", '`', '$', '${', '}', '{color}', '{weight}', ';', '|', '&&', '#', ':', '- ', '&a ', '*a', '%YAML 1.1\n---\n'];
const fragments = fc.array(fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ maxLength: 6 })), { maxLength: 16 }).map((p) => p.join(''));
const VALID_ISH = ['nginx', 'haproxy', 'command', 'kubernetes', 'Nginx', 'abc', '0s', '5s', '600h', '10,100', 'promote', 'true', 'set {color} {weight}', '- type: prometheus\n  query: up\n  max: 1', '- url: http://x/', 'http://{color}:9090/', 'http://u:p%zz@x/', 'http://%:%@x/'];
const YAML_KEYS = ['url', 'method', 'headers', 'body', 'expect-status', 'expect-body', 'max-latency', 'name', 'type', 'query', 'max', 'min', 'on-no-data', 'baseline', 'max-increase', 'max-ratio'];
const YAML_VALUES = ['http://x/', 'GET', 'prometheus', 'http', 'up', '1', '0.5', 'true', '~', '[]', '{}', '[200, 204]', '"("', '300ms', '&a [*a]', '&a {b: *a}', '{toString: 1}', '{X-A: {toString: 1}}', '!!binary aGk=', '{X-A: b}'];
const yamlList = fc
  .array(fc.tuple(fc.boolean(), fc.uniqueArray(fc.tuple(fc.constantFrom(...YAML_KEYS), fc.constantFrom(...YAML_VALUES)), { selector: ([k]) => k, minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 3 })
  .map((entries) => entries.map(([withUrl, fields]) => [...(withUrl ? [['url', 'http://x/']] : []), ...fields].map(([k, v], i) => `${i ? '  ' : '- '}${k}: ${v}`).join('\n')).join('\n'));
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 3, arbitrary: fragments },
  { weight: 2, arbitrary: fc.constantFrom(...VALID_ISH) },
  { weight: 1, arbitrary: yamlList },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 2000, maxLength: 10_000 }) },
);
const word = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
/** Header values: `SECRET` never appears in names or fixed message text, so finding it means a value leaked. */
const secret = fc.stringMatching(/^[A-Za-z0-9]{4,20}(:[A-Za-z0-9]{1,8})?$/).map((s) => `SECRET${s}`);

describe('readSettings properties', () => {
  it('accepts each base configuration (so the properties below are not vacuous)', () => {
    for (const given of Object.values(BASES)) expect(problemsOf(given)).toEqual([]);
  });

  // 1. A typo in any input must end in a list of problems, never in a crash with a stack trace.
  // Each generated value is tried in every input, so rare values still reach the input they break.
  const crashIn = (b: Record<string, string>, name: string, value: string) => {
    const result = outcome({ ...b, [name]: value });
    if ('crash' in result) throw new Error(`${name}=${JSON.stringify(value.slice(0, 200))} threw ${String(result.crash)}`, { cause: result.crash });
  };
  it('gives Settings or a SettingsError for any text in any input', () => {
    fc.assert(fc.property(base, anyText, (b, value) => NAMES.forEach((name) => crashIn(b, name, value))), { numRuns: 120 });
  });
  it('gives Settings or a SettingsError for any YAML list in the YAML inputs', () => {
    fc.assert(fc.property(base, fc.constantFrom('smoke-tests', 'health-checks'), yamlList, crashIn), { numRuns: 300 });
  });

  // 2. Problems must point at the input to fix; a failed parse must not invent errors about other inputs.
  // An input may draw a problem onto another only when its own value is accepted:
  const DEPENDENTS: Record<string, string[]> = {
    // Switching router makes the new router's own inputs required; the base set only the old router's.
    router: ['nginx-conf', 'haproxy-socket', 'haproxy-map', 'router-get-command', 'router-set-command', 'service', 'listener-arn', 'target-groups'],
    // Other valid colors no longer match the target-groups lines; an ARN in another region disagrees with the rest.
    colors: ['target-groups'],
    'listener-arn': ['target-groups', 'aws-region'],
    'rule-arn': ['target-groups', 'aws-region'],
    'test-listener-arn': ['target-groups', 'aws-region'],
    // A valid but short window makes the unchanged interval too long; the message is put on health-interval.
    'health-window': ['health-interval'],
    // A prometheus health check needs prometheus-url, which the base leaves empty.
    'health-checks': ['prometheus-url'],
  };
  it('names only the altered input, or one that depends on its accepted value', () => {
    const check = (b: Record<string, string>, name: string, value: string) => {
      const result = outcome({ ...b, [name]: value });
      if (!('problems' in result)) return; // crashes are property 1's
      for (const problem of result.problems) expect(NAMES, problem).toContain(inputOf(problem));
      const culprits = new Set(result.problems.map(inputOf));
      const allowed = culprits.has(name) ? [name] : [name, ...(DEPENDENTS[name] ?? [])];
      expect([...culprits].filter((n) => !allowed.includes(n)), `${name}=${JSON.stringify(value)}: ${result.problems.join(' | ')}`).toEqual([]);
    };
    fc.assert(fc.property(base, anyText, (b, value) => NAMES.forEach((name) => check(b, name, value))), { numRuns: 120 });
  });
  it('reports an unknown router once, without guessing another router', () => {
    fc.assert(
      fc.property(base, fc.oneof(fc.constantFrom('Nginx', 'traefik', 'NGINX'), fc.string()), (b, value) => {
        fc.pre(!['kubernetes', 'aws-alb', 'nginx', 'haproxy', 'command'].includes(value.trim()));
        expect(problemsOf({ ...b, router: value })).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });

  // 3. Settings are read once and may be re-read (post step); reading must neither vary nor touch anything.
  it('is pure: same inputs give the same result, and nothing is written, run or connected', () => {
    const WRITES = /^(write|append|mkdir|mkdtemp|rm|unlink|rename|copy|cp|symlink|link|truncate|chmod|chown|utimes|createWriteStream)/;
    const called = (label: string, mod: object, only = /./) =>
      Object.entries(mod)
        .filter(([key, fn]) => only.test(key) && vi.isMockFunction(fn) && fn.mock.calls.length > 0)
        .map(([key]) => `${label}.${key}`);
    const plain = (o: Outcome) => JSON.stringify(o, (_, v: unknown) => (v instanceof RegExp ? String(v) : v instanceof Error ? String(v) : v));
    fc.assert(
      fc.property(base, fc.constantFrom(...NAMES), anyText, fc.constantFrom(...NAMES), anyText, (b, name, value, other, otherValue) => {
        vi.clearAllMocks();
        const first = plain(outcome({ ...b, [name]: value }));
        outcome({ ...b, [other]: otherValue });
        expect(plain(outcome({ ...b, [name]: value }))).toBe(first);
        expect([...called('fs', fs, WRITES), ...called('fs/promises', fsp, WRITES), ...called('child_process', childProcess), ...called('net', net)]).toEqual([]);
        expect(fs.readdirSync(dir)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  // 4. Header values are credentials; problem messages end up in public logs.
  it('never quotes a header value in a problem', () => {
    const name = fc.oneof(fc.stringMatching(/^x-[a-z0-9-]{0,12}$/), fc.constantFrom('x token', 'ünï', 'a/b', '(x)'));
    // The name always comes first, so text before the first colon is never the value alone; with ' ' the colon is missing.
    const line = fc.tuple(name, fc.constantFrom(': ', ':', ' '), secret, fc.constantFrom('', '\u0100', '\r', '\0', ' tail', '😀'));
    fc.assert(
      fc.property(base, fc.constantFrom('smoke-headers', 'prometheus-headers'), fc.array(line, { minLength: 1, maxLength: 4 }), (b, input, lines) => {
        const result = outcome({ ...b, [input]: lines.map(([n, sep, s, tail]) => `${n}${sep}${s}${tail}`).join('\n') });
        if (!('problems' in result)) return; // crashes are property 1's
        for (const problem of result.problems) expect(problem).not.toContain('SECRET');
      }),
      { numRuns: 200 },
    );
  });

  // 5. Timers take at most 2^31-1 ms; above that setTimeout fires at once, so a long window would end immediately.
  const MAX_TIMER = 2_147_483_647;
  const DURATIONS: Record<string, (s: Settings) => number> = {
    'ready-timeout': (s) => s.deploy.readyTimeoutMs,
    'smoke-timeout': (s) => s.smoke.timeoutMs,
    'health-window': (s) => s.health.windowMs,
    'health-interval': (s) => s.health.intervalMs,
    'step-window': (s) => s.traffic.stepWindowMs,
    'lock-timeout': (s) => s.lockTimeoutMs,
  };
  const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  it('accepts only durations a timer can hold, in whole milliseconds', () => {
    const number = fc.oneof(fc.nat().map(String), fc.double({ min: 0, max: 1e12, noNaN: true }).map(String), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String), fc.constantFrom('1e9', '.5', '5.', '-1', 'Infinity', '0x10', '1_000'));
    const text = fc.tuple(number, fc.constantFrom('', ' ', '  '), fc.constantFrom(...Object.keys(UNITS), 'd', 'MS', ''));
    fc.assert(
      fc.property(base, fc.constantFrom(...Object.keys(DURATIONS)), text, (b, input, [n, space, unit]) => {
        const result = outcome({ ...b, [input]: `${n}${space}${unit}` });
        if ('crash' in result) throw result.crash;
        if (!('settings' in result)) return;
        const ms = DURATIONS[input](result.settings);
        expect(Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER, `${input}=${n}${space}${unit} gave ${ms}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('refuses durations past 2^31-1 ms, naming the input', () => {
    const tooLong = fc.oneof(
      fc.constantFrom('600h', '99999999999s', '1e9ms', '2147483648ms', '2147483647.6ms', '596.6h'),
      fc.constantFrom(...Object.entries(UNITS)).chain(([unit, ms]) => fc.bigInt({ min: BigInt(Math.floor(MAX_TIMER / ms)) + 1n, max: 10n ** 15n }).map((n) => `${n}${unit}`)),
    );
    fc.assert(
      fc.property(base, fc.constantFrom(...Object.keys(DURATIONS)), tooLong, (b, input, value) => {
        expect(problemsOf({ ...b, [input]: value }).map(inputOf)).toContain(input);
      }),
      { numRuns: 200 },
    );
  });

  // 6. Commands run without a shell: each argument must be one clean line, and a half-written line must not run.
  const COMMANDS: Record<string, [Record<string, string>, (s: Settings) => string[] | undefined]> = {
    'deploy-command': [BASES.nginx, (s) => s.deploy.command],
    'router-get-command': [BASES.command, (s) => (s.routing as CommandRouterSettings).get],
    'router-set-command': [BASES.command, (s) => (s.routing as CommandRouterSettings).set],
    'nginx-test-command': [BASES.nginx, (s) => (s.routing as NginxSettings).testCommand],
    'nginx-reload-command': [BASES.nginx, (s) => (s.routing as NginxSettings).reloadCommand],
  };
  it('gives a clean argv (no NUL, CR or LF in any argument) for every accepted command', () => {
    const shellish = fc.tuple(fc.constantFrom('', 'run {color} '), fc.array(fc.constantFrom('"', "'", '\\', '\n', '\r', '\0', ' ', 'a', 'b c', '$x', '}', '{weight}', '*', '~', '\t', '\\\n', '"a\nb"', "'a\rb'", '"a\0b"', '${', '#', '|'), { maxLength: 10 }));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(COMMANDS)), shellish, (input, [prefix, parts]) => {
        const [b, argvOf] = COMMANDS[input];
        const value = prefix + parts.join('');
        const result = outcome({ ...b, [input]: value });
        if (!('settings' in result) || !value.trim()) return; // crashes are property 1's; '' means the default
        const argv = argvOf(result.settings);
        expect(argv?.length, `${input}=${JSON.stringify(value)}`).toBeGreaterThan(0);
        for (const arg of argv ?? []) expect(typeof arg === 'string' && !/[\0\r\n]/.test(arg), `${input}=${JSON.stringify(value)} gave ${JSON.stringify(argv)}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
  it('refuses an unbalanced quote, a trailing backslash or a line break in a command', () => {
    const broken = fc.tuple(word, word, fc.constantFrom('"', "'", '\\', '\n', '\r\n')).map(([a, b, kind]) => (kind === '\\' ? `${a} ${b}\\` : kind.trim() ? `${a} ${kind}${b}` : `${a}${kind}${b}`));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(COMMANDS)), broken, (input, line) => {
        expect(problemsOf({ ...COMMANDS[input][0], [input]: `run {color} ${line}` }).map(inputOf)).toContain(input);
      }),
      { numRuns: 200 },
    );
  });

  // 7. Header names and values go onto the wire: CR/LF would inject headers, non-latin1 or huge values make requests throw mid-release.
  it('refuses header names with spaces and values with CR, LF, NUL, non-latin1 characters or over 8192 characters', () => {
    const yamlQuote = (s: string) => `"${[...s].map((c) => (/[ -~]/.test(c) && c !== '"' && c !== '\\' ? c : `\\U${c.codePointAt(0)!.toString(16).padStart(8, '0')}`)).join('')}"`;
    const badValue = fc.oneof(
      fc.tuple(secret, fc.constantFrom('\r', '\n', '\0', '\u0100', '中', '😀'), word).map(([s, c, w]) => `${s}${c}${w}`),
      fc.tuple(secret, fc.integer({ min: 8193, max: 9000 })).map(([s, n]) => s.padEnd(n, 'x')),
    );
    const bad = fc.oneof(fc.tuple(fc.constantFrom('X Api', 'x y'), secret), fc.tuple(fc.constantFrom('X-Api', 'authorization'), badValue));
    fc.assert(
      fc.property(base, fc.constantFrom('smoke-headers', 'prometheus-headers', 'smoke-tests'), bad, (b, input, [name, value]) => {
        // A line input cannot hold an LF inside one value (it starts the next line).
        fc.pre(input === 'smoke-tests' || !value.includes('\n'));
        const text = input === 'smoke-tests' ? `- url: http://x/\n  headers:\n    ${yamlQuote(name)}: ${yamlQuote(value)}` : `${name}: ${value}`;
        const problems = problemsOf({ ...b, [input]: text });
        expect(problems.map(inputOf), `${input}: ${JSON.stringify(text.slice(0, 80))}`).toContain(input);
        for (const problem of problems) expect(problem).not.toContain('SECRET');
      }),
      { numRuns: 200 },
    );
  });

  // 8. These values are sent as HAProxy Runtime API commands, where `;` and newlines start another command.
  it('refuses HAProxy names containing ; newline space or backslash', () => {
    const PREFIX: Record<string, string> = { 'haproxy-map-key': 'key', 'haproxy-backend': 'app_{color}', 'haproxy-split-backend': 'split', 'haproxy-map': '/etc/haproxy/' };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(PREFIX)), word, fc.constantFrom(';', '\n', '\r\n', ' ', '\\'), word, (input, a, bad, b) => {
        expect(problemsOf({ ...BASES.haproxy, [input]: `${PREFIX[input]}${a}${b}` }), 'the same value without the bad character').toEqual([]);
        expect(problemsOf({ ...BASES.haproxy, [input]: `${PREFIX[input]}${a}${bad}${b}` }).map(inputOf)).toContain(input);
      }),
      { numRuns: 200 },
    );
  });
});
