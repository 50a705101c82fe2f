// CloudWatch alarms as health, through the bundled action with the aws-alb router, against moto in
// server mode on 127.0.0.1: an alarm entering ALARM mid-window sends traffic back; one already in
// ALARM, or missing, stops the run before traffic moves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { beforeAll, describe, expect, it } from 'vitest';
import { albFixture, enforceIam, listenerActions, REGION, startMoto } from '../../test-support/moto.mjs';
import { useMoto } from '../../test-support/moto-hooks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Fixture = Awaited<ReturnType<typeof albFixture>>;

const moto: Moto = useMoto();
let cloudwatch: CloudWatchClient;

beforeAll(() => {
  cloudwatch = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, protocol: AwsQueryProtocol });
});

async function alarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA') {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  await setState(name, state);
}

const setState = (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA') =>
  cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `set to ${state} by the test` }));

function run(f: Fixture, extra: Record<string, string>, options: { env?: Record<string, string>; onOutput?: (chunk: string) => void } = {}) {
  const inputs = {
    router: 'aws-alb',
    'listener-arn': f.listener,
    'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`,
    'health-interval': '200ms',
    'health-window': '2s',
    'ready-timeout': '5s',
    ...extra,
  };
  return runAction(inputs, { ...options, env: { ...moto.env(), ...options.env } });
}

const forwardsTo = async (f: Fixture, elb = f.elb) => {
  const forward = (await listenerActions(elb, f.listener)).find((a) => a.Type === 'forward')!;
  const arn = forward.TargetGroupArn ?? forward.ForwardConfig?.TargetGroups?.find((g) => (g.Weight ?? 1) > 0)?.TargetGroupArn;
  return Object.entries(f.groups).find(([, a]) => a === arn)?.[0];
};

const check = (name: string, extra = '') => `- type: cloudwatch-alarm\n  alarm: ${name}${extra}`;

describe('cloudwatch-alarm health checks', () => {
  it('promotes while the alarm stays OK', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'OK');
    const release = await run(f, { 'health-checks': check('api-5xx') });
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(release.report().samples.some((s: { source: string; status: string }) => s.source === 'alarm api-5xx' && s.status === 'pass')).toBe(true);
  });

  it('sends traffic back when the alarm enters ALARM mid-window', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'OK');
    let firedAt = 0;
    const release = await run(f, { 'health-checks': check('api-5xx'), 'health-window': '30s' }, {
      onOutput: (chunk) => {
        if (!firedAt && chunk.includes('::group::watch health window')) {
          firedAt = Date.now();
          void setState('api-5xx', 'ALARM');
        }
      },
    });
    expect(firedAt).toBeGreaterThan(0);
    expect(release.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(release.outputs.reason).toMatch(/alarm api-5xx: ALARM since .*: set to ALARM by the test/);
    expect(await forwardsTo(f)).toBe('blue');
  });

  it('refuses before traffic moves when the alarm is already in ALARM, or does not exist', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'ALARM');
    const refused = await run(f, { 'health-checks': check('api-5xx') });
    expect(refused.outputs.result).toBe('aborted');
    expect(refused.outputs.reason).toMatch(/Invalid input; nothing was touched\. Input 'health-checks': CloudWatch alarm "api-5xx" is already in ALARM .*already-in-alarm: ignore/);
    expect(await forwardsTo(f)).toBe('blue');
    const missing = await run(f, { 'health-checks': check('no-such-alarm') });
    expect(missing.outputs.reason).toMatch(/CloudWatch alarm "no-such-alarm" does not exist in us-east-1/);
    expect(await forwardsTo(f)).toBe('blue');
  });

  it('with already-in-alarm: ignore, an alarm that was in ALARM before the flip does not block it', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'ALARM');
    const release = await run(f, { 'health-checks': check('api-5xx', '\n  already-in-alarm: ignore') });
    expect(release.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
  });

  it('a window in which the alarm never had data fails (on-no-data: wait)', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'INSUFFICIENT_DATA');
    const release = await run(f, { 'health-checks': check('api-5xx') });
    expect(release.outputs.result).toBe('rolled-back');
    expect(await forwardsTo(f)).toBe('blue');
  });

  it('names cloudwatch:DescribeAlarms when the policy lacks it; the shipped policy is enough', async () => {
    const f = await albFixture(moto);
    await alarm('api-5xx', 'OK');
    const policy = JSON.parse(readFileSync(join(ROOT, 'aws/iam-policy.json'), 'utf8'));
    const without = { ...policy, Statement: policy.Statement.filter((s: { Sid: string }) => s.Sid !== 'CloudWatchAlarmHealthChecks') };
    const { admin, deployer } = await enforceIam(moto, without);
    const refused = await run(f, { 'health-checks': check('api-5xx') }, { env: deployer });
    expect(refused.outputs.result).toBe('aborted');
    expect(refused.outputs.reason).toMatch(/cannot read CloudWatch alarm "api-5xx": the credentials may not call cloudwatch:DescribeAlarms/);
    expect(await forwardsTo(f, moto.elb(admin))).toBe('blue');
    await moto.reset();
    const g = await albFixture(moto);
    await alarm('api-5xx', 'OK');
    // moto judges CloudWatch calls by the endpoint's prefix (monitoring:DescribeAlarms) where AWS uses
    // cloudwatch:DescribeAlarms, the action the shipped policy grants: grant moto's name beside it.
    const statement = policy.Statement.find((s: { Sid: string }) => s.Sid === 'CloudWatchAlarmHealthChecks');
    expect(statement.Action).toEqual(['cloudwatch:DescribeAlarms']);
    statement.Action.push('monitoring:DescribeAlarms');
    const allowed = await enforceIam(moto, policy);
    const release = await run(g, { 'health-checks': check('api-5xx') }, { env: allowed.deployer });
    expect(release.outputs, release.outputs.reason).toMatchObject({ result: 'promoted', 'active-color': 'green' });
  });
});
