import { Readable } from 'node:stream';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyListenerCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forwardTargets, routeOf, withWeights } from '../../src/routers/aws-alb/actions.js';
import { parseArn } from '../../src/routers/aws-alb/arn.js';
import { Elb, fromTagValue, MAX_ATTEMPTS, newClient, toTagValue } from '../../src/routers/aws-alb/client.js';
import { LEASE_MS, LOCK_PRIORITY, takeLockRule } from '../../src/routers/aws-alb/lock.js';
import { fingerprint, shapeDifference } from '../../src/routers/aws-alb/snapshot.js';
import { mockedElb } from '../../test-support/elb-mock.js';
import { FakeClock, RecordingLog } from '../../test-support/fakes.js';

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${ARN}:targetgroup/app-blue/73e2d6bc24d8a067`;
const GREEN = `${ARN}:targetgroup/app-green/83e2d6bc24d8a067`;
const LISTENER = `${ARN}:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const groups = { blue: BLUE, green: GREEN };

describe('forward actions: read in colors, rewritten keeping everything else and the shape', () => {
  const auth: Action = { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: { Issuer: 'https://idp', AuthorizationEndpoint: 'https://idp/a', TokenEndpoint: 'https://idp/t', UserInfoEndpoint: 'https://idp/u', ClientId: 'c' } };

  it('a plain forward to one group ends a plain forward to the other; other actions and their order stay', () => {
    const actions: Action[] = [auth, { Type: 'forward', Order: 2, TargetGroupArn: BLUE }];
    expect(routeOf(actions, groups, 'listener')).toEqual({ active: 'blue' });
    const template = actions[1];
    expect(withWeights(actions, template, GREEN, BLUE, 100)).toEqual([auth, { Type: 'forward', Order: 2, TargetGroupArn: GREEN }]);
  });

  it('the form AWS describes (TargetGroupArn beside a one-entry ForwardConfig) keeps both, pointed at the other group', () => {
    const forward: Action = { Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } };
    expect(withWeights([forward], forward, GREEN, BLUE, 100)).toEqual([
      { Type: 'forward', TargetGroupArn: GREEN, ForwardConfig: { TargetGroups: [{ TargetGroupArn: GREEN, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } },
    ]);
  });

  it('a forward naming both groups (100/0) ends naming both (0/100), order and stickiness kept', () => {
    const forward: Action = { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: GREEN, Weight: 0 }, { TargetGroupArn: BLUE, Weight: 100 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } };
    expect(routeOf([forward], groups, 'listener')).toEqual({ active: 'blue' });
    const [after] = withWeights([forward], forward, GREEN, BLUE, 100);
    expect(after.ForwardConfig).toEqual({ TargetGroups: [{ TargetGroupArn: GREEN, Weight: 100 }, { TargetGroupArn: BLUE, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } });
  });

  it('steps a single-group forward through a split (no TargetGroupArn beside two groups), then ends single', () => {
    const template: Action = { Type: 'forward', TargetGroupArn: BLUE };
    const split = withWeights([template], template, GREEN, BLUE, 25);
    expect(split).toEqual([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 75 }, { TargetGroupArn: GREEN, Weight: 25 }] } }]);
    expect(routeOf(split, groups, 'listener')).toEqual({ active: 'blue', weights: { blue: 75, green: 25 } });
    expect(withWeights(split, template, GREEN, BLUE, 100)).toEqual([{ Type: 'forward', TargetGroupArn: GREEN }]);
    // A rollback from the split returns to the single form too.
    expect(withWeights(split, template, BLUE, GREEN, 100)).toEqual([{ Type: 'forward', TargetGroupArn: BLUE }]);
  });

  it('refuses a forward to a group that is not one of the colors, and a list without a forward action', () => {
    const other = `${ARN}:targetgroup/legacy/93e2d6bc24d8a067`;
    expect(() => routeOf([{ Type: 'forward', TargetGroupArn: other }], groups, 'listener L')).toThrow(/listener L forwards to target group .*legacy.*, which is not one of target-groups/);
    expect(() => routeOf([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }], groups, 'rule R')).toThrow(/rule R has no forward action \(its actions: fixed-response\)/);
    expect(forwardTargets({ Type: 'forward' })).toEqual([]);
  });
});

