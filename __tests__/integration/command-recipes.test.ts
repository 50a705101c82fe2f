// The command-router recipes of docs/examples/ (Elastic Beanstalk, Azure App Service slots, Cloud
// Foundry), run as written: their get and set commands are read from the example workflow and run
// unchanged, from the folder the examples stand for a repository (docs/examples/, so ./deploy/… is the
// shipped script), against stand-in CLIs on PATH as aws, az and cf (test-support/stand-ins/) that keep
// the platform's state and answer as the real ones do. A typo in an example fails here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitCommand, fillArgv } from '../../src/infra/argv.js';
import { startRouteProxy } from '../../test-support/cancel.mjs';
import { APPCTL, get, startApps } from '../../test-support/peers.mjs';
import { NODE, ROOT, runAction } from '../../test-support/runner.mjs';

const EXAMPLES = join(ROOT, 'docs/examples');
type State = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Platform {
  file: string;
  cli: 'aws' | 'az' | 'cf';
  /** The two colors as the platform names them (the example's comments describe this setup). */
  colors: [string, string];
  /** The platform with colors[live] serving production. */
  seed(live: 0 | 1): State;
  /** What production routes to, as a router-get-command prints it (a color, or a split as weights). */
  serving(state: State): string;
  /** A deploy command that also does what the example says the user's deploy must do on the platform. */
  deploy?: string;
}

const EB_PRODUCTION = 'shop.eu-west-1.elasticbeanstalk.com';
const PLATFORMS: Platform[] = [
  {
    file: 'elastic-beanstalk.yml',
    cli: 'aws',
    colors: ['shop-blue', 'shop-green'],
    seed: (live) => ({
      environments: ['shop-blue', 'shop-green'].map((name, i) => ({
        EnvironmentName: name,
        EnvironmentId: `e-${name.slice(5)}0123456`,
        ApplicationName: 'shop',
        VersionLabel: 'v1',
        CNAME: i === live ? EB_PRODUCTION : 'shop-staging.eu-west-1.elasticbeanstalk.com',
      })),
    }),
    serving: (state) => state.environments.find((env: State) => env.CNAME === EB_PRODUCTION)?.EnvironmentName ?? '',
  },
  {
    file: 'azure-slots.yml',
    cli: 'az',
    colors: ['blue', 'green'],
    seed: (live) => ({
      resourceGroup: 'shop-rg',
      name: 'shop',
      slotSettingNames: ['SLOT_NAME'],
      slots: { production: { BG_COLOR: ['blue', 'green'][live], SLOT_NAME: 'production' }, staging: { BG_COLOR: ['green', 'blue'][live], SLOT_NAME: 'staging' } },
    }),
    serving: (state) => state.slots.production.BG_COLOR ?? '',
    // The example's deploy labels the staging slot with the color it deploys there.
    deploy: `#!/bin/sh\nset -e\n"${NODE}" "${APPCTL}" deploy "$1" "$2"\naz webapp config appsettings set --resource-group shop-rg --name shop --slot staging --settings "BG_COLOR=$1" "BG_VERSION=$2" --output none\n`,
  },
  {
    file: 'cloud-foundry.yml',
    cli: 'cf',
    colors: ['shop-blue', 'shop-green'],
    seed: (live) => ({
      user: 'release-bot',
      org: 'shop',
      space: 'production',
      domains: ['example.com'],
      apps: { 'shop-blue': { instances: 2 }, 'shop-green': { instances: 2 } },
      routes: [
        { host: 'shop', domain: 'example.com', path: '', apps: [['shop-blue', 'shop-green'][live]] },
        { host: 'shop-blue', domain: 'example.com', path: '', apps: ['shop-blue'] },
        { host: 'shop-green', domain: 'example.com', path: '', apps: ['shop-green'] },
      ],
    }),
    serving: (state) => {
      const apps: string[] = state.routes.find((route: State) => route.host === 'shop' && route.domain === 'example.com')?.apps ?? [];
      return apps.length === 2 ? apps.map((app) => `${app}=50`).join(' ') : (apps[0] ?? '');
    },
  },
];

/** The command router's inputs exactly as the example workflow writes them. */
function recipe(file: string): Record<string, string> {
  const doc = parse(readFileSync(join(EXAMPLES, file), 'utf8'));
  const jobs = Object.values(doc.jobs) as { with?: Record<string, string>; steps?: { with?: Record<string, string> }[] }[];
  const found = jobs.flatMap((job) => [job.with, ...(job.steps ?? []).map((step) => step.with)]).filter((w) => w?.router === 'command');
  expect(found, `${file} runs the command router once`).toHaveLength(1);
  const { colors, 'router-get-command': getCommand, 'router-set-command': setCommand } = found[0] as Record<string, string>;
  return { ...(colors ? { colors } : {}), 'router-get-command': getCommand, 'router-set-command': setCommand };
}

