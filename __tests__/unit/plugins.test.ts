import { describe, expect, it, vi } from 'vitest';
import { cloudwatchAlarmModule } from '../../src/health/cloudwatch-alarm/module.js';
import { httpModule } from '../../src/health/http/module.js';
import { HEALTH_TYPES, healthSecrets, healthTypeModule } from '../../src/health/index.js';
import { prometheusModule } from '../../src/health/prometheus/module.js';
import { Problems, type InputReader } from '../../src/infra/parse.js';
import { awsAlbModule } from '../../src/routers/aws-alb/module.js';
import { ROUTER_KINDS, routerModule, routerSecrets } from '../../src/routers/index.js';
import { kubernetesModule } from '../../src/routers/kubernetes/module.js';
import { secretsOf } from '../../src/secrets.js';
import type { CommonSettings } from '../../src/types.js';
import { inputs } from '../../test-support/fakes.js';

// Spies that call through, so one test can hear what secrets.ts reads by itself, the plug-ins silenced.
vi.mock('../../src/routers/index.js', { spy: true });
vi.mock('../../src/health/index.js', { spy: true });

const common: CommonSettings = {
  mode: 'deploy',
  colors: ['blue', 'green'],
  version: 'v1',
  deployCommand: false,
  smokeHeaders: {},
  aws: { region: '', fromEnvironment: false },
  windows: { healthMs: 300_000, stepMs: 60_000, steps: [100] },
};
/** The inputs the settings parse once and hand to every plug-in. */
const COMMON_INPUTS = ['mode', 'colors', 'version', 'deploy-command', 'smoke-headers', 'aws-region'];

/** An input reader that gives every input a value (so every branch that reads one does) and records what is read. */
function recording(): { read: Set<string>; input: InputReader } {
  const read = new Set<string>();
  return { read, input: (name) => (read.add(name), 'x') };
}

/** Which plug-in reads which input, through every hook that is handed the input reader. */
function readers(): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const note = (plugin: string, read: Set<string>) => read.forEach((name) => owners.set(name, [...(owners.get(name) ?? []), plugin]));
  for (const kind of ROUTER_KINDS) {
    const { read, input } = recording();
    const module = routerModule(kind);
    module.settings(input, new Problems(), common);
    module.secrets?.(input);
    note(`router ${kind}`, read);
  }
  for (const type of HEALTH_TYPES) {
    const { read, input } = recording();
    const module = healthTypeModule(type)!;
    module.inputChecks?.(input, new Problems());
    module.shared(input, new Problems(), [], common);
    module.secrets?.(input);
    note(`health type ${type}`, read);
  }
  return owners;
}

const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;
const listener = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2';

describe('plug-ins', () => {
  it('each read only their own inputs: none reads a common input, no two read the same one', () => {
    const owners = readers();
    expect([...owners].filter(([, plugins]) => plugins.length > 1)).toEqual([]);
    expect(COMMON_INPUTS.filter((name) => owners.has(name))).toEqual([]);
  });

  it('judge against the common settings handed to them, not the raw inputs', () => {
    // The colors come parsed: the router does not fall back to blue,green for an input it never reads.
    const problems = new Problems();
    const alb = awsAlbModule.settings(inputs({ 'listener-arn': listener, 'target-groups': `red=${tg('red')}\nblack=${tg('black')}` }), problems, { ...common, colors: ['red', 'black'] });
    expect(problems.list).toEqual([]);
    expect(alb.targetGroups).toEqual({ red: tg('red'), black: tg('black') });

    // The region comes once, with where it came from; an aws-region in the raw inputs is not the router's to read.
    const fromEnvironment = new Problems();
    const given = { 'listener-arn': listener, 'target-groups': `blue=${tg('b')}\ngreen=${tg('g')}`, 'aws-region': 'us-east-1' };
    awsAlbModule.settings(inputs(given), fromEnvironment, { ...common, aws: { region: 'eu-west-1', fromEnvironment: true } });
    expect(fromEnvironment.list).toEqual(["Input 'aws-region': is \"eu-west-1\" (from AWS_REGION, as aws-region is empty), but the ARNs are in us-east-1; set aws-region to us-east-1."]);

    const kubernetes = new Problems();
    kubernetesModule.settings(inputs({ service: 'app', image: 'registry.example.com/app:1' }), kubernetes, { ...common, deployCommand: true });
    expect(kubernetes.list).toEqual(["Input 'image': and deploy-command both deploy the idle color; give one."]);

    const alarms = new Problems();
    const check = cloudwatchAlarmModule.check(alarms, 'health-checks[0]', { alarm: 'api-5xx' })!;
    expect(cloudwatchAlarmModule.shared(inputs({ 'aws-region': 'us-east-1' }), alarms, [check], { ...common, aws: { region: 'eu-west-1', fromEnvironment: true } })).toEqual({ region: 'eu-west-1' });
    cloudwatchAlarmModule.shared(inputs({ 'aws-region': 'us-east-1' }), alarms, [check], common);
    expect(alarms.list).toEqual(["Input 'aws-region': is required by the cloudwatch-alarm health checks (or set AWS_REGION): the region of the alarms."]);

    expect(httpModule.shared(inputs({ 'smoke-headers': 'X-Raw: raw' }), new Problems(), [], { ...common, smokeHeaders: { 'X-Parsed': 'parsed' } })).toEqual({ 'X-Parsed': 'parsed' });
  });

  it('name their own secrets, through hooks the registries ask', () => {
    const kubeconfig = 'apiVersion: v1\nclusters: []\nusers: [{name: u, user: {token: kube-token-1}}]\n';
    expect(routerSecrets(inputs({ kubeconfig }))).toEqual([kubeconfig, 'kube-token-1']);
    expect(prometheusModule.secrets!(inputs({ 'prometheus-headers': 'Authorization: Bearer prom-token', 'prometheus-url': 'https://bot:prom-pass@prom/' }))).toEqual(
      expect.arrayContaining(['Bearer prom-token', 'prom-token', 'prom-pass']),
    );
    expect(httpModule.secrets!(inputs({ 'health-urls': 'https://probe:probe-pass@app/healthz' }))).toContain('probe-pass');
    expect(healthSecrets(inputs({ 'prometheus-url': 'https://bot:prom-pass@prom/', 'health-urls': 'https://probe:probe-pass@app/' }))).toEqual(
      expect.arrayContaining(['prom-pass', 'probe-pass']),
    );
  });

  it('leave secrets.ts to name only the core\'s inputs', () => {
    const owners = readers();
    vi.mocked(routerSecrets).mockReturnValueOnce([]);
    vi.mocked(healthSecrets).mockReturnValueOnce([]);
    const { read, input } = recording();
    secretsOf(input);
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((name) => owners.has(name))).toEqual([]);
  });
});
