import * as parse from './infra/parse.js';
import { Problems } from './infra/parse.js';
import { healthChecksFromYaml, type PrometheusCheck } from './settings-checks.js';
import { type HttpProbe, probesFromUrls, probesFromYaml } from './settings-probes.js';
import { parseAddress, type ApiAddress } from './routers/haproxy/runtime-api.js';
import { MODES, ROUTER_KINDS, type Color, type Mode, type RouterKind } from './types.js';

/** Reads one input by name, trimmed, '' when unset (the signature of `core.getInput`). */
export type InputReader = (name: string) => string;

export interface NginxSettings {
  conf: string;
  template: string;
  testCommand: string[];
  reloadCommand: string[];
  /** Master pid file, used to confirm the reload is serving; '' when it cannot be read locally. */
  pidFile: string;
}

export interface HaproxySettings {
  address: ApiAddress;
  map: string;
  key: string;
  /** Backend name template holding {color}. */
  backend: string;
  /** Backend whose servers are named by color, for traffic steps; '' when steps are not used. */
  splitBackend: string;
}

export interface CommandRouterSettings {
  get: string[];
  set: string[];
}

/** Every input, parsed and validated once. Nothing downstream reads inputs. */
export interface Settings {
  mode: Mode;
  router: RouterKind;
  colors: [Color, Color];
  version: string;
  dryRun: boolean;
  deploy: { command?: string[]; readyTimeoutMs: number };
  smoke: { probes: HttpProbe[]; timeoutMs: number; retries: number };
  health: {
    windowMs: number;
    intervalMs: number;
    probes: HttpProbe[];
    prometheus: PrometheusCheck[];
    failureThreshold: number;
    errorThreshold: number;
  };
  prometheus: { url: string; headers: Record<string, string> };
  traffic: { steps: number[]; stepWindowMs: number };
  rollbackOnFailure: boolean;
  lockTimeoutMs: number;
  github: { token: string; environment: string; environmentUrl: string };
  /** The status of the job, as the post step sees it (`success`, `failure`, `cancelled`). */
  jobStatus: string;
  nginx?: NginxSettings;
  haproxy?: HaproxySettings;
  command?: CommandRouterSettings;
  /** Values to mask everywhere: header values, tokens. */
  secrets: string[];
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} input problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Routers implemented in this version; the rest of ROUTER_KINDS is declared and refused clearly. */
const AVAILABLE_ROUTERS: RouterKind[] = ['nginx', 'haproxy', 'command'];
/** Requests per probe: a timeout above this is a mistake, not a wish. */
const MAX_REQUEST_TIMEOUT_MS = 5 * 60_000;