function executable(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

describe.each(PLATFORMS)('the $file recipe, against a stand-in $cli', (platform) => {
  const [live, idle] = platform.colors;
  let dir: string;
  let env: Record<string, string>;
  let apps: Awaited<ReturnType<typeof startApps>>;
  let proxy: { url: string; stop(): void };
  let inputs: Record<string, string>;
  const stateFile = () => join(dir, 'state.json');
  const state = () => JSON.parse(readFileSync(stateFile(), 'utf8')) as State;
  const seed = (at: 0 | 1) => writeFileSync(stateFile(), JSON.stringify(platform.seed(at)));
  /** Runs one of the example's commands as the action does: split into argv, no shell, from the checkout. */
  const runArgv = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { cwd: EXAMPLES, env: { ...process.env, ...env }, encoding: 'utf8' });
  const argvOf = (line: string) => {
    const argv = splitCommand(line);
    if (typeof argv === 'string') throw new Error(`${line}: ${argv}`);
    return argv;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `bg-recipe-${platform.cli}-`));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    executable(join(bin, platform.cli), `#!/bin/sh\nexec "${NODE}" "${join(ROOT, 'test-support/stand-ins', `${platform.cli}.mjs`)}" "$@"\n`);
    if (platform.deploy) executable(join(bin, 'deploy'), platform.deploy);
    seed(0);
    apps = await startApps(platform.colors);
    proxy = await startRouteProxy(() => platform.serving(state()), apps.ports);
    env = { ...apps.env, PATH: `${bin}:${process.env.PATH}`, STAND_IN_STATE: stateFile() };
    inputs = {
      router: 'command',
      ...recipe(platform.file),
      'deploy-command': platform.deploy ? `${join(bin, 'deploy')} {color} {version}` : apps.deployCommand,
      'health-urls': `${proxy.url}/`,
      'health-interval': '200ms',
      'health-window': '1s',
    };
  });
  afterEach(() => {
    proxy.stop();
    apps.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes: the set command moves production, and is a no-op when run for the color already live', async () => {
    const run = await runAction({ ...inputs, 'smoke-urls': `http://127.0.0.1:${apps.ports[idle]}/`, version: 'v2' }, { env, cwd: EXAMPLES });
    expect(run.outputs, run.stdout).toMatchObject({ result: 'promoted', 'active-color': idle, 'previous-color': live, 'target-color': idle });
    expect(platform.serving(state())).toBe(idle);
    expect((await get(`${proxy.url}/`)).color).toBe(idle);
    // A swap is an exchange: the recipe must not send traffic back when asked for the live color again.
    const again = runArgv(fillArgv(argvOf(inputs['router-set-command']), { color: idle, weight: '100' }));
    expect(again.status, again.stderr).toBe(0);
    expect(platform.serving(state())).toBe(idle);
    if (platform.cli === 'az') expect(state().slots.production.SLOT_NAME).toBe('production'); // slot settings stay
  });

  it('rolls back: a failing window flips production back through the set command', async () => {
    const run = await runAction({ ...inputs, version: 'v2-broken' }, { env, cwd: EXAMPLES });
    expect(run.outputs, run.stdout).toMatchObject({ result: 'rolled-back', 'active-color': live, 'rolled-back': 'true' });
    expect(run.outputs.reason).toMatch(/health/i);
    expect(platform.serving(state())).toBe(live);
    expect((await get(`${proxy.url}/`)).color).toBe(live);
  });

  it('every word of the get command matters: a typo in any one fails or prints another color', () => {
    const argv = argvOf(inputs['router-get-command']);
    const answers = ([0, 1] as const).map((at) => {
      seed(at);
      const result = runArgv(argv);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(platform.colors[at]);
      return result.stdout;
    });
    for (let i = 1; i < argv.length; i++) {
      const typo = argv.map((word, j) => (j === i ? `${word}x` : word));
      const noticed = ([0, 1] as const).some((at) => {
        seed(at);
        const result = runArgv(typo);
        return result.status !== 0 || result.stdout !== answers[at];
      });
      expect(noticed, `a typo in "${argv[i]}" goes unnoticed`).toBe(true);
    }
  });
});
