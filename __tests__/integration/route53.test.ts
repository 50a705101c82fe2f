// The route53 router through the bundled action, against moto in server mode on 127.0.0.1: flips and
// steps of two weighted records (plain A, CNAME, aliases to load balancers), the wait for INSYNC and the
// TTL, the TXT lock with two runs at once, and missing zone or records as bad inputs. moto alone accepts
// a DELETE that does not match and a CREATE of a record that exists; test-support/moto-server.py gives
// its change batches Route 53's semantics (and mends its IAM enforcement for Route 53), and the
// compare-and-swap is tested on it at the module level below (and with the real API's error in the unit
// tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/infra/clock.js';
import { Fence } from '../../src/infra/fence.js';
import type { RouterDeps } from '../../src/routers/module.js';
import { Zone } from '../../src/routers/route53/client.js';
import { Route53Router } from '../../src/routers/route53/router.js';
import { commandRouterRun, moduleLog } from '../../test-support/chunks.mjs';
import { enforceIam, startMoto } from '../../test-support/moto.mjs';
import { NAME, route53Client, zoneFixture } from '../../test-support/route53.mjs';
import { useMoto } from '../../test-support/moto-hooks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';
import { RecordingLog } from '../../test-support/fakes.js';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Fixture = Awaited<ReturnType<typeof zoneFixture>>;

const moto: Moto = useMoto();

function run(f: Fixture, extra: Record<string, string> = {}, keys?: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string }) {
  const inputs = { router: 'route53', 'hosted-zone-id': f.zoneId, 'record-name': NAME, 'record-type': f.type, 'health-window': '1s', 'health-interval': '200ms', ...extra };
  return runAction(inputs, { env: moto.env(keys) });
}

