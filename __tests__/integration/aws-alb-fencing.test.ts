// The ALB lock rule fences every write, proved through the bundled action against moto behind a
// recording, fault-injecting proxy (test-support/aws-proxy.mjs). Each test holds the run to three
// things: no ModifyListener landed after its lock was lost or released (fenceBreaches), its outputs
// and summary say what the listener shows at the end (albUntruths), and the test's own reading of
// the listener is what the test expects.
import { DeleteRuleCommand, ModifyListenerCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { albUntruths, fenceBreaches, foreignElb, foreignLock, keepRenewing, LOCK_PRIORITY, listenerRoute, runVia, startMotoBehindProxy, watchFor } from '../../test-support/alb-fence.mjs';
import { registering } from '../../test-support/aws-proxy.mjs';
import { albFixture, listenerActions, listenerRules } from '../../test-support/moto.mjs';
import { waitFor } from '../../test-support/peers.mjs';

type Peers = Awaited<ReturnType<typeof startMotoBehindProxy>>;
type Moto = Peers['moto'];
type Proxy = Peers['proxy'];
type Fixture = Awaited<ReturnType<typeof albFixture>>;
type Run = Awaited<ReturnType<typeof runVia>>;
type Watcher = { onOutput: (chunk: string) => void };

let moto: Moto;
let proxy: Proxy;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ moto, proxy, stop } = await startMotoBehindProxy());
}, 60_000);
afterAll(async () => {
  await stop?.();
});
beforeEach(async () => {
  proxy.clear();
  await moto.reset();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const both = (...watchers: Watcher[]) => (chunk: string) => watchers.forEach((w) => w.onOutput(chunk));
const modifies = (client: string) => proxy.of(client, 'ModifyListener').filter((c: { landed?: number }) => c.landed !== undefined);

async function lockRule(f: Fixture) {
  return (await listenerRules(f.elb, f.listener)).find((r) => r.Priority === LOCK_PRIORITY);
}

/** What every test asks of a finished run: fenced writes, true outputs, the listener as expected. */
async function expectTruthful(run: Run, client: string, f: Fixture, route: string) {
  expect({ 'writes after the fence': fenceBreaches(proxy.calls, client), 'untrue outputs': await albUntruths(run, f), listener: (await listenerRoute(f)).route }, run.stdout).toEqual({
    'writes after the fence': [],
    'untrue outputs': [],
    listener: route,
  });
}

describe('aws-alb: the lock rule fences every write', () => {
  // Before fenced exclusion the lock was renewed every 15 s and only a renewal noticed a deleted
  // rule: the run flipped to green after its lock had been taken over, writing beside the new holder.
  it('a lock lost while waiting for target health: the flip is refused and live traffic is not touched', { timeout: 120_000 }, async () => {
    const f = await albFixture(moto);
    const pending = proxy.rule({ match: (c: { client: string; action: string; params: URLSearchParams }) => c.client === 'a' && c.action === 'DescribeTargetHealth' && c.params.get('TargetGroupArn') === f.groups.green, rewrite: registering });
    const flip = watchFor('::group::flip');
    const noticed = watchFor('Could not renew the lock rule');
    const running = runVia(proxy, 'a', f, { 'ready-timeout': '90s' }, { onOutput: both(flip, noticed) });
    await flip.at;
    expect(await waitFor(() => proxy.of('a', 'DescribeTargetHealth').some((c: { answer: string }) => c.answer.includes('<State>initial</State>')), 20_000)).toBe(true);
    // As a waiter that took the lock over would: its rule is gone.
    await foreignElb(proxy, 'waiter').send(new DeleteRuleCommand({ RuleArn: (await lockRule(f))!.RuleArn }));
    const deleted = performance.now();
    const seen = await Promise.race([noticed.at, sleep(8_000).then(() => undefined)]);
    pending.remove();
    const release = await running;
    expect(seen, 'the renewal noticed the deleted rule within 8 s').toBeDefined();
    expect(seen! - deleted).toBeLessThan(8_000);
    expect(release.outputs.result, release.stdout).toBe('aborted');
    expect(release.outputs.reason).toMatch(/The flip of aws-alb listener \S+ to green was refused: this run lost its exclusive hold on the router \(the lock rule \S+ was deleted by someone else.*\).*Live traffic was not touched/);
    expect(modifies('a')).toEqual([]);
    await expectTruthful(release, 'a', f, 'blue');
  });

  // Before, a renewal that failed for any reason but NotFound was only a warning: the run kept
  // writing (here: promoted, or flipped back) long after a waiter could have taken the lock over.
  it('renewals failing during the window: the run ends failed after ~20 s and does not flip back', { timeout: 120_000 }, async () => {
    const f = await albFixture(moto);
    proxy.rule({ match: (c: { client: string; action: string; phase: string }) => c.client === 'b' && c.action === 'AddTags' && c.phase === 'window', answer: 'ServiceUnavailable' });
    const release = await runVia(proxy, 'b', f, { 'health-window': '40s', 'health-interval': '500ms' });
    expect(release.outputs.result, release.stdout).toBe('failed');
    expect(release.outputs.reason).toMatch(/this run lost its exclusive hold on the router \(the lock rule \S+ was last confirmed \d+\.\d s ago; .*\)\. It wrote nothing after that: traffic was left as the router shows it/);
    expect(release.outputs['active-color']).toBe('green');
    expect(release.summary()).toMatch(/It wrote nothing after that: traffic was left as the router shows it/);
    // One write: the flip. No flip back after the loss.
    expect(modifies('b')).toHaveLength(1);
    expect(Number(release.outputs['duration-seconds'])).toBeLessThan(40);
    await expectTruthful(release, 'b', f, 'green');
  });

  // Before, the read-back compared only the forward targets: a change beside them was not seen, and
  // the run said promoted about a listener it had not checked.
  it('a foreign change right after the flip: not promoted, the difference is named, and the change is kept', { timeout: 60_000 }, async () => {
    const f = await albFixture(moto);
    const oidc: Action = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: { Issuer: 'https://idp.example.com', AuthorizationEndpoint: 'https://idp.example.com/auth', TokenEndpoint: 'https://idp.example.com/token', UserInfoEndpoint: 'https://idp.example.com/userinfo', ClientId: 'app', ClientSecret: 'placeholder' },
    };
    const changed: Action[] = [oidc, { Type: 'forward', Order: 2, TargetGroupArn: f.groups.green }];
    proxy.rule({
      match: (c: { client: string; action: string }) => c.client === 'c' && c.action === 'ModifyListener',
      times: 1,
      after: () => foreignElb(proxy, 'someone').send(new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: changed })),
    });
    const release = await runVia(proxy, 'c', f);
    expect(release.outputs.result, release.stdout).toBe('failed');
    expect(release.outputs.reason).toMatch(/was changed by someone else around this run's write: Besides the forward targets, its actions were \[forward\] and are \[authenticate-oidc, forward\]/);
    expect(modifies('c')).toHaveLength(1);
    expect((await listenerActions(f.elb, f.listener)).map((a) => a.Type)).toEqual(['authenticate-oidc', 'forward']);
    await expectTruthful(release, 'c', f, 'green');
  });

  // Before, a waiter compared the holder's expiry tag with its own clock: a holder whose clock ran
  // behind (or a rule without that tag) was taken over at once, while it was still renewing.
  it('a waiter does not take over a renewed lock, whatever its holder writes; it takes over 30 s after renewals stop', { timeout: 150_000 }, async () => {
    const f = await albFixture(moto);
    const holder = foreignElb(proxy, 'holder');
    const skewed = new Date(Date.now() - 120_000).toISOString();
    // What the code before this lock semantics would have written with a clock two minutes behind.
    const rule = await foreignLock(holder, f.listener, 'run 7 attempt 1, job release, step 0badc10c', { 'blue-green-action:lock-expires': skewed });
    const waiting = watchFor('Waiting for the lock rule');
    const taking = watchFor('Taking over the lock rule');
    const running = runVia(proxy, 'd', f, { 'lock-timeout': '2m' }, { onOutput: both(waiting, taking) });
    const stop = keepRenewing(holder, rule, 2_000);
    await sleep(8_500);
    const stopped = await stop();
    const release = await running;
    expect(await waiting.at).toBeLessThan(stopped);
    expect(((await taking.at) - stopped) / 1000).toBeGreaterThanOrEqual(29);
    expect(release.stdout).toMatch(/Waiting for the lock rule on listener \S+ \(priority 50000\): held by run 7 attempt 1, job release, step 0badc10c\./);
    expect(release.stdout).toMatch(/Taking over the lock rule on listener \S+ from run 7 attempt 1, job release, step 0badc10c: it was not renewed for 30 s \(as seen from this runner\)\./);
    expect(release.outputs.result).toBe('promoted');
    await expectTruthful(release, 'd', f, 'green');
  });

  // Before, both calls had the same lock identity (run, attempt, job): the second took the first's
  // lock as its own ("this job left it") and the two released at once.
  it('two calls of one reusable workflow in one job: the second waits for the first, then releases from where it left', { timeout: 120_000 }, async () => {
    const f = await albFixture(moto);
    const env = { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'release' };
    const [a, b] = await Promise.all(['e1', 'e2'].map((client) => runVia(proxy, client, f, { 'health-window': '3s' }, { env })));
    expect([a.outputs.result, b.outputs.result], a.stdout + b.stdout).toEqual(['promoted', 'promoted']);
    const [first, second] = /Waiting for the lock rule/.test(a.stdout) ? [b, a] : [a, b];
    expect(second.stdout).toMatch(/Waiting for the lock rule on listener \S+ \(priority 50000\): held by run 4242 attempt 1, job release, step [0-9a-f]{8}\./);
    expect(first.stdout).not.toMatch(/Waiting for the lock rule|Taking over the lock rule/);
    expect([first.outputs['active-color'], second.outputs['active-color']]).toEqual(['green', 'blue']);
    expect((await listenerRoute(f)).active).toBe(second.outputs['active-color']);
    for (const client of ['e1', 'e2']) expect(fenceBreaches(proxy.calls, client)).toEqual([]);
    expect(await albUntruths(second, f, { from: 'green' })).toEqual([]);
    expect(await lockRule(f)).toBeUndefined();
  });
});

