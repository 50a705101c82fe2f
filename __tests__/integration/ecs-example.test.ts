// The ECS example (docs/examples/aws-alb-ecs.yml and its deploy script ecs-deploy.mjs), run as written
// against moto in server mode (ECS, ELBv2, EC2, IAM) on 127.0.0.1, through the bundled action.
// Exercised: the deploy command read from the example workflow and split as the action splits it; the
// script's DescribeServices, DescribeTaskDefinition, RegisterTaskDefinition (only the image changed,
// the rest and the tags kept) and UpdateService (sized to the live service's running count); its
// stability check on moto's answer; the aws-alb router's target health check, flip and window; the two
// IAM policies under enforcement; the script's refusals.
// Not exercised, because moto does not do it: ECS starting tasks and registering them in the target
// group (the test registers two addresses per group itself, which moto reports healthy), a rollout
// that takes time (moto's UpdateService sets the running count to the desired count at once and never
// adds a second deployment, so the script finds the service stable on its first read), a rollout the
// circuit breaker fails, stopped tasks' reasons (moto runs no tasks for a service), the old color's
// tasks draining. Those paths are in __tests__/unit/ecs-deploy.test.ts, fed by hand.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fillArgv, splitCommand } from '../../src/infra/argv.js';
import { albFixture, enforceIam, listenerActions, REGION, startMoto } from '../../test-support/moto.mjs';
import { useMoto } from '../../test-support/moto-hooks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Fixture = Awaited<ReturnType<typeof albFixture>>;

const moto: Moto = useMoto();

/** The example's release step, as a user copies it. */
const workflow = parse(readFileSync(join(ROOT, 'docs/examples/aws-alb-ecs.yml'), 'utf8'));
const example: Record<string, string> = workflow.jobs.release.steps.find((s: { id?: string }) => s.id === 'release').with;
const deployCommand = example['deploy-command'];
const IMAGE = /--image (\S+)/.exec(deployCommand)?.[1] ?? '';

/** The runner's workspace: the example's `deploy/` is this repository's docs/examples/. */
const workspace = mkdtempSync(join(tmpdir(), 'bg-ecs-'));
symlinkSync(join(ROOT, 'docs/examples'), join(workspace, 'deploy'));

/** Smoke and health endpoints: moto's targets serve nothing. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

const ecs = () => new ECSClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

/**
 * Cluster `shop` with services shop-blue (3 running) and shop-green (1 desired), each on its own task
 * definition family (a web container and a log router beside it) and registered with its color's target
 * group of an ALB whose listener forwards to blue.
 */
async function fixture(): Promise<Fixture> {
  const f = await albFixture(moto, { name: 'shop', targetType: 'ip' });
  const client = ecs();
  await client.send(new CreateClusterCommand({ clusterName: 'shop' }));
  for (const color of ['blue', 'green'] as const) {
    const definition = await client.send(
      new RegisterTaskDefinitionCommand({
        family: `shop-${color}`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::123456789012:role/shop-task-execution',
        containerDefinitions: [
          { name: 'web', image: IMAGE.replace('{version}', 'v1'), essential: true, portMappings: [{ containerPort: 80 }], environment: [{ name: 'COLOR', value: color }] },
          { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: true },
        ],
        tags: [{ key: 'team', value: 'shop' }],
      }),
    );
    await client.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: `shop-${color}`,
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        loadBalancers: [{ targetGroupArn: f.groups[color], containerName: 'web', containerPort: 80 }],
      }),
    );
  }
  // moto's running count follows an UpdateService's desired count at once.
  await client.send(new UpdateServiceCommand({ cluster: 'shop', service: 'shop-blue', desiredCount: 3 }));
  return f;
}

async function service(name: string) {
  const found = (await ecs().send(new DescribeServicesCommand({ cluster: 'shop', services: [name] }))).services?.[0];
  const definition = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: found?.taskDefinition, include: ['TAGS'] }));
  return { ...found, definition: definition.taskDefinition, tags: definition.tags };
}

/** The example's inputs, with this fixture's ARNs and endpoints and short windows; no deployment record. */
function inputs(f: Fixture, version: string): Record<string, string> {
  const { environment: _e, 'environment-url': _u, ...rest } = example;
  const replaced = { 'listener-arn': f.listener, 'test-listener-arn': f.testListener, 'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}` };
  for (const key of Object.keys(replaced)) expect(example, `the example sets ${key}`).toHaveProperty(key);
  return { ...rest, ...replaced, version, 'smoke-urls': `${base}/smoke`, 'health-urls': `${base}/health`, 'health-window': '1s', 'health-interval': '200ms' };
}

const forwardsTo = async (f: Fixture, elb = f.elb) => (await listenerActions(elb, f.listener)).find((a) => a.Type === 'forward')?.TargetGroupArn;

/** The example's deploy command run as the action runs it (split without a shell, {version} filled). */
function deployDirectly(version: string, env: Record<string, string>, replace: [string, string] = ['', '']) {
  const argv = splitCommand(deployCommand.replace(...replace));
  if (typeof argv === 'string') throw new Error(argv);
  const [file, ...args] = fillArgv(argv, { color: env.BG_COLOR ?? '', version });
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(file, args, { cwd: workspace, env: { PATH: process.env.PATH, ...moto.env(), ...env } }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })),
  );
}