describe('route53 router', () => {
  it('flips the weights 100/0 to 0/100, says when the change was INSYNC and the TTL it waited, and removes its lock record', async () => {
    const f = await zoneFixture(moto, { ttl: 2 });
    const started = Date.now();
    const release = await run(f, { version: 'v2', 'health-window': '2s' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(await f.weights()).toEqual({ blue: 0, green: 100 });
    const summary = release.summary();
    expect(summary).toMatch(/Flip to green: change \w+ was INSYNC \d+\.\d s after it was sent, then this run waited the records' TTL of 2 s before the window counted/);
    expect(summary).toMatch(/\d+ Route 53 API call\(s\) in this step \(.*ChangeResourceRecordSets \d.*GetChange \d/);
    // Long-running requests: how long resolvers may still send clients to blue.
    expect(summary).toMatch(/### blue after the flip\n\n- \*\*Draining:\*\* Resolvers could answer with blue's records for up to their TTL of 2 s after the flip was INSYNC, until \d{4}-.*keep it serving until they have moved\./);
    expect(release.report().drain).toMatchObject({ color: 'blue' });
    // The run waited the TTL (2 s) after the change was INSYNC; without that wait it lasts well under a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(await f.lock()).toEqual([]);
  });

  it('shifts the weights in steps (10, then 100) and ends 0/100', async () => {
    const f = await zoneFixture(moto);
    const release = await run(f, { 'traffic-steps': '10,100', 'step-window': '1s' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(release.summary()).toMatch(/Shift to green 10%: change \w+ was INSYNC/);
    expect(await f.weights()).toEqual({ blue: 0, green: 100 });
  });

  it('flips alias records to two load balancers, keeping each alias target as it was', async () => {
    const f = await zoneFixture(moto, { kind: 'alias' });
    const before = await f.records();
    // An alias takes its target's TTL: 60 s for a load balancer, longer than this 1 s window.
    const refused = await run(f);
    expect(refused.stdout).toMatch(/Input 'health-window': is 1s, shorter than the TTL of 60 s/);
    const release = await run(f, { 'allow-long-ttl': 'true' });
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(release.summary()).toMatch(/waited the records' TTL of 60 s before the window counted/);
    const after = await f.records();
    expect(after.map((s) => [s.SetIdentifier, s.Weight, s.AliasTarget?.DNSName])).toEqual(before.map((s) => [s.SetIdentifier, s.SetIdentifier === 'green' ? 100 : 0, s.AliasTarget?.DNSName]));
  }, 150_000);

  it('watches the Route 53 health check attached to the new color\'s record during the window', async () => {
    const f = await zoneFixture(moto, { healthCheck: true });
    const release = await run(f);
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    const samples = release.report().samples as { source: string; status: string }[];
    expect(samples.filter((sample) => sample.source === `Route 53 health check ${f.healthCheck} of green`).map((sample) => sample.status)).toContain('pass');
  });

  it('flips CNAME records', async () => {
    const f = await zoneFixture(moto, { kind: 'CNAME' });
    const release = await run(f);
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(await f.weights()).toEqual({ blue: 0, green: 100 });
  });

  it('refuses a TTL longer than health-window before anything is touched, naming health-window', async () => {
    const f = await zoneFixture(moto, { ttl: 600 });
    const release = await run(f);
    expect(release.code).not.toBe(0);
    expect(release.stdout).toMatch(/Input 'health-window': is 1s, shorter than the TTL of 600 s of the records app\.example\.com\. \(A\)/);
    expect(await f.weights()).toEqual({ blue: 100, green: 0 });
    expect(await f.lock()).toEqual([]);
  });

  it('names hosted-zone-id for a zone that does not exist and record-name for records that do not, touching nothing', async () => {
    const f = await zoneFixture(moto);
    const noZone = await run(f, { 'hosted-zone-id': 'Z0000000000000' });
    expect(noZone.stdout).toMatch(/Input 'hosted-zone-id': hosted zone Z0000000000000 was not found/);
    const noRecord = await run(f, { 'record-name': 'www.example.com' });
    expect(noRecord.stdout).toMatch(/Input 'record-name': hosted zone \w+ has no A record named www\.example\.com\./);
    expect([noZone.outputs.result, noRecord.outputs.result]).not.toContain('promoted');
    expect(await f.weights()).toEqual({ blue: 100, green: 0 });
    expect(await f.lock()).toEqual([]);
  });

  it('serializes two runs at once through the TXT lock record: one waits, then releases from where the other left', async () => {
    const f = await zoneFixture(moto);
    const [a, b] = await Promise.all([run(f, { version: 'a', 'health-window': '2s' }), run(f, { version: 'b', 'health-window': '2s' })]);
    expect([a.outputs.result, b.outputs.result], a.stdout + b.stdout).toEqual(['promoted', 'promoted']);
    const [first, second] = /Waiting for the lock record/.test(a.stdout) ? [b, a] : [a, b];
    expect(second.stdout).toMatch(/Waiting for the lock record _blue-green-lock\.app\.example\.com\. in hosted zone \w+: held by local run/);
    expect(first.outputs['active-color']).toBe('green');
    expect(second.outputs['active-color']).toBe('blue');
    expect(await f.weights()).toEqual({ blue: 100, green: 0 });
    expect(await f.lock()).toEqual([]);
  }, 60_000);
});

describe('route53 rights, on moto enforcing IAM', () => {
  const policy = () => JSON.parse(readFileSync(join(ROOT, 'aws/route53-policy.json'), 'utf8')) as { Statement: { Sid: string; Action: string[] }[] };

  it('the shipped policy is enough for steps, the INSYNC wait, the lock and a health check', async () => {
    const f = await zoneFixture(moto, { healthCheck: true });
    const { admin, deployer } = await enforceIam(moto, policy());
    f.readWith(admin);
    const release = await run(f, { 'traffic-steps': '50,100', 'step-window': '1s' }, deployer);
    expect(release.outputs, release.stdout).toMatchObject({ result: 'promoted', 'active-color': 'green' });
    expect(release.summary()).toMatch(/Route 53 API call\(s\) in this step \(.*GetHealthCheckStatus \d/);
    expect(await f.weights()).toEqual({ blue: 0, green: 100 });
    expect(await f.lock()).toEqual([]);
  });

  it('a policy without route53:ChangeResourceRecordSets fails naming it, with the records untouched', async () => {
    const f = await zoneFixture(moto);
    const narrowed = policy();
    for (const statement of narrowed.Statement) statement.Action = statement.Action.filter((action) => action !== 'route53:ChangeResourceRecordSets');
    narrowed.Statement = narrowed.Statement.filter((statement) => statement.Action.length);
    const { admin, deployer } = await enforceIam(moto, narrowed);
    f.readWith(admin);
    const release = await run(f, {}, deployer);
    expect(release.outputs.result, release.stdout).toBe('aborted');
    expect(release.outputs.reason).toMatch(/the credentials may not call route53:ChangeResourceRecordSets on hosted zone \w+ \(AccessDenied\): add "route53:ChangeResourceRecordSets" to the policy/);
    expect(await f.weights()).toEqual({ blue: 100, green: 0 });
  });
});

describe('route53 compare-and-swap, on moto with Route 53 change batch semantics', () => {
  it('a record changed after this run read it (same weights, another TTL) makes the batch fail whole: nothing flipped', async () => {
    const f = await zoneFixture(moto);
    const fence = new Fence();
    // Someone rewrites green with another TTL, keeping the weights, right between the router's last read
    // and its write (the fence is asked in between): the route as such reads the same.
    let interleave = false;
    fence.hold({
      lost: async () => {
        if (!interleave) return undefined;
        const [, green] = await f.records();
        await f.r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: f.zoneId, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: green }, { Action: 'CREATE', ResourceRecordSet: { ...green, TTL: 30 } }] } }));
        return undefined;
      },
      release: async () => undefined,
    });
    const deps = { clock: systemClock, log: new RecordingLog(), fence, owner: { job: 'test', pid: 1 }, colors: ['blue', 'green'], lockTimeoutMs: 10_000, readyTimeoutMs: 10_000, version: 'v' } as unknown as RouterDeps;
    const settings = { zoneId: f.zoneId, recordName: `${NAME}.`, recordType: 'A' as const, setIdentifiers: { blue: 'blue', green: 'green' }, allowLongTtl: false, windows: { healthMs: 60_000, stepMs: 60_000, stepped: false }, region: 'us-east-1' };
    const router = new Route53Router(settings, deps, new Zone(route53Client(moto), f.zoneId));
    const expected = await router.read();
    interleave = true;
    await expect(router.flip('green', expected)).rejects.toThrow(/changed since this run read them: Route 53 refused the change batch.*InvalidChangeBatch.*do not match the current values.*nothing was changed/);
    expect(await f.weights()).toEqual({ blue: 100, green: 0 });
    expect((await f.records()).map((set) => set.TTL)).toEqual([1, 30]);
  });
});

describe('plug-ins load lazily', () => {
  it('a run of another router never loads the Route 53 SDK; a route53 run does', async () => {
    const modules = moduleLog();
    const other = await commandRouterRun(modules.env);
    expect(other.outputs, other.stdout).toMatchObject({ result: 'promoted' });
    expect(modules.loadedHolding('Route53Client')).toEqual([]);
    const f = await zoneFixture(moto);
    modules.clear();
    const release = await runAction({ router: 'route53', 'hosted-zone-id': f.zoneId, 'record-name': NAME, 'health-window': '0s' }, { env: { ...moto.env(), ...modules.env } });
    expect(release.outputs.result, release.stdout).toBe('promoted');
    expect(modules.loadedHolding('Route53Client').length).toBeGreaterThan(0);
  });
});
