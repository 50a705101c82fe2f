import { CloudWatchClient, DescribeAlarmsCommand, type DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmHealthSource, describeError } from '../../src/health/cloudwatch-alarm/source.js';
import type { AlarmCheck } from '../../src/health/cloudwatch-alarm/module.js';
import { checksOf } from '../../src/health/index.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import { inputs } from '../../test-support/fakes.js';

const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => cloudwatch.reset());

const check = (over: Partial<AlarmCheck> = {}): AlarmCheck => ({ name: 'alarm api-5xx', alarm: 'api-5xx', onNoData: 'wait', alreadyInAlarm: 'refuse', ...over });
const source = (over: Partial<AlarmCheck> = {}) => new AlarmHealthSource(check(over), new CloudWatchClient({ region: 'us-east-1' }), 'us-east-1');
const alarm = (StateValue: string, at = '2026-11-23T10:00:00Z') =>
  ({ MetricAlarms: [{ AlarmName: 'api-5xx', StateValue, StateReason: `reason for ${StateValue}`, StateUpdatedTimestamp: new Date(at) }] }) as unknown as DescribeAlarmsCommandOutput;

describe('cloudwatch-alarm health checks', () => {
  it('reads OK as pass, ALARM as fail, INSUFFICIENT_DATA by on-no-data', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolvesOnce(alarm('OK')).resolvesOnce(alarm('ALARM')).resolves(alarm('INSUFFICIENT_DATA'));
    const s = source();
    expect(await s.sample()).toMatchObject({ status: 'pass', value: 0 });
    expect(await s.sample()).toMatchObject({ status: 'fail', value: 1, detail: 'ALARM since 2026-11-23T10:00:00.000Z: reason for ALARM' });
    expect(await s.sample()).toMatchObject({ status: 'no-data' });
    expect(s.requiresData).toBe(true);
    expect(await source({ onNoData: 'fail' }).sample()).toMatchObject({ status: 'fail' });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNames: ['api-5xx'] });
  });

  it('refuses at validation an alarm that does not exist, or is already in ALARM (the default policy)', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    expect(await source().validate()).toBe(`Input 'health-checks': CloudWatch alarm "api-5xx" does not exist in us-east-1.`);
    cloudwatch.on(DescribeAlarmsCommand).resolves(alarm('ALARM'));
    expect(await source().validate()).toMatch(/is already in ALARM \(since 2026-11-23T10:00:00.000Z: reason for ALARM\) before traffic moved\. .*already-in-alarm: ignore/);
    expect(await source({ alreadyInAlarm: 'ignore' }).validate()).toBeUndefined();
  });

  it('with already-in-alarm: ignore, judges only an ALARM entered after the flip', async () => {
    const s = source({ alreadyInAlarm: 'ignore' });
    s.trafficMoved(Date.parse('2026-11-23T11:00:00Z'));
    cloudwatch.on(DescribeAlarmsCommand).resolvesOnce(alarm('ALARM', '2026-11-23T10:00:00Z')).resolves(alarm('ALARM', '2026-11-23T11:00:05Z'));
    expect(await s.sample()).toMatchObject({ status: 'pass' });
    expect(await s.sample()).toMatchObject({ status: 'fail' });
  });

  it('names the IAM action when access is denied', async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudwatch:DescribeAlarms'), { name: 'AccessDenied' });
    cloudwatch.on(DescribeAlarmsCommand).rejects(denied);
    expect(await source().validate()).toMatch(/cannot read CloudWatch alarm "api-5xx": the credentials may not call cloudwatch:DescribeAlarms \(AccessDenied: User: .* is not authorized/);
    expect(describeError(new Error('boom'))).toBe('boom');
  });

  it('is parsed from health-checks, needs an alarm name and a region', () => {
    const base = { router: 'nginx', 'nginx-conf': '/etc/nginx/live.conf', version: 'v2' };
    const s = readSettings(inputs({ ...base, 'aws-region': 'eu-west-1', 'health-checks': '- type: cloudwatch-alarm\n  alarm: api-5xx\n  already-in-alarm: ignore' }));
    expect(checksOf(s.health.checks, 'cloudwatch-alarm')).toEqual([{ name: 'alarm api-5xx', alarm: 'api-5xx', onNoData: 'wait', alreadyInAlarm: 'ignore' }]);
    const problems = (given: Record<string, string>) => {
      try {
        readSettings(inputs({ ...base, ...given }));
        return [];
      } catch (error) {
        return (error as SettingsError).problems;
      }
    };
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(problems({ 'health-checks': '- type: cloudwatch-alarm\n  alarm: x' })).toEqual([
        "Input 'aws-region': is required by the cloudwatch-alarm health checks (or set AWS_REGION): the region of the alarms.",
      ]);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
    expect(problems({ 'aws-region': 'us-east-1', 'health-checks': '- type: cloudwatch-alarm\n  alarm: x\n  already-in-alarm: maybe' }).join()).toMatch(
      /Input 'health-checks\[0\].already-in-alarm': got "maybe"; expected refuse, ignore/,
    );
    expect(problems({ 'aws-region': 'us-east-1', 'health-checks': '- type: cloudwatch-alarm\n  name: errors' }).join()).toMatch(/needs `alarm`/);
  });
});