describe('ARNs', () => {
  it('finds the load balancer of a listener and the listener of a rule', () => {
    expect(parseArn('listener', LISTENER)).toMatchObject({ region: 'us-east-1', account: '123456789012', loadBalancer: `${ARN}:loadbalancer/app/my-lb/50dc6c495c0c9188`, listener: LISTENER });
    expect(parseArn('rule', `${ARN}:listener-rule/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`)?.listener).toBe(LISTENER);
    expect(parseArn('targetGroup', BLUE)).toMatchObject({ name: 'app-blue' });
    expect(parseArn('targetGroup', 'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/x/73e2d6bc24d8a067')?.region).toBe('cn-north-1');
  });
  it.each([
    ['listener', `${ARN}:listener/net/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2`],
    ['listener', `${ARN}:listener/app/my-lb/50dc6c495c0c9188`],
    ['listener', `arn:aws:elasticloadbalancing:us-east-1:1234:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2`],
    ['listener', `${LISTENER} `],
    ['targetGroup', `${ARN}:targetgroup/-bad/73e2d6bc24d8a067`],
    ['rule', LISTENER],
  ] as const)('refuses a %s ARN %j', (kind, text) => {
    expect(parseArn(kind, text)).toBeUndefined();
  });
});

describe('tag values', () => {
  it('round-trip any text through the characters AWS allows in a tag value', () => {
    for (const text of ['v2+build.7', 'run 1 attempt 1, job deploy, matrix index 0', 'ünï {json: "x"} =3D']) {
      const value = toTagValue(text);
      expect(value).toMatch(/^[\w .:/=+\-@]*$/);
      expect(fromTagValue(value)).toBe(text);
    }
    expect(toTagValue('v1.2.3')).toBe('v1.2.3');
  });
});

/** An HTTP handler for the SDK that answers from a script: the SDK's own retry strategy runs in full. */
function scripted(answers: { status: number; body: string }[]) {
  const seen: string[] = [];
  return {
    seen,
    handler: {
      async handle(request: { body?: string }) {
        seen.push(String(request.body));
        const next = answers.shift() ?? { status: 500, body: '' };
        return { response: { statusCode: next.status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(next.body)]) } };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

const error = (code: string, message: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const listener = `<DescribeListenersResponse><DescribeListenersResult><Listeners><member><ListenerArn>${LISTENER}</ListenerArn><DefaultActions><member><Type>forward</Type><TargetGroupArn>${BLUE}</TargetGroupArn></member></DefaultActions></member></Listeners></DescribeListenersResult></DescribeListenersResponse>`;

describe('the SDK client: its own retry strategy, errors in IAM terms', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_ENDPOINT_URL', '');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('retries throttling and a 5xx with the SDK strategy, and counts one call', async () => {
    const { seen, handler } = scripted([
      { status: 400, body: error('Throttling', 'Rate exceeded') },
      { status: 503, body: error('ServiceUnavailable', 'try again') },
      { status: 200, body: listener },
    ]);
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: handler as never }));
    const found = await elb.listener(LISTENER);
    expect(found?.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: BLUE }]);
    expect(seen).toHaveLength(3);
    expect(elb.calls).toEqual(['DescribeListeners']);
  }, 15_000);

  it('gives up after MAX_ATTEMPTS attempts, naming the call', async () => {
    const { seen, handler } = scripted(Array.from({ length: MAX_ATTEMPTS + 1 }, () => ({ status: 500, body: error('InternalFailure', 'boom') })));
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: handler as never }));
    await expect(elb.listener(LISTENER)).rejects.toThrow(/DescribeListeners on .* failed: InternalFailure: boom/);
    expect(seen).toHaveLength(MAX_ATTEMPTS);
  }, 30_000);

  it('does not retry AccessDenied, and names the IAM action to grant', async () => {
    const { seen, handler } = scripted([{ status: 403, body: error('AccessDenied', 'User: arn:aws:iam::123456789012:user/ci is not authorized') }]);
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: handler as never }));
    await expect(elb.modifyListener(LISTENER, [{ Type: 'forward', TargetGroupArn: GREEN }])).rejects.toThrow(
      /may not call elasticloadbalancing:ModifyListener on arn:\S+listener\/app\/my-lb\S+ \(AccessDenied\): add "elasticloadbalancing:ModifyListener" to the policy/,
    );
    expect(seen).toHaveLength(1);
  });

  it('stops a call at once when the run is cancelled', async () => {
    const { handler } = scripted([{ status: 200, body: listener }]);
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: handler as never }));
    const cancelled = new AbortController();
    cancelled.abort(new Error('received SIGINT'));
    await expect(elb.listener(LISTENER, cancelled.signal)).rejects.toThrow('received SIGINT');
    expect(elb.calls).toEqual([]);
  });
});