describe('ECS services behind the ALB (docs/examples/aws-alb-ecs.yml)', () => {
  it('deploys a new revision to the idle service, sized to the live one, flips the listener, and back again on the next release', async () => {
    const f = await fixture();
    const release = await runAction(inputs(f, 'v2'), { env: moto.env(), cwd: workspace });
    expect(release.outputs, release.stdout + release.stderr).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(await forwardsTo(f)).toBe(f.groups.green);
    expect(release.stdout).toContain('updated shop-green to shop-green:2, desired count 3 (shop-blue runs 3)');

    const green = await service('shop-green');
    expect(green).toMatchObject({ taskDefinition: expect.stringMatching(/task-definition\/shop-green:2$/), desiredCount: 3, runningCount: 3 });
    // Only the web container's image changed; the rest of the definition, and its tags, were kept.
    expect(green.definition?.containerDefinitions?.map((c) => [c.name, c.image, c.environment])).toEqual([
      ['web', IMAGE.replace('{version}', 'v2'), [{ name: 'COLOR', value: 'green' }]],
      ['log-router', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', []],
    ]);
    expect(green.definition).toMatchObject({ cpu: '256', memory: '512', networkMode: 'awsvpc', executionRoleArn: 'arn:aws:iam::123456789012:role/shop-task-execution' });
    expect(green.tags).toEqual([{ key: 'team', value: 'shop' }]);
    expect((await service('shop-blue')).taskDefinition).toMatch(/shop-blue:1$/);

    const next = await runAction(inputs(f, 'v3'), { env: moto.env(), cwd: workspace });
    expect(next.outputs, next.stdout).toMatchObject({ result: 'promoted', 'active-color': 'blue' });
    expect(next.stdout).toContain('updated shop-blue to shop-blue:2, desired count 3 (shop-green runs 3)');
    expect((await service('shop-blue')).definition?.containerDefinitions?.[0].image).toBe(IMAGE.replace('{version}', 'v3'));
  });

  it('promotes under IAM enforcement with the router and deploy policies; without ecs:UpdateService it aborts naming it, the listener untouched', async () => {
    const f = await fixture();
    const router = JSON.parse(readFileSync(join(ROOT, 'aws/iam-policy.json'), 'utf8'));
    const deploy = JSON.parse(readFileSync(join(ROOT, 'aws/ecs-deploy-policy.json'), 'utf8'));
    const without = structuredClone(deploy);
    for (const s of without.Statement) if (Array.isArray(s.Action)) s.Action = s.Action.filter((a: string) => a !== 'ecs:UpdateService');
    const keys = await enforceIam(moto, { Version: '2012-10-17', Statement: [...router.Statement, ...without.Statement] });
    const refused = await runAction(inputs(f, 'v2'), { env: moto.env(keys.deployer), cwd: workspace });
    expect(refused.outputs.result, refused.stdout).toBe('aborted');
    expect(refused.outputs.reason).toMatch(/deploy-command exited with 1 for green: .*ecs:UpdateService/);
    expect(await forwardsTo(f, moto.elb(keys.admin))).toBe(f.groups.blue);

    await moto.reset();
    const g = await fixture();
    const allowed = await enforceIam(moto, { Version: '2012-10-17', Statement: [...router.Statement, ...deploy.Statement] });
    const release = await runAction(inputs(g, 'v2'), { env: moto.env(allowed.deployer), cwd: workspace });
    expect(release.outputs, release.stdout + release.stderr).toMatchObject({ result: 'promoted', 'active-color': 'green' });
  });

  it('refuses, before touching ECS, a color the command does not map and a container the task definition lacks', async () => {
    await fixture();
    const unmapped = await deployDirectly('v2', { BG_COLOR: 'purple', BG_ACTIVE_COLOR: 'blue' });
    expect(unmapped.code).toBe(1);
    expect(unmapped.stderr).toMatch(/^ecs-deploy: BG_COLOR is "purple", which --services does not name \(blue, green\)/);

    const container = await deployDirectly('v2', { BG_COLOR: 'green', BG_ACTIVE_COLOR: 'blue' }, ['--container web', '--container app']);
    expect(container.code).toBe(1);
    expect(container.stderr).toMatch(/has no container "app" \(it has web, log-router\)/);
    expect((await service('shop-green')).taskDefinition).toMatch(/shop-green:1$/);

    const missing = await deployDirectly('v2', { BG_COLOR: 'green', BG_ACTIVE_COLOR: 'blue' }, ['blue=shop-blue', 'blue=shop-gone']);
    expect(missing.stderr).toMatch(/service shop-gone in cluster shop: MISSING/);
  });
});
