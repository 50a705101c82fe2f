// The ECS example's deploy script (docs/examples/ecs-deploy.mjs) where moto cannot take it: a rollout
// that takes several reads, one the circuit breaker fails, one that outlasts --timeout, and the reasons
// stopped tasks give. ECS answers are written by hand here (aws-sdk-client-mock); the same script against
// moto, through the action, is in __tests__/integration/ecs-example.test.ts.
import { type Deployment, DescribeServicesCommand, DescribeTasksCommand, DescribeTaskDefinitionCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploy, options } from '../../docs/examples/ecs-deploy.mjs';

const ecsMock = mockClient(ECSClient);
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-green:7';
const NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-green:8';
const ARGS = ['--cluster', 'shop', '--services', 'blue=shop-blue,green=shop-green', '--image', 'shop:v2', '--interval', '1ms', '--timeout', '200ms'];

const svc = (name: string, taskDefinition: string, running: number, desired: number, deployments: Deployment[] = [{ status: 'PRIMARY', taskDefinition }], events: { createdAt: Date; message: string }[] = []) => ({
  services: [{ serviceName: name, status: 'ACTIVE', taskDefinition, runningCount: running, desiredCount: desired, deployments, events }],
});

let lines: string[];
const log = (line: string) => lines.push(line);

beforeEach(() => {
  ecsMock.reset();
  lines = [];
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: { taskDefinitionArn: OLD, family: 'shop-green', revision: 7, status: 'ACTIVE', containerDefinitions: [{ name: 'web', image: 'shop:v1' }], registeredAt: new Date() },
    tags: [],
  });
  ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEW } });
  ecsMock.on(UpdateServiceCommand).resolves({});
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
});

/** shop-green (idle, on OLD) and shop-blue (live, 4 running) as first read, then `after` in turn. */
function reads(...after: ReturnType<typeof svc>[]) {
  let chain = ecsMock.on(DescribeServicesCommand, { services: ['shop-green'] }).resolvesOnce(svc('shop-green', OLD, 1, 1));
  for (const answer of after) chain = chain.resolvesOnce(answer);
  ecsMock.on(DescribeServicesCommand, { services: ['shop-blue'] }).resolves(svc('shop-blue', 'blue:3', 4, 6));
}

const run = () => deploy(new ECSClient({ region: 'eu-west-1' }), options(ARGS, { BG_COLOR: 'green', BG_ACTIVE_COLOR: 'blue' }), log);

describe('ecs-deploy.mjs', () => {
  it('registers a revision without its read-only fields, sizes the service to the live one\'s running tasks, and waits out the old deployment', async () => {
    const both = [{ status: 'PRIMARY', taskDefinition: NEW }, { status: 'ACTIVE', taskDefinition: OLD }];
    reads(svc('shop-green', NEW, 1, 4, both), svc('shop-green', NEW, 4, 4, both), svc('shop-green', NEW, 4, 4));
    await run();
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input).toEqual({ family: 'shop-green', containerDefinitions: [{ name: 'web', image: 'shop:v2' }] });
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0].args[0].input).toEqual({ cluster: 'shop', service: 'shop-green', taskDefinition: NEW, desiredCount: 4 });
    expect(lines.filter((l) => l.endsWith('waiting'))).toEqual(['shop-green: 1/4 running, 2 deployment(s), waiting', 'shop-green: 4/4 running, 2 deployment(s), waiting']);
    expect(lines.at(-1)).toBe('shop-green is stable: 4 task(s) of shop-green:8 running');
  });

  it('stops at once when the circuit breaker fails the rollout, with the service\'s events and why this revision\'s tasks stopped', async () => {
    const since = new Date(Date.now() + 60_000);
    const failed = [{ status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'FAILED' as const, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }];
    reads(svc('shop-green', NEW, 0, 4, failed), svc('shop-green', NEW, 0, 4, failed, [{ createdAt: since, message: '(service shop-green) has started 1 tasks' }, { createdAt: new Date(0), message: 'an old event' }]));
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['t/1', 't/2'] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/shop/abc', taskDefinitionArn: NEW, stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 1 }] },
        { taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/shop/old', taskDefinitionArn: OLD, stoppedReason: 'Scaling activity initiated by deployment' },
      ],
    });
    await expect(run()).rejects.toThrow(`the rollout of ${NEW} to shop-green failed: ECS deployment circuit breaker: tasks failed to start.`);
    expect(lines.slice(-2)).toEqual(['event: (service shop-green) has started 1 tasks', 'stopped task abc: Essential container in task exited; web exit 1']);
  });

  it('gives up at --timeout saying what the service shows, and that another revision replaced ours', async () => {
    reads(...Array.from({ length: 500 }, () => svc('shop-green', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-green:9', 4, 4)));
    await expect(run()).rejects.toThrow(/shop-green was not stable on .*shop-green:8 within 0.2s: 4\/4 running, 1 deployment\(s\); the service names .*shop-green:9, not .*shop-green:8/);
  });

  it('refuses arguments it cannot use, before any call', () => {
    expect(() => options(['--cluster', 'shop', '--image', 'x'], { BG_COLOR: 'green' })).toThrow(/--services is required; usage:/);
    expect(() => options([...ARGS, '--services', 'blue:shop-blue'], { BG_COLOR: 'green' })).toThrow(/expected color=service pairs/);
    expect(() => options([...ARGS, '--timeout', '9 minutes'], { BG_COLOR: 'green' })).toThrow(/--timeout "9 minutes" is not a duration/);
    expect(() => options(ARGS, {})).toThrow(/BG_COLOR is not set/);
    expect(() => options([...ARGS, '--tymeout', '1m'], { BG_COLOR: 'green' })).toThrow(/Unknown option '--tymeout'/);
    expect(ecsMock.calls()).toEqual([]);
  });
});