describe('aws-alb: the post step undoes only its own write', () => {
  /** A run killed (SIGKILL) once its health window started: the listener is left on green. */
  async function killedMidWindow(f: Fixture, client: string) {
    let killed = false;
    const release = await runVia(proxy, client, f, { 'health-window': '60s' }, {
      onOutput: (chunk: string, child: { kill(signal: string): void }) => {
        if (!killed && chunk.includes('::group::watch health window')) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(release.signal).toBe('SIGKILL');
    expect((await listenerRoute(f)).route).toBe('green');
    return release;
  }

  // Before, the post step flipped back whenever the main step stopped mid-window: here it would
  // have erased a change someone made after the run.
  it('leaves a listener someone changed after the run as it is, and says so', { timeout: 90_000 }, async () => {
    const f = await albFixture(moto);
    const release = await killedMidWindow(f, 'g');
    const sticky: Action[] = [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: f.groups.green, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 120 } } }];
    await f.elb.send(new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: [{ Type: 'forward', TargetGroupArn: f.groups.blue }] }));
    await f.elb.send(new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: sticky }));
    const after = await listenerActions(f.elb, f.listener);
    const post = await release.post('cancelled');
    expect(post.code, post.stdout + post.stderr).toBe(0);
    expect(post.stdout).toMatch(/Post step: aws-alb listener \S+: it shows green as this run left it, but written again since \(.*\): someone else changed the router after this run, so the post step leaves it as it is instead of flipping back to blue\./);
    expect(release.summary()).toMatch(/someone else changed the router after this run/);
    expect(await listenerActions(f.elb, f.listener)).toEqual(after);
    expect(modifies('g')).toHaveLength(1);
    expect(fenceBreaches(proxy.calls, 'g')).toEqual([]);
    expect(await lockRule(f)).toBeUndefined();
  });

  it('flips back when nothing changed since the run (control)', { timeout: 90_000 }, async () => {
    const f = await albFixture(moto);
    const release = await killedMidWindow(f, 'h');
    const post = await release.post('cancelled');
    expect(post.code, post.stdout + post.stderr).toBe(0);
    expect(post.stdout).toMatch(/Post step: aws-alb listener \S+ shows blue\./);
    expect(release.summary()).toMatch(/Rolled back by the post step — blue[\s\S]*now shows \*\*blue\*\*/);
    expect((await listenerRoute(f)).route).toBe('blue');
    expect(modifies('h')).toHaveLength(2);
    expect(fenceBreaches(proxy.calls, 'h')).toEqual([]);
    expect(await lockRule(f)).toBeUndefined();
  });
});