export function readSettings(input: InputReader): Settings {
  const problems = new Problems();
  const router = parse.oneOf(problems, 'router', input('router'), ROUTER_KINDS);
  const smokeHeaders = parse.headerLines(problems, 'smoke-headers', input('smoke-headers'));
  const withHeaders = (probes: HttpProbe[]) => probes.map((p) => ({ ...p, headers: { ...smokeHeaders, ...p.headers } }));
  const checks = healthChecksFromYaml(problems, 'health-checks', input('health-checks'));
  const settings: Settings = {
    mode: parse.oneOf(problems, 'mode', input('mode') || 'deploy', MODES),
    router,
    colors: parse.colors(problems, 'colors', input('colors') || 'blue,green'),
    version: version(problems, input('version')),
    dryRun: parse.boolean(problems, 'dry-run', input('dry-run')),
    deploy: {
      command: input('deploy-command') ? parse.command(problems, 'deploy-command', input('deploy-command')) : undefined,
      readyTimeoutMs: parse.duration(problems, 'ready-timeout', input('ready-timeout') || '10m', 1),
    },
    smoke: {
      probes: withHeaders([
        ...probesFromUrls(problems, 'smoke-urls', input('smoke-urls')),
        ...probesFromYaml(problems, 'smoke-tests', input('smoke-tests')),
      ]),
      timeoutMs: parse.duration(problems, 'smoke-timeout', input('smoke-timeout') || '10s', 1),
      retries: parse.integer(problems, 'smoke-retries', input('smoke-retries') || '3', 1, 20),
    },
    health: {
      windowMs: parse.duration(problems, 'health-window', input('health-window') || '5m'),
      intervalMs: parse.duration(problems, 'health-interval', input('health-interval') || '10s', 50),
      probes: withHeaders([...probesFromUrls(problems, 'health-urls', input('health-urls')), ...checks.probes]),
      prometheus: checks.prometheus,
      failureThreshold: parse.integer(problems, 'failure-threshold', input('failure-threshold') || '1', 1, 1000),
      errorThreshold: parse.integer(problems, 'error-threshold', input('error-threshold') || '3', 1, 1000),
    },
    traffic: {
      steps: parse.percentSteps(problems, 'traffic-steps', input('traffic-steps') || '100'),
      stepWindowMs: parse.duration(problems, 'step-window', input('step-window') || '1m'),
    },
    prometheus: {
      url: input('prometheus-url') ? parse.url(problems, 'prometheus-url', input('prometheus-url')).replace(/\/+$/, '') : '',
      headers: parse.headerLines(problems, 'prometheus-headers', input('prometheus-headers')),
    },
    rollbackOnFailure: input('rollback-on-failure') === '' ? true : parse.boolean(problems, 'rollback-on-failure', input('rollback-on-failure')),
    lockTimeoutMs: parse.duration(problems, 'lock-timeout', input('lock-timeout') || '1m'),
    github: { token: input('github-token'), environment: input('environment'), environmentUrl: input('environment-url') },
    jobStatus: input('job-status'),
    secrets: [],
  };
  if (settings.smoke.timeoutMs > MAX_REQUEST_TIMEOUT_MS) problems.add('smoke-timeout', input('smoke-timeout'), 'at most 5m');
  if (settings.github.environmentUrl) parse.url(problems, 'environment-url', settings.github.environmentUrl);
  routerSettings(problems, input, settings);
  checkCombinations(problems, input, settings);
  settings.secrets = collectSecrets(settings, smokeHeaders);
  if (problems.list.length) throw new SettingsError(problems.list);
  return settings;
}

function version(problems: Problems, text: string): string {
  if (!text || text.length > 128 || /[\r\n]/.test(text)) {
    problems.add('version', text, 'a one-line label of at most 128 characters (default: the commit SHA)');
  }
  return text;
}

function routerSettings(problems: Problems, input: InputReader, settings: Settings): void {
  if (!AVAILABLE_ROUTERS.includes(settings.router)) {
    if ((ROUTER_KINDS as readonly string[]).includes(settings.router)) {
      problems.note('router', `"${settings.router}" is not available in this version; available: ${AVAILABLE_ROUTERS.join(', ')}.`);
    }
    return;
  }
  if (settings.router === 'nginx') {
    const conf = input('nginx-conf');
    if (!conf) problems.note('nginx-conf', 'is required with router "nginx": the path of the include file the action owns.');
    const template = input('nginx-template') || 'proxy_pass http://{color};';
    if (!template.includes('{color}')) problems.add('nginx-template', template, 'text containing {color}');
    settings.nginx = {
      conf,
      template,
      testCommand: parse.command(problems, 'nginx-test-command', input('nginx-test-command') || 'nginx -t'),
      reloadCommand: parse.command(problems, 'nginx-reload-command', input('nginx-reload-command') || 'nginx -s reload'),
      pidFile: input('nginx-pid-file'),
    };
  }
  if (settings.router === 'haproxy') settings.haproxy = haproxySettings(problems, input);
  if (settings.router === 'command') {
    const get = input('router-get-command');
    const set = input('router-set-command');
    if (!get) problems.note('router-get-command', 'is required with router "command": a command that prints the live color.');
    if (!set) problems.note('router-set-command', 'is required with router "command": a command that points traffic at {color}.');
    else if (!set.includes('{color}')) problems.add('router-set-command', set, 'a command containing {color}');
    settings.command = {
      get: get ? parse.command(problems, 'router-get-command', get) : [],
      set: set ? parse.command(problems, 'router-set-command', set) : [],
    };
  }
}