describe('the lock rule', () => {
  const mocked = mockedElb();
  const { elb } = mocked;
  const inUse = Object.assign(new Error('The specified priority is in use.'), { name: 'PriorityInUseException', $metadata: { httpStatusCode: 400 } });
  const lockRule = (holder: string, renewed: () => string = () => '3') => {
    mocked.mock.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: `${LISTENER}-rule/lock`, Priority: String(LOCK_PRIORITY) }] });
    mocked.mock.on(DescribeTagsCommand).callsFake(() => ({ TagDescriptions: [{ Tags: [{ Key: 'blue-green-action:lock-holder', Value: toTagValue(holder) }, { Key: 'blue-green-action:lock-renewed', Value: renewed() }] }] }));
  };

  it('creates the rule at the reserved priority with holder and renewal tags, and deletes it on release', async () => {
    mocked.mock.on(CreateRuleCommand).resolves({ Rules: [{ RuleArn: 'mine' }] });
    const clock = new FakeClock();
    const held = await takeLockRule(elb(), LISTENER, 'run 7, job deploy', 60_000, clock, new RecordingLog());
    const create = mocked.mock.commandCalls(CreateRuleCommand)[0].args[0].input;
    expect(create.Priority).toBe(LOCK_PRIORITY);
    expect(create.Tags).toEqual([
      { Key: 'blue-green-action:lock-holder', Value: 'run 7=2C job deploy' },
      { Key: 'blue-green-action:lock-renewed', Value: '0' },
    ]);
    expect(await held.lost()).toBeUndefined();
    await held.release();
    expect(mocked.mock.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input.RuleArn)).toEqual(['mine']);
  });

  it('waits for a lock whose renewals keep changing it, until lock-timeout, naming the holder, and changes nothing', async () => {
    mocked.mock.on(CreateRuleCommand).rejects(inUse);
    const clock = new FakeClock();
    // The holder renews: every look sees another count, so it is never judged gone, however long it lasts.
    let n = 0;
    lockRule('run 1, job other', () => String(++n));
    const log = new RecordingLog();
    await expect(takeLockRule(elb(), LISTENER, 'me', 120_000, clock, log)).rejects.toThrow(/another run holds the lock rule on listener .* \(run 1, job other, .*\); waited lock-timeout/);
    expect(log.lines.filter((line) => line.includes('Waiting for the lock rule'))).toHaveLength(1);
    expect(mocked.mock.commandCalls(DeleteRuleCommand)).toEqual([]);
  });

  it('takes over a lock seen unchanged for a whole lease by its own clock, deleting that rule by its ARN, then creating its own', async () => {
    const clock = new FakeClock();
    // The holder's own timestamps play no part: only what this waiter saw, and for how long.
    mocked.mock.on(CreateRuleCommand).rejects(inUse);
    lockRule('run 1, job dead');
    mocked.mock.on(DeleteRuleCommand).callsFake(() => {
      mocked.mock.on(CreateRuleCommand).resolves({ Rules: [{ RuleArn: 'mine' }] });
      return {};
    });
    const started = clock.monotonic();
    const log = new RecordingLog();
    await takeLockRule(elb(), LISTENER, 'me', 120_000, clock, log);
    expect(clock.monotonic() - started).toBeGreaterThanOrEqual(LEASE_MS);
    expect(clock.monotonic() - started).toBeLessThan(LEASE_MS + 5_000);
    expect(log.lines.join('\n')).toMatch(/Taking over the lock rule on listener .* from run 1, job dead: it was not renewed for 30 s \(as seen from this runner\)/);
    expect(mocked.mock.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input.RuleArn)).toEqual([`${LISTENER}-rule/lock`]);
  });

  it('refuses a rule of someone else at the reserved priority', async () => {
    mocked.mock.on(CreateRuleCommand).rejects(inUse);
    mocked.mock.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: 'theirs', Priority: String(LOCK_PRIORITY) }] });
    mocked.mock.on(DescribeTagsCommand).resolves({ TagDescriptions: [{ Tags: [{ Key: 'team', Value: 'web' }] }] });
    await expect(takeLockRule(elb(), LISTENER, 'me', 60_000, new FakeClock(), new RecordingLog())).rejects.toThrow(/holds a rule that is not this action's lock \(theirs\)/);
  });

  it('an AccessDenied from a mocked client is not retried and names the action', async () => {
    mocked.mock.on(ModifyListenerCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await expect(elb().modifyListener(LISTENER, [])).rejects.toThrow(/elasticloadbalancing:ModifyListener/);
    expect(mocked.mock.commandCalls(ModifyListenerCommand)).toHaveLength(1);
  });
});

