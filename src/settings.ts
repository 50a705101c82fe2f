import * as parse from './infra/parse.js';
import { Problems, type InputReader } from './infra/parse.js';
import { readHealthChecks, type CheckSet } from './health/index.js';
import { probesFromUrls, probesFromYaml, versionCheck } from './probes/parse.js';
import type { HttpProbe } from './probes/probe.js';
import { warmupsFromLines, type Warmup } from './probes/warmup.js';
import { ROUTER_KINDS, routerModule, type RouterKind } from './routers/index.js';
import { redactor } from './infra/log.js';
import { secretsOf } from './secrets.js';
import { MODES, type Color, type CommonSettings, type Mode } from './types.js';

export type { InputReader } from './infra/parse.js';

/** Every input, parsed and validated once. Nothing downstream reads inputs. */
export interface Settings {
  mode: Mode;
  router: RouterKind;
  colors: [Color, Color];
  version: string;
  dryRun: boolean;
  deploy: { command?: string[]; readyTimeoutMs: number };
  /** `warmups` run first (not judged on latency), then the `probes`, each with `expect-version` unless it set its own. */
  smoke: { warmups: Warmup[]; probes: HttpProbe[]; timeoutMs: number; retries: number };
  health: {
    windowMs: number;
    intervalMs: number;
    /** Every health check (health-urls and health-checks), by type, as each type parsed it. */
    checks: CheckSet[];
    failureThreshold: number;
    errorThreshold: number;
  };
  traffic: { steps: number[]; stepWindowMs: number };
  rollbackOnFailure: boolean;
  /** Mode rollback: flip back without smoke-testing the color returned to. */
  emergency: boolean;
  /** Mode rollback: act only while the live color serves this version (a fleet undoing its release). */
  onlyIfVersion?: string;
  lockTimeoutMs: number;
  github: { token: string; environment: string; environmentUrl: string };
  /** The status of the job, as the post step sees it (`success`, `failure`, `cancelled`). */
  jobStatus: string;
  /** The job's index in its matrix ('' outside a matrix): part of the lock owner. */
  jobIndex: string;
  /** The chosen router's own settings, as its module parsed them; opaque to the core. */
  routing: unknown;
  /** Values to mask everywhere: header values, tokens. */
  secrets: string[];
  /** Said as warnings before anything is touched; they do not stop the run. */
  warnings: string[];
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} input problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Requests per probe: a timeout above this is a mistake, not a wish. */
const MAX_REQUEST_TIMEOUT_MS = 5 * 60_000;
/** A sample less often than hourly is not watching. */
const MAX_INTERVAL_MS = 3_600_000;

export function readSettings(input: InputReader): Settings {
  const secrets = secretsOf(input);
  const problems = new Problems(redactor(secrets));
  const router = parse.oneOf(problems, 'router', input('router'), ROUTER_KINDS);
  const common = commonSettings(problems, input);
  const withHeaders = (probes: HttpProbe[]) => probes.map((p) => ({ ...p, headers: { ...common.smokeHeaders, ...p.headers } }));
  const expectVersion = input('expect-version') ? versionCheck(problems, 'expect-version', input('expect-version')) : undefined;
  const settings: Settings = {
    mode: common.mode,
    router,
    colors: common.colors,
    version: common.version,
    dryRun: parse.boolean(problems, 'dry-run', input('dry-run')),
    deploy: {
      command: input('deploy-command') ? parse.command(problems, 'deploy-command', input('deploy-command')) : undefined,
      readyTimeoutMs: parse.duration(problems, 'ready-timeout', input('ready-timeout') || '10m', 1),
    },
    smoke: {
      warmups: warmupsFromLines(problems, 'warmup-urls', input('warmup-urls'), common.smokeHeaders),
      probes: withHeaders([
        ...probesFromUrls(problems, 'smoke-urls', input('smoke-urls'), { expectVersion }),
        ...probesFromYaml(problems, 'smoke-tests', input('smoke-tests'), { expectVersion }),
      ]),
      timeoutMs: parse.duration(problems, 'smoke-timeout', input('smoke-timeout') || '10s', 1, MAX_REQUEST_TIMEOUT_MS),
      retries: parse.integer(problems, 'smoke-retries', input('smoke-retries') || '3', 1, 20),
    },
    health: {
      windowMs: common.windows.healthMs,
      intervalMs: parse.duration(problems, 'health-interval', input('health-interval') || '10s', 50, MAX_INTERVAL_MS),
      checks: readHealthChecks(problems, input, common),
      failureThreshold: parse.integer(problems, 'failure-threshold', input('failure-threshold') || '1', 1, 1000),
      errorThreshold: parse.integer(problems, 'error-threshold', input('error-threshold') || '3', 1, 1000),
    },
    traffic: {
      steps: common.windows.steps,
      stepWindowMs: common.windows.stepMs,
    },
    rollbackOnFailure: input('rollback-on-failure') === '' ? true : parse.boolean(problems, 'rollback-on-failure', input('rollback-on-failure')),
    emergency: parse.boolean(problems, 'emergency', input('emergency')),
    onlyIfVersion: input('only-if-version') ? version(problems, input('only-if-version'), 'only-if-version') : undefined,
    lockTimeoutMs: parse.duration(problems, 'lock-timeout', input('lock-timeout') || '1m'),
    github: { token: input('github-token'), environment: input('environment'), environmentUrl: input('environment-url') },
    jobStatus: input('job-status'),
    jobIndex: jobIndex(problems, input('job-index')),
    secrets,
    routing: routerSettings(problems, input, router, common),
    warnings: problems.warnings,
  };
  if (settings.github.environmentUrl) parse.url(problems, 'environment-url', settings.github.environmentUrl);
  checkCombinations(problems, input, settings);
  if (problems.list.length) throw new SettingsError(problems.list);
  return settings;
}

