// Target health before a flip: which states end the wait at once, which are waited for (and said).
import { DescribeTargetHealthCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { TargetHealthSource, waitHealthy } from '../../src/routers/aws-alb/targets.js';
import { mockedElb } from '../../test-support/elb-mock.js';
import { FakeClock, RecordingLog } from '../../test-support/fakes.js';

const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-green/83e2d6bc24d8a067';
const TEN_MINUTES = 600_000;

const target = (Id: string, State?: string, Reason?: string, Description?: string): TargetHealthDescription =>
  ({ Target: { Id, Port: 80 }, TargetHealth: { State, Reason, Description } }) as TargetHealthDescription;
const healthy = (Id: string) => target(Id, 'healthy');

const mocked = mockedElb();
const { elb } = mocked;
/** Each look answers the next picture; the last one repeats. */
function looks(...pictures: TargetHealthDescription[][]) {
  let next = mocked.mock.on(DescribeTargetHealthCommand);
  for (const targets of pictures.slice(0, -1)) next = next.resolvesOnce({ TargetHealthDescriptions: targets });
  next.resolves({ TargetHealthDescriptions: pictures.at(-1) });
}
const calls = () => mocked.mock.commandCalls(DescribeTargetHealthCommand).length;

describe('target health: what no wait can change ends the wait at once', () => {
  it.each([
    ['unused', 'Target.InvalidState', 'Target is in the stopped state', 'the instance is stopped or terminated: start it, or deregister it'],
    ['unused', 'Target.NotRegistered', 'Target is not registered to the target group', 'not registered with the group: register it'],
    ['unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer', 'no listener or rule forwards to the group, so the load balancer does not health-check it'],
    ['unused', 'Target.IpUnusable', 'Target IP is in use by a load balancer', 'reserved for a load balancer'],
    ['unavailable', 'Target.HealthCheckDisabled', 'Health checks are disabled', 'health checks are disabled for the group'],
  ])('%s (%s): aborts after one look, listing the targets with state, reason and description, and what to do', async (state, reason, description, advice) => {
    looks([healthy('i-1'), target('i-2', state, reason, description), target('i-3', 'initial', 'Elb.RegistrationInProgress', 'Target registration is in progress')]);
    const clock = new FakeClock();
    const started = clock.now();
    const error = await waitHealthy(elb(), GREEN, 'green', TEN_MINUTES, clock, undefined, new RecordingLog()).catch((e: Error) => e.message);
    // The stuck target comes first, then the one still on its way; then what to do about the stuck one.
    expect(error).toContain(
      `green's target group ${GREEN} cannot turn healthy by waiting: 1/3 targets healthy; i-2:80 ${state} (${reason}: ${description}); i-3:80 initial (Elb.RegistrationInProgress: Target registration is in progress). ${reason}: `,
    );
    expect(error).toContain(advice);
    expect(calls()).toBe(1);
    expect(clock.now()).toBe(started);
  });

  it('says what to do once per reason, however many targets share it', async () => {
    looks([target('i-1', 'unused', 'Target.InvalidState'), target('i-2', 'unused', 'Target.InvalidState'), target('10.0.1.7', 'unused', 'Target.NotInUse')]);
    await expect(waitHealthy(elb(), GREEN, 'green', TEN_MINUTES, new FakeClock())).rejects.toThrow(
      /: 0\/3 targets healthy; i-1:80 unused \(Target.InvalidState\); i-2:80 unused \(Target.InvalidState\); 10.0.1.7:80 unused \(Target.NotInUse\)\. Target.InvalidState: the instance is stopped or terminated: start it, or deregister it\. Target.NotInUse: no listener or rule forwards to the group, .* does not enable$/,
    );
  });

  it('a group without any registered target aborts at once, saying waiting registers none', async () => {
    looks([]);
    await expect(waitHealthy(elb(), GREEN, 'green', TEN_MINUTES, new FakeClock())).rejects.toThrow(`green's target group ${GREEN} has no registered target, and waiting registers none: register the color's targets`);
    expect(calls()).toBe(1);
  });
});

describe('target health: what can still turn healthy is waited for, saying each new picture', () => {
  it.each([
    ['initial', 'Elb.RegistrationInProgress'],
    ['initial', 'Elb.InitialHealthChecking'],
    ['unhealthy', 'Target.ResponseCodeMismatch'],
    ['unhealthy', 'Target.Timeout'],
    ['unhealthy', 'Target.FailedHealthChecks'],
    ['unhealthy', 'Elb.InternalError'],
    ['unavailable', 'Elb.InternalError'],
    ['draining', 'Target.DeregistrationInProgress'],
    ['unhealthy.draining', undefined],
    ['a-state-added-later', 'Elb.SomethingNew'],
  ])('%s (%s) is waited for until healthy; an unchanged picture is said once', async (state, reason) => {
    looks([healthy('i-1'), target('i-2', state, reason)], [healthy('i-1'), target('i-2', state, reason)], [healthy('i-1'), healthy('i-2')]);
    const log = new RecordingLog();
    const clock = new FakeClock();
    const started = clock.now();
    await expect(waitHealthy(elb(), GREEN, 'green', TEN_MINUTES, clock, undefined, log)).resolves.toBe(2);
    expect(log.lines).toEqual([`info: green: 1/2 targets healthy; i-2:80 ${state}${reason ? ` (${reason})` : ''}`, 'info: green: 2/2 targets healthy']);
    expect(calls()).toBe(3);
    expect(clock.now() - started).toBe(4_000);
  });

  it('says the picture again each time it changes, and gives up at ready-timeout with the last one', async () => {
    looks(
      [target('i-1', 'initial', 'Elb.RegistrationInProgress'), target('i-2', 'initial', 'Elb.RegistrationInProgress')],
      [target('i-1', 'unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [503]'), target('i-2', 'initial', 'Elb.InitialHealthChecking')],
      [healthy('i-1'), target('i-2', 'unhealthy', 'Target.Timeout', 'Request timed out')],
    );
    const log = new RecordingLog();
    const clock = new FakeClock();
    await expect(waitHealthy(elb(), GREEN, 'green', 10_000, clock, undefined, log)).rejects.toThrow(
      `green's target group ${GREEN} is not ready after ready-timeout (10s): 1/2 targets healthy; i-2:80 unhealthy (Target.Timeout: Request timed out)`,
    );
    expect(log.lines).toEqual([
      'info: green: 0/2 targets healthy; i-1:80 initial (Elb.RegistrationInProgress); i-2:80 initial (Elb.RegistrationInProgress)',
      'info: green: 0/2 targets healthy; i-1:80 unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [503]); i-2:80 initial (Elb.InitialHealthChecking)',
      'info: green: 1/2 targets healthy; i-2:80 unhealthy (Target.Timeout: Request timed out)',
    ]);
    // A look every two seconds, the last one at the deadline.
    expect(calls()).toBe(6);
  });

  it('a timeout of 0 (traffic returning to the color that served) is one look, waiting for nothing', async () => {
    looks([target('i-1', 'draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress')]);
    const log = new RecordingLog();
    const clock = new FakeClock();
    const started = clock.now();
    await expect(waitHealthy(elb(), GREEN, 'blue', 0, clock, undefined, log)).rejects.toThrow(
      `blue's target group ${GREEN} is not ready: 0/1 targets healthy; i-1:80 draining (Target.DeregistrationInProgress: Target deregistration is in progress)`,
    );
    expect(calls()).toBe(1);
    expect(clock.now()).toBe(started);
    expect(log.lines).toEqual([]);
  });

  it('a group already healthy is ready at the first look, with nothing said', async () => {
    looks([healthy('i-1'), healthy('i-2')]);
    const log = new RecordingLog();
    await expect(waitHealthy(elb(), GREEN, 'green', TEN_MINUTES, new FakeClock(), undefined, log)).resolves.toBe(2);
    expect(log.lines).toEqual([]);
  });

  it('names at most ten targets in a line; the counts cover the rest', async () => {
    looks(Array.from({ length: 13 }, (_, i) => target(`10.0.1.${i}`, 'initial', 'Elb.InitialHealthChecking')));
    await expect(waitHealthy(elb(), GREEN, 'green', 0, new FakeClock())).rejects.toThrow(/: 0\/13 targets healthy; (10\.0\.1\.\d+:80 initial \(Elb\.InitialHealthChecking\); ){10}and 3 more not healthy$/);
  });
});

describe('target health during the window', () => {
  it('fails a sample with the same picture as soon as one target is not healthy', async () => {
    looks([healthy('i-1'), healthy('i-2')], [healthy('i-1'), target('i-2', 'unused', 'Target.InvalidState', 'Target is in the stopped state')], []);
    const source = new TargetHealthSource(elb(), GREEN, 'green');
    expect(source.name).toBe('target health of green (targetgroup/app-green/83e2d6bc24d8a067)');
    expect(await source.sample()).toEqual({ status: 'pass', detail: '2 healthy target(s)' });
    expect(await source.sample()).toEqual({ status: 'fail', detail: '1/2 targets healthy; i-2:80 unused (Target.InvalidState: Target is in the stopped state)' });
    expect(await source.sample()).toEqual({ status: 'fail', detail: 'no registered target' });
  });
});