describe('the read-back compares everything but the forward targets', () => {
  const oidc = { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: { Issuer: 'https://idp.example', ClientId: 'app' } } as unknown as Action;
  const forward = (arn: string, order = 1) =>
    ({ Type: 'forward', Order: order, TargetGroupArn: arn, ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }) as Action & { ForwardConfig: { TargetGroupStickinessConfig: unknown } };
  it('a flip (targets and weights) is no difference, whatever form the forward action takes', () => {
    expect(shapeDifference({ actions: [forward(BLUE)] }, { actions: [forward(GREEN)] })).toBeUndefined();
    const split = { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 90 }, { TargetGroupArn: GREEN, Weight: 10 }] } } as Action;
    expect(shapeDifference({ actions: [{ Type: 'forward', Order: 1, TargetGroupArn: BLUE } as Action] }, { actions: [split] })).toBeUndefined();
  });
  it('an action added, a forward setting changed, or a rule moved is someone else\'s change, and says which', () => {
    expect(shapeDifference({ actions: [forward(BLUE)] }, { actions: [oidc, forward(GREEN, 2)] })).toBe('its actions were [forward] and are [authenticate-oidc, forward]');
    const sticky = forward(GREEN);
    sticky.ForwardConfig.TargetGroupStickinessConfig = { Enabled: true, DurationSeconds: 300 } as never;
    expect(shapeDifference({ actions: [forward(BLUE)] }, { actions: [sticky] })).toMatch(/^the settings of its forward action\(s\) changed/);
    expect(shapeDifference({ actions: [forward(BLUE)], conditions: [], priority: '10' }, { actions: [forward(GREEN)], conditions: [], priority: '12' })).toBe('its priority was 10 and is 12');
  });
  it('the revision fingerprints the whole list, in any key order', () => {
    const a = fingerprint({ actions: [forward(BLUE)] });
    expect(fingerprint({ actions: [{ ...forward(BLUE) }].map((x) => Object.fromEntries(Object.entries(x).reverse())) as never })).toBe(a);
    expect(fingerprint({ actions: [forward(GREEN)] })).not.toBe(a);
    expect(fingerprint({ actions: [oidc, forward(BLUE, 2)] })).not.toBe(a);
  });
});