function haproxySettings(problems: Problems, input: InputReader): HaproxySettings {
  const socket = input('haproxy-socket');
  const address = parseAddress(socket);
  if (!address) problems.add('haproxy-socket', socket, 'the Runtime API address: a unix socket path (/run/haproxy/admin.sock) or host:port');
  const map = input('haproxy-map');
  if (!map.startsWith('/')) problems.add('haproxy-map', map, 'the absolute path of the map file, as HAProxy loaded it (see `show map`)');
  const key = input('haproxy-map-key') || 'active';
  if (/\s/.test(key)) problems.add('haproxy-map-key', key, 'a key without spaces');
  const backend = input('haproxy-backend') || '{color}';
  if (!backend.includes('{color}') || /\s/.test(backend)) problems.add('haproxy-backend', backend, 'a backend name template containing {color}, without spaces');
  const splitBackend = input('haproxy-split-backend');
  if (/\s/.test(splitBackend)) problems.add('haproxy-split-backend', splitBackend, 'a backend name without spaces');
  return { address: address ?? { path: socket }, map, key, backend, splitBackend };
}

/** Whether the chosen router can split traffic, known from the settings alone. */
export function routerSupportsWeights(settings: Settings): boolean {
  if (settings.router === 'haproxy') return Boolean(settings.haproxy?.splitBackend);
  return settings.router === 'command' && (settings.command?.set ?? []).some((arg) => arg.includes('{weight}'));
}

function checkCombinations(problems: Problems, input: InputReader, settings: Settings): void {
  const steps = settings.traffic.steps;
  if (steps.length > 1 || steps[0] !== 100) {
    if (!routerSupportsWeights(settings)) {
      const why =
        settings.router === 'command'
          ? 'router "command" splits traffic only when router-set-command contains {weight}'
          : settings.router === 'haproxy'
            ? 'router "haproxy" splits traffic only through haproxy-split-backend (a backend whose servers are named by color)'
            : `router "${settings.router}" cannot split traffic`;
      problems.note('traffic-steps', `got "${input('traffic-steps')}", but ${why}; use "100".`);
    }
  }
  if (settings.health.windowMs > 0 && settings.health.intervalMs > settings.health.windowMs) {
    problems.note('health-interval', `(${input('health-interval')}) is longer than health-window (${input('health-window')}); no sample would be taken.`);
  }
  if (settings.health.prometheus.length && !settings.prometheus.url) {
    problems.note('prometheus-url', 'is required by the prometheus health checks: the base URL of the Prometheus HTTP API, e.g. http://prometheus:9090.');
  }
  if (settings.mode === 'promote' && settings.deploy.command) {
    problems.note('deploy-command', 'is not used in mode "promote" (the idle color was deployed by "stage"); remove it or use mode "deploy".');
  }
}

function collectSecrets(settings: Settings, smokeHeaders: Record<string, string>): string[] {
  const probeHeaders = [...settings.smoke.probes, ...settings.health.probes].flatMap((p) => Object.values(p.headers));
  const urls = [settings.prometheus.url, ...[...settings.smoke.probes, ...settings.health.probes].map((p) => p.url)];
  const urlPasswords = urls.flatMap((text) => {
    try {
      return [decodeURIComponent(new URL(text).password)];
    } catch {
      return [];
    }
  });
  const values = [settings.github.token, ...Object.values(smokeHeaders), ...probeHeaders, ...Object.values(settings.prometheus.headers), ...urlPasswords];
  // Very short values would mask ordinary words in every log line.
  return [...new Set(values.filter((v) => v.length >= 4))];
}