/**
 * The inputs plug-ins judge theirs against, read once here. `aws-region` is among them: the aws-alb
 * router and the cloudwatch-alarm checks both act in that one region, which the AWS SDK would also take
 * from AWS_REGION, so it is resolved and refused in one place rather than by each plug-in alike.
 */
function commonSettings(problems: Problems, input: InputReader): CommonSettings {
  return {
    mode: parse.oneOf(problems, 'mode', input('mode') || 'deploy', MODES),
    colors: parse.colors(problems, 'colors', input('colors') || 'blue,green'),
    version: version(problems, input('version')),
    deployCommand: input('deploy-command') !== '',
    smokeHeaders: parse.headerLines(problems, 'smoke-headers', input('smoke-headers')),
    aws: awsRegion(problems, input('aws-region'), process.env.AWS_REGION ?? ''),
    windows: {
      healthMs: parse.duration(problems, 'health-window', input('health-window') || '5m'),
      stepMs: parse.duration(problems, 'step-window', input('step-window') || '1m'),
      steps: parse.percentSteps(problems, 'traffic-steps', input('traffic-steps') || '100'),
    },
  };
}

/** AWS's region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function awsRegion(problems: Problems, given: string, environment: string): CommonSettings['aws'] {
  const region = given || environment;
  if (region && !AWS_REGION.test(region)) problems.add('aws-region', region, 'an AWS region such as us-east-1');
  return { region, fromEnvironment: !given && region !== '' };
}

function jobIndex(problems: Problems, text: string): string {
  // A local runner (@github/local-action) passes the default expression unevaluated: outside a matrix.
  if (/^\$\{\{[^}]*\}\}$/.test(text)) return '';
  if (text && !/^\d{1,6}$/.test(text)) problems.add('job-index', text, 'the matrix index of this job (leave the default, ${{ strategy.job-index }})');
  return text;
}

/**
 * What a release label holds: a commit SHA, a git tag (`v1.4.0`, `release/2024-06`), a semver with
 * pre-release and build metadata (`1.4.0-rc.1+build.5`) or a docker tag (`v2_amd64`): letters, digits and
 * `._+-/`, starting with a letter or digit, at most 128 characters (a docker tag's limit).
 * `{version}` is filled into URLs, PromQL string literals and command arguments, so nothing more is let
 * in: no quote, backtick or backslash can end a PromQL string, no `@`, `:`, `?`, `#`, `%` or space can
 * move a URL's host or start its query; the `+` and `/` left are percent-encoded in URLs (fillUrl).
 * `..` is refused as git refuses it in a ref: a server that decodes `%2F` would read it as a step up.
 */
const VERSION = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._+/-]{0,127}$/;

function version(problems: Problems, text: string, name = 'version'): string {
  if (!VERSION.test(text)) {
    problems.add(
      name,
      text,
      `a release label of letters, digits and "._+-/", starting with a letter or digit, without "..", at most 128 characters, e.g. a commit SHA, v1.4.0-rc.1+build.5 or release/2024-06 (${name === 'version' ? 'default: the commit SHA' : 'the version of the release to undo'})`,
    );
  }
  return text;
}

/** The chosen router's module reads its own inputs, judged against the common ones. */
function routerSettings(problems: Problems, input: InputReader, router: RouterKind, common: CommonSettings): unknown {
  // A refused `router` leaves a placeholder: judging the placeholder's inputs would invent errors.
  return problems.ok('router') ? routerModule(router).settings(input, problems, common) : undefined;
}

/** Judges inputs against each other; each check runs only when the inputs it reads parsed. */
function checkCombinations(problems: Problems, input: InputReader, settings: Settings): void {
  const steps = settings.traffic.steps;
  if ((steps.length > 1 || steps[0] !== 100) && settings.routing !== undefined && problems.ok('traffic-steps')) {
    const why = routerModule(settings.router).cannotSplit(settings.routing);
    if (why) problems.note('traffic-steps', `got "${input('traffic-steps')}", but ${why}; use "100".`);
  }
  if (settings.health.windowMs > 0 && settings.health.intervalMs > settings.health.windowMs && problems.ok('health-window', 'health-interval')) {
    problems.note('health-interval', `(${input('health-interval')}) is longer than health-window (${input('health-window')}): the window would sample only as it opens (right after the flip) and as it closes; make health-interval at most health-window.`);
  }
  if (settings.emergency && settings.mode !== 'rollback' && problems.ok('mode')) {
    problems.note('emergency', `is only for mode "rollback" (this run's mode is "${settings.mode}").`);
  }
  if (settings.onlyIfVersion !== undefined && settings.mode !== 'rollback' && problems.ok('mode')) {
    problems.note('only-if-version', `is only for mode "rollback", which it guards (this run's mode is "${settings.mode}"); remove it, or use mode "rollback".`);
  }
  if (!['', 'none'].includes(input('expect-version')) && !settings.smoke.probes.length && problems.ok('smoke-urls', 'smoke-tests')) {
    problems.note('expect-version', 'applies to smoke tests, and none are given; add smoke-urls or smoke-tests, or remove it.');
  }
  if (settings.mode === 'promote' && settings.deploy.command && problems.ok('mode')) {
    problems.note('deploy-command', 'is not used in mode "promote" (the idle color was deployed by "stage"); remove it or use mode "deploy".');
  }
}
