// The aws-alb router through the bundled action, against moto in server mode (ELBv2, EC2, IAM) on
// 127.0.0.1: listener and rule flips, weighted steps, the test listener, target health during the window,
// the lock rule. What refuses a release before traffic moves is in aws-alb-readiness.test.ts.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignLock, keepRenewing, watchFor } from '../../test-support/alb-fence.mjs';
import { albFixture, enforceIam, listenerActions, listenerRules, ruleActions, setAttribute, startMoto, stopInstance } from '../../test-support/moto.mjs';
import { moduleLog, commandRouterRun } from '../../test-support/chunks.mjs';
import { useMoto } from '../../test-support/moto-hooks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Fixture = Awaited<ReturnType<typeof albFixture>>;

const moto: Moto = useMoto();
/** The app's health and smoke endpoints: moto's instances serve nothing, so answers come from here. */
let server: Server;
let base: string;
const answers: Record<string, number> = { '/ok': 200, '/broken': 500, '/v1': 200 };

beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(answers[req.url ?? ''] ?? 404, { 'x-version': 'v1' }).end('answer'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

const LOCK_PRIORITY = '50000';

function inputs(f: Fixture, extra: Record<string, string> = {}): Record<string, string> {
  return {
    router: 'aws-alb',
    'listener-arn': f.listener,
    'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}`,
    'health-urls': `${base}/ok`,
    'health-interval': '200ms',
    'health-window': '1s',
    'ready-timeout': '5s',
    ...extra,
  };
}

interface RunOptions {
  env?: Record<string, string>;
  onOutput?: (chunk: string, child: { kill(signal: string): void }) => void;
}

function run(f: Fixture, extra: Record<string, string> = {}, options: RunOptions = {}) {
  return runAction(inputs(f, extra), { ...options, env: { ...moto.env(), ...options.env } });
}

type Actions = Awaited<ReturnType<typeof listenerActions>>;
/** The forward action's groups as [color, weight] pairs, or the plain TargetGroupArn's color. */
function forwards(f: Fixture, actions: Actions): unknown {
  const color = (arn?: string) => Object.entries(f.groups).find(([, a]) => a === arn)?.[0] ?? arn;
  const forward = actions.find((a) => a.Type === 'forward')!;
  if (forward.ForwardConfig?.TargetGroups?.length) return forward.ForwardConfig.TargetGroups.map((g) => [color(g.TargetGroupArn), g.Weight]);
  return color(forward.TargetGroupArn);
}

async function live(f: Fixture, elb = f.elb): Promise<unknown> {
  return forwards(f, await listenerActions(elb, f.listener));
}

async function lockRules(f: Fixture, elb = f.elb) {
  return (await listenerRules(elb, f.listener)).filter((r) => r.Priority === LOCK_PRIORITY);
}

describe('aws-alb router', () => {
  it('flips the listener to the other single target group, says how long the old one drains, and releases the lock rule', async () => {
    const f = await albFixture(moto);
    const release = await run(f, { version: 'v2' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    // The shape is kept: a plain forward to one group stays a plain forward to one group.
    expect(await listenerActions(f.elb, f.listener)).toEqual([{ Type: 'forward', TargetGroupArn: f.groups.green }]);
    const summary = release.summary();
    expect(summary).toMatch(/### blue after the flip\n\n- \*\*Draining:\*\* blue's target group \(app-blue\/\w+\) may finish in-flight requests for up to its deregistration delay of 300 s: blue is idle from \d{4}-/);
    // A plain forward to green no longer names blue: no session can stay there.
    expect(summary).not.toContain('**Sessions:**');
    expect(release.report().drain).toMatchObject({ color: 'blue', seconds: 300 });
    expect(summary).toMatch(/Flip to green: \d+ ELBv2 API call\(s\) \(.*ModifyListener.*\)/);
    expect(release.report().samples.some((s: { source: string; status: string }) => s.source.startsWith('target health of green') && s.status === 'pass')).toBe(true);
    expect(await lockRules(f)).toEqual([]);
  });

  it('shifts a weighted forward in steps, keeping both groups and the stickiness it had (100/0 ends 0/100)', async () => {
    const f = await albFixture(moto, { forward: 'both' });
    const release = await run(f, { 'traffic-steps': '25,100', 'step-window': '600ms' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    const actions = await listenerActions(f.elb, f.listener);
    expect(forwards(f, actions)).toEqual([
      ['blue', 0],
      ['green', 100],
    ]);
    expect(actions[0].ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 300 });
    expect(release.summary()).toContain('| 25% | 600ms | ✅ passed |');
    expect(release.summary()).toMatch(/Shift to green 25%: \d+ ELBv2 API call/);
    // The forward keeps naming blue at weight 0 with group stickiness: bound clients stay on blue.
    expect(release.summary()).toMatch(
      /- \*\*Sessions:\*\* aws-alb listener \S+ keeps target group stickiness \(300 s\) and still names blue's group \(weight 0\): clients bound to blue before the flip stay on blue until their stickiness expires, by \d{4}-/,
    );
  });

  it('warms green, then refuses it when it answers the old version: the listener untouched', async () => {
    const f = await albFixture(moto);
    const release = await run(f, { version: 'v2', 'warmup-urls': `${base}/ok 3`, 'smoke-urls': `${base}/v1`, 'expect-version': 'header:x-version', 'smoke-retries': '1' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'aborted', 'active-color': 'blue' });
    expect(release.report().warmup).toMatchObject([{ requests: 3, ok: true }]);
    expect(release.outputs.reason).toMatch(/^Smoke test failed on green: .*: 200, but it answers version "v1" \(header x-version\), not "v2"/);
    expect(await live(f)).toBe('blue');
  });

  it('steps a single-group forward through a weighted split and ends on the other single group; warns when sessions would bounce', async () => {
    const f = await albFixture(moto);
    await setAttribute(f.elb, f.groups.blue, 'stickiness.enabled', 'true');
    const release = await run(f, { 'traffic-steps': '50,100', 'step-window': '400ms' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(await listenerActions(f.elb, f.listener)).toEqual([{ Type: 'forward', TargetGroupArn: f.groups.green }]);
    expect(release.stdout).toMatch(/::warning title=Stickiness::blue's target group keeps sessions .* target group stickiness off: during traffic steps a client bounces between colors/);
  });

  it('flips a rule instead of the listener default action', async () => {
    const f = await albFixture(moto);
    const { 'listener-arn': _, ...rest } = inputs(f, { 'rule-arn': f.rule });
    const release = await runAction(rest, { env: moto.env() });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(forwards(f, await ruleActions(f.elb, f.rule))).toBe('green');
    expect(await live(f)).toBe('blue');
    // The lock rule sat on the rule's listener, and is gone.
    expect(await lockRules(f)).toEqual([]);
  });

  it('points the test listener at the idle color before smoke tests; a failing smoke test leaves live traffic alone', async () => {
    const f = await albFixture(moto);
    const release = await run(f, { 'test-listener-arn': f.testListener, 'smoke-urls': `${base}/broken` });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Smoke test failed on green/);
    expect(release.stdout.indexOf(`Test listener ${f.testListener} now forwards to green`)).toBeGreaterThan(-1);
    expect(release.stdout.indexOf('Test listener')).toBeLessThan(release.stdout.indexOf('::group::smoke'));
    expect(forwards(f, await listenerActions(f.elb, f.testListener))).toBe('green');
    expect(await live(f)).toBe('blue');
  });

  it('rolls back on a failing window', async () => {
    const f = await albFixture(moto);
    const release = await run(f, { 'health-urls': `${base}/broken` });
    expect(release.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue', 'rolled-back': 'true' });
    expect(await listenerActions(f.elb, f.listener)).toEqual([{ Type: 'forward', TargetGroupArn: f.groups.blue }]);
    expect(await lockRules(f)).toEqual([]);
  });

  it('rolls back when a target of the new color turns unhealthy during the window', async () => {
    const f = await albFixture(moto);
    let stopped: Promise<void> | undefined;
    const release = await run(f, { 'health-window': '20s' }, {
      onOutput: (chunk) => {
        if (!stopped && chunk.includes('::group::watch health window')) stopped = stopInstance(moto, f.instances.green[1]);
      },
    });
    await stopped;
    expect(release.outputs, release.stdout).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(release.outputs.reason).toMatch(new RegExp(`target health of green .*1/2 targets healthy; ${f.instances.green[1]}:80 unused \\(Target.InvalidState`));
    expect(await live(f)).toBe('blue');
  });

  it('serializes two runs at once with the lock rule; the second releases from where the first left', async () => {
    const f = await albFixture(moto);
    const [a, b] = await Promise.all([run(f, { version: 'a' }), run(f, { version: 'b' })]);
    expect([a.outputs.result, b.outputs.result], a.stdout + b.stdout).toEqual(['promoted', 'promoted']);
    const [first, second] = /Waiting for the lock rule/.test(a.stdout) ? [b, a] : [a, b];
    expect(second.stdout).toMatch(new RegExp(`Waiting for the lock rule on listener ${f.listener} \\(priority 50000\\): held by local run`));
    expect(first.outputs['active-color']).toBe('green');
    expect(second.outputs['active-color']).toBe('blue');
    expect(await live(f)).toBe('blue');
    expect(await lockRules(f)).toEqual([]);
  });

  it('takes over a lock rule left unchanged for 30 s (a run that died), and gives up after lock-timeout on one that is renewed', { timeout: 120_000 }, async () => {
    const f = await albFixture(moto);
    const lock = () => foreignLock(f.elb, f.listener, 'run 1 attempt 1=2C job gone');
    await lock();
    const [waiting, taking] = [watchFor('Waiting for the lock rule'), watchFor('Taking over the lock rule')];
    const took = await run(f, {}, { onOutput: (chunk) => [waiting, taking].forEach((w) => w.onOutput(chunk)) });
    expect(took.outputs.result, took.stdout).toBe('promoted');
    expect(took.stdout).toMatch(/Waiting for the lock rule on listener \S+ \(priority 50000\): held by run 1 attempt 1, job gone\./);
    expect(took.stdout).toMatch(/Taking over the lock rule on listener \S+ from run 1 attempt 1, job gone: it was not renewed for 30 s \(as seen from this runner\)\./);
    expect((await taking.at) - (await waiting.at)).toBeGreaterThanOrEqual(29_000);
    // A holder that keeps rewriting its renewal tag is waited for, until lock-timeout.
    const stop = keepRenewing(f.elb, await lock(), 1000);
    const blocked = await run(f, { 'lock-timeout': '3s' });
    await stop();
    expect(blocked.outputs.result).toBe('aborted');
    expect(blocked.outputs.reason).toMatch(/another run holds the lock rule on listener \S+ \(run 1 attempt 1, job gone, arn:\S+\); waited lock-timeout for it\. Nothing was changed\./);
    expect(await live(f)).toBe('green');
  });

  it('promote refuses a version other than the one staged (recorded in target group tags), then promotes it', async () => {
    const f = await albFixture(moto);
    expect((await run(f, { mode: 'stage', version: 'v2+build.7' })).outputs.result).toBe('staged');
    const tags = (await f.elb.send(new DescribeTagsCommand({ ResourceArns: [f.groups.green] }))).TagDescriptions![0].Tags!;
    expect(tags.find((t: { Key?: string }) => t.Key === 'blue-green-action:staged-version')?.Value).toBe('v2+build.7');
    const wrong = await run(f, { mode: 'promote', version: 'v3' });
    expect(wrong.outputs.result).toBe('aborted');
    expect(wrong.outputs.reason).toMatch(/green holds v2\+build\.7 \(staged at .* by local run .*\), not v3/);
    expect(await live(f)).toBe('blue');
    expect((await run(f, { mode: 'promote', version: 'v2+build.7' })).outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
  });

  it('puts traffic back when cancelled mid-window', async () => {
    const f = await albFixture(moto);
    let sent = false;
    const release = await run(f, { 'health-window': '30s' }, {
      onOutput: (chunk, child) => {
        if (!sent && chunk.includes('::group::watch health window')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(release.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(await live(f)).toBe('blue');
    expect(await lockRules(f)).toEqual([]);
  });
});

describe('aws-alb rights and bad inputs', () => {
  const policy = () => JSON.parse(readFileSync(join(ROOT, 'aws/iam-policy.json'), 'utf8'));

  it('the shipped IAM policy is enough for steps, a test listener and a promote', async () => {
    const f = await albFixture(moto);
    const { admin, deployer } = await enforceIam(moto, policy());
    const release = await run(f, { 'test-listener-arn': f.testListener, 'traffic-steps': '50,100', 'step-window': '400ms' }, { env: deployer });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    const elb = moto.elb(admin);
    expect(await live(f, elb)).toBe('green');
    expect(await lockRules(f, elb)).toEqual([]);
    expect(release.stdout + release.stderr + release.summary()).not.toContain(deployer.AWS_SECRET_ACCESS_KEY);
  });

  it('a policy without elasticloadbalancing:ModifyListener fails naming it, with the listener untouched', async () => {
    const f = await albFixture(moto);
    const narrowed = policy();
    narrowed.Statement[1].Action = narrowed.Statement[1].Action.filter((a: string) => a !== 'elasticloadbalancing:ModifyListener');
    const { admin, deployer } = await enforceIam(moto, narrowed);
    const release = await run(f, {}, { env: deployer });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Could not flip aws-alb listener \S+ to green: the credentials may not call elasticloadbalancing:ModifyListener on \S+ \(AccessDenied\): add "elasticloadbalancing:ModifyListener"/);
    expect(release.outputs.reason).toMatch(/Traffic stayed on blue/);
    expect(await live(f, moto.elb(admin))).toBe('blue');
    expect(await lockRules(f, moto.elb(admin))).toEqual([]);
  });

  it('refuses a malformed ARN and a region that disagrees with the ARNs, before anything changes', async () => {
    const f = await albFixture(moto);
    const release = await run(f, { 'listener-arn': f.listener.replace('listener/app', 'listener/net'), 'aws-region': 'eu-west-1' });
    expect(release.outputs.result).toBe('aborted');
    expect(release.stdout).toMatch(/Input 'listener-arn': got "arn:aws:elasticloadbalancing:us-east-1:\S+"; expected an Application Load Balancer listener ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\//);
    expect(release.stdout).toMatch(/Input 'aws-region': is "eu-west-1", but the ARNs are in us-east-1/);
    expect(await lockRules(f)).toEqual([]);
  });

  it('names a listener that does not exist as a bad input', async () => {
    const f = await albFixture(moto);
    const missing = f.listener.replace(/[0-9a-f]{16}$/, '0123456789abcdef');
    const release = await run(f, { 'listener-arn': missing });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(new RegExp(`Input 'listener-arn': listener ${missing} was not found in us-east-1`));
  });

  it('refuses a target group attached to another load balancer, before anything changes', async () => {
    const f = await albFixture(moto);
    const other = (await f.elb.send(new CreateLoadBalancerCommand({ Name: 'other-lb', Subnets: f.subnets }))).LoadBalancers![0].LoadBalancerArn!;
    const foreign = (await f.elb.send(new CreateTargetGroupCommand({ Name: 'other-tg', Protocol: 'HTTP', Port: 80, VpcId: f.vpc }))).TargetGroups![0].TargetGroupArn!;
    await f.elb.send(new CreateListenerCommand({ LoadBalancerArn: other, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: foreign }] }));
    const release = await run(f, { 'target-groups': `blue=${f.groups.blue}\ngreen=${foreign}` });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Input 'target-groups': the target group for green \(other-tg\) is attached to load balancer \S+other-lb\S+, not to \S+app-lb\S+, the listener's/);
    expect(await lockRules(f)).toEqual([]);
    expect(await live(f)).toBe('blue');
  });

  it('refuses a rule that does not forward, before anything changes', async () => {
    const f = await albFixture(moto);
    const fixed = (
      await f.elb.send(
        new CreateRuleCommand({
          ListenerArn: f.listener,
          Priority: 20,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/maintenance'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }],
        }),
      )
    ).Rules![0].RuleArn!;
    const { 'listener-arn': _, ...rest } = inputs(f, { 'rule-arn': fixed });
    const release = await runAction(rest, { env: moto.env() });
    expect(release.outputs.result).toBe('aborted');
    expect(release.outputs.reason).toMatch(/Input 'rule-arn': rule \S+ does not forward \(its actions: fixed-response\); only a forward action can be flipped/);
    expect(await lockRules(f)).toEqual([]);
  });
});

describe('plug-ins load lazily', () => {
  it('a run of another router never loads the AWS SDK; an aws-alb run does', async () => {
    const modules = moduleLog();
    const other = await commandRouterRun(modules.env);
    expect(other.outputs, other.stdout).toMatchObject({ result: 'promoted' });
    expect(modules.loaded().length).toBeGreaterThan(0);
    expect(modules.loadedHolding('ElasticLoadBalancingV2Client')).toEqual([]);
    const f = await albFixture(moto);
    modules.clear();
    expect((await run(f, {}, { env: modules.env })).outputs.result).toBe('promoted');
    expect(modules.loadedHolding('ElasticLoadBalancingV2Client').length).toBeGreaterThan(0);
  });
});
