// The route53 router with the SDK's send mocked (aws-sdk-client-mock): the change batch it sends (each
// record deleted exactly as read, created with its new weight, never UPSERT), Route 53 refusing a
// batch whose DELETE no longer matches (the compare-and-swap moto cannot show), the wait for INSYNC and
// then the TTL, the TTL rules, and the TXT lock. moto runs the same router in the integration tests.
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  Route53Client,
  type HealthCheckObservation,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Fence } from '../../src/infra/fence.js';
import { RouteChangedError } from '../../src/route.js';
import type { RouterDeps } from '../../src/routers/module.js';
import { describeRoute53Error, Zone } from '../../src/routers/route53/client.js';
import { holderOf, LEASE_MS, lockName, lockRecord, takeLockRecord } from '../../src/routers/route53/lock.js';
import type { Route53Settings } from '../../src/routers/route53/module.js';
import { judge } from '../../src/routers/route53/health.js';
import { changeBatch, routeOfPair, weightsFor } from '../../src/routers/route53/records.js';
import { Route53Router } from '../../src/routers/route53/router.js';
import { FakeClock, RecordingLog } from '../../test-support/fakes.js';

const NAME = 'app.example.com.';
const colors = ['blue', 'green'] as const;
const record = (color: string, weight: number, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  SetIdentifier: color,
  Weight: weight,
  TTL: 60,
  ResourceRecords: [{ Value: color === 'blue' ? '192.0.2.1' : '192.0.2.2' }],
  ...extra,
});
const settings = (over: Partial<Route53Settings> = {}): Route53Settings => ({
  zoneId: 'Z1D633PJN98FT9',
  recordName: NAME,
  recordType: 'A',
  setIdentifiers: { blue: 'blue', green: 'green' },
  allowLongTtl: false,
  windows: { healthMs: 300_000, stepMs: 60_000, stepped: false },
  region: 'us-east-1',
  ...over,
});
const refusal = () => new InvalidChangeBatch({ message: 'Tried to delete resource record set [name=app.example.com., type=A, set-identifier=blue] but the values provided do not match the current values', $metadata: { httpStatusCode: 400 } });

let mock: AwsClientStub<Route53Client>;
beforeEach(() => {
  mock = mockClient(Route53Client);
});
afterEach(() => mock.restore());

/** The run's signal: a change made with it is one a window will judge. */
const run = new AbortController();
const zone = () => new Zone(new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), 'Z1D633PJN98FT9');

function router(over: Partial<Route53Settings> = {}, held = true) {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const fence = new Fence();
  if (held) fence.hold({ lost: async () => undefined, release: async () => undefined });
  const deps = { clock, log, fence, owner: { job: 'run 7 attempt 1, job release, step 1a2b3c4d', pid: 1 }, colors, lockTimeoutMs: 60_000, readyTimeoutMs: 60_000, version: 'v2' } as unknown as RouterDeps;
  return { r: new Route53Router(settings(over), deps, zone()), clock, log, fence };
}

/** The zone lists `sets` until a change batch lands, then what that batch created (as Route 53 would). */
function zoneHolds(sets: ResourceRecordSet[]) {
  let current = sets;
  mock.on(ListResourceRecordSetsCommand).callsFake(() => ({ ResourceRecordSets: current, IsTruncated: false }));
  mock.on(ChangeResourceRecordSetsCommand).callsFake((input: { ChangeBatch: { Changes: { Action: string; ResourceRecordSet: ResourceRecordSet }[] } }) => {
    const changes = input.ChangeBatch.Changes;
    const deleted = changes.filter((c) => c.Action === 'DELETE').map((c) => c.ResourceRecordSet.SetIdentifier);
    current = [...current.filter((s) => !deleted.includes(s.SetIdentifier)), ...changes.filter((c) => c.Action === 'CREATE').map((c) => c.ResourceRecordSet)];
    return { ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date() } };
  });
}

describe('route53 records in colors', () => {
  it('reads 100/0 as one color, a split as weights, and both at 0 as an even split (Route 53 answers with both)', () => {
    expect(routeOfPair({ blue: record('blue', 100), green: record('green', 0) }, colors)).toMatchObject({ active: 'blue' });
    expect(routeOfPair({ blue: record('blue', 90), green: record('green', 10) }, colors)).toMatchObject({ active: 'blue', weights: { blue: 90, green: 10 } });
    expect(routeOfPair({ blue: record('blue', 0), green: record('green', 0) }, colors)).toMatchObject({ weights: { blue: 50, green: 50 } });
  });

  it('the revision is a fingerprint of both records: a changed value (not only a weight) changes it', () => {
    const a = routeOfPair({ blue: record('blue', 100), green: record('green', 0) }, colors).revision;
    const b = routeOfPair({ blue: record('blue', 100), green: record('green', 0, { ResourceRecords: [{ Value: '192.0.2.9' }] }) }, colors).revision;
    expect(a).toMatch(/^records [0-9a-f]{16}$/);
    expect(b).not.toBe(a);
  });

  it('a change deletes each record exactly as read (alias and health check kept) and creates it with only the weight changed', () => {
    const alias = { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'blue-123.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true };
    const blue: ResourceRecordSet = { Name: NAME, Type: 'A', SetIdentifier: 'blue', Weight: 100, AliasTarget: alias, HealthCheckId: 'hc-1' };
    const green: ResourceRecordSet = { ...blue, SetIdentifier: 'green', Weight: 0, AliasTarget: { ...alias, DNSName: 'green-456.us-east-1.elb.amazonaws.com.' }, HealthCheckId: undefined };
    const { changes } = changeBatch({ blue, green }, weightsFor('green', 10, colors));
    expect(changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: blue },
      { Action: 'CREATE', ResourceRecordSet: { ...blue, Weight: 90 } },
      { Action: 'DELETE', ResourceRecordSet: green },
      { Action: 'CREATE', ResourceRecordSet: { ...green, Weight: 10 } },
    ]);
    expect(changes.map((c) => c.Action)).not.toContain('UPSERT');
  });
});

describe('route53 router', () => {
  it('flips in one batch (DELETE as read + CREATE), waits for INSYNC, then the TTL, and says both times and the calls', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    let polls = 0;
    mock.on(GetChangeCommand).callsFake(() => ({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: ++polls < 3 ? 'PENDING' : 'INSYNC', SubmittedAt: new Date() } }));
    const { r, clock } = router();
    const expected = await r.read();
    const started = clock.monotonic();
    await r.flip('green', expected, run.signal);
    const batch = mock.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes;
    expect(batch).toEqual([
      { Action: 'DELETE', ResourceRecordSet: record('blue', 100) },
      { Action: 'CREATE', ResourceRecordSet: record('blue', 0) },
      { Action: 'DELETE', ResourceRecordSet: record('green', 0) },
      { Action: 'CREATE', ResourceRecordSet: record('green', 100) },
    ]);
    expect(polls).toBe(3);
    // Two polls 2 s apart, then the TTL of 60 s: the window starts once clients can have moved.
    expect(clock.monotonic() - started).toBe(4_000 + 60_000);
    expect((await r.read()).active).toBe('green');
    expect(r.notes.join('\n')).toMatch(/Flip to green: change C2682N5HXP0BZ4 was INSYNC 4\.0 s after it was sent, then this run waited the records' TTL of 60 s before the window counted \(clients cache the old answer up to a TTL\)/);
  });

  it('a batch Route 53 refuses (a DELETE that no longer matches) is a RouteChangedError, and nothing else is written', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    const { r } = router();
    const expected = await r.read();
    mock.on(ChangeResourceRecordSetsCommand).rejects(refusal());
    const error = await r.flip('green', expected).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouteChangedError);
    expect((error as Error).message).toMatch(/changed since this run read them: Route 53 refused the change batch, whose DELETE of each record exactly as read no longer matches .*InvalidChangeBatch.* nothing was changed/);
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
    expect(mock.commandCalls(GetChangeCommand)).toHaveLength(0);
    // Another refusal worded as InvalidChangeBatch is not said to be someone else's change.
    mock.on(ChangeResourceRecordSetsCommand).rejects(new InvalidChangeBatch({ message: 'RRSet with DNS name app.example.com. is not permitted in zone example.org.', $metadata: { httpStatusCode: 400 } }));
    const other = await r.flip('green', expected).catch((e: unknown) => e);
    expect(other).not.toBeInstanceOf(RouteChangedError);
    expect((other as Error).message).toMatch(/^Could not flip route53 A records .* to green: ChangeResourceRecordSets on hosted zone Z1D633PJN98FT9 failed: InvalidChangeBatch: RRSet with DNS name/);
  });

  it('steps write weights, and a record that reads back otherwise than written is someone else\'s change', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    mock.on(GetChangeCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const { r } = router();
    await r.setWeights('green', 10, await r.read());
    expect(await r.read()).toMatchObject({ active: 'blue', weights: { blue: 90, green: 10 } });
    const creates = mock.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes!.filter((c) => c.Action === 'CREATE');
    expect(creates.map((c) => [c.ResourceRecordSet!.SetIdentifier, c.ResourceRecordSet!.Weight])).toEqual([['blue', 90], ['green', 10]]);
    // Someone rewrites green's value as soon as this run's next batch lands.
    let landed = false;
    mock.on(ListResourceRecordSetsCommand).callsFake(() => ({ ResourceRecordSets: landed ? [record('blue', 50), record('green', 50, { TTL: 300 })] : [record('blue', 90), record('green', 10)] }));
    mock.on(ChangeResourceRecordSetsCommand).callsFake(() => {
      landed = true;
      return { ChangeInfo: { Id: 'C2', Status: 'INSYNC', SubmittedAt: new Date() } };
    });
    await expect(r.setWeights('green', 50, await r.read())).rejects.toThrow(/were changed by someone else right after this run's change: wrote green weight 50 \(A 192\.0\.2\.2, TTL 60 s\), reads green weight 50 \(A 192\.0\.2\.2, TTL 300 s\)/);
  });

  it('writes nothing once the fence refuses (the lock was lost)', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    const { r } = router({}, false);
    await expect(r.flip('green', await r.read())).rejects.toThrow(/Flip of route53 A records app\.example\.com\. .* was refused/);
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('gives up waiting for INSYNC after ready-timeout, saying the change was written', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    mock.on(GetChangeCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const { r } = router();
    await expect(r.flip('green', await r.read())).rejects.toThrow(/change \/change\/C2682N5HXP0BZ4 was written but still PENDING after 60 s \(ready-timeout\)/);
  });

  it('a return to the color that served first, or a flip back without the run\'s signal, does not wait out the TTL (a rollback must not wait)', async () => {
    zoneHolds([record('blue', 100), record('green', 0)]);
    mock.on(GetChangeCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const { r, clock } = router();
    await r.flip('green', await r.read(), run.signal);
    let started = clock.monotonic();
    await r.flip('blue', await r.read(), run.signal);
    expect(clock.monotonic() - started).toBe(0);
    // A flip back after a cancel comes without the run's signal: it does not wait either.
    const other = router();
    started = other.clock.monotonic();
    await other.r.flip('green', await other.r.read());
    expect(other.clock.monotonic() - started).toBe(0);
    expect(r.notes.join('\n')).toMatch(/Flip to blue: .* clients still holding the previous answer move back within the TTL of 60 s/);
  });
});

describe('route53 errors in the user\'s terms', () => {
  it('a refused call names the IAM action to add and the shipped policy', async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: route53:ChangeResourceRecordSets'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(describeRoute53Error(denied, 'ChangeResourceRecordSets', 'hosted zone Z1').message).toBe(
      'the credentials may not call route53:ChangeResourceRecordSets on hosted zone Z1 (AccessDenied): add "route53:ChangeResourceRecordSets" to the policy the action runs with (aws/route53-policy.json in the action\'s repository lists every action it needs)',
    );
  });
});

describe('route53 health checks attached to the records', () => {
  const seen = (ok: number, failed: number): HealthCheckObservation[] => [
    ...Array.from({ length: ok }, () => ({ Region: 'us-east-1' as const, StatusReport: { Status: 'Success: HTTP Status Code 200, OK' } })),
    ...Array.from({ length: failed }, () => ({ Region: 'eu-west-1' as const, StatusReport: { Status: 'Failure: HTTP Status Code 503, Service Unavailable' } })),
  ];

  it('judges as Route 53 does: healthy when more than 18% of its checkers report success', () => {
    expect(judge(seen(3, 13))).toEqual({ status: 'pass', detail: '3 of 16 Route 53 checkers report success' });
    expect(judge(seen(2, 14))).toEqual({ status: 'fail', detail: '2 of 16 Route 53 checkers report success (eu-west-1: Failure: HTTP Status Code 503, Service Unavailable)' });
    expect(judge([])).toMatchObject({ status: 'no-data' });
  });

  it('watches the health check of the target\'s record, and none when its record has none', async () => {
    zoneHolds([record('blue', 100), record('green', 0, { HealthCheckId: 'hc-green' })]);
    const { r } = router();
    await r.read();
    expect(r.healthSources('blue')).toEqual([]);
    const [source] = r.healthSources('green');
    expect(source.name).toBe('Route 53 health check hc-green of green');
    mock.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-green' }).resolves({ HealthCheckObservations: seen(0, 16) });
    expect(await source.sample()).toMatchObject({ status: 'fail' });
  });
});

describe('route53 preflight: what the inputs name, and the TTL against the windows', () => {
  it('names hosted-zone-id for a missing zone, record-name for missing records, set-identifier for a missing color', async () => {
    mock.on(GetHostedZoneCommand).rejects(new NoSuchHostedZone({ message: 'No hosted zone found with ID: Z1D633PJN98FT9', $metadata: { httpStatusCode: 404 } }));
    expect(await router().r.preflight()).toEqual(["Input 'hosted-zone-id': hosted zone Z1D633PJN98FT9 was not found (or these credentials cannot see it)."]);
    mock.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: '/hostedzone/Z1D633PJN98FT9', Name: 'example.com.', CallerReference: 'x' } });
    zoneHolds([{ ...record('blue', 1), Name: 'other.example.com.' }]);
    expect(await router().r.preflight()).toEqual(["Input 'record-name': hosted zone Z1D633PJN98FT9 has no A record named app.example.com. (check record-name and record-type)."]);
    zoneHolds([record('blue', 100)]);
    expect(await router().r.preflight()).toEqual([`Input 'set-identifier': app.example.com. A has no weighted record with SetIdentifier "green" for green (found: "blue"). Create one weighted record per color.`]);
  });

  it('refuses a TTL longer than the window it would outlast (naming that window), unless allow-long-ttl; warns above 60 s', async () => {
    mock.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: 'Z1D633PJN98FT9', Name: 'example.com.', CallerReference: 'x' } });
    zoneHolds([record('blue', 100, { TTL: 600 }), record('green', 0, { TTL: 600 })]);
    expect(await router().r.preflight()).toEqual([expect.stringMatching(/^Input 'health-window': is 5m, shorter than the TTL of 600 s .* set allow-long-ttl: true to run anyway\.$/)]);
    const stepped = { windows: { healthMs: 900_000, stepMs: 60_000, stepped: true } };
    expect(await router(stepped).r.preflight()).toEqual([expect.stringMatching(/^Input 'step-window': is 1m, shorter than the TTL of 600 s/)]);
    // A window of 0 judges nothing, so it judges nothing too early.
    expect(await router({ windows: { healthMs: 0, stepMs: 60_000, stepped: false } }).r.preflight()).toEqual([]);
    const allowed = router({ allowLongTtl: true });
    expect(await allowed.r.preflight()).toEqual([]);
    expect(allowed.log.lines.join('\n')).toMatch(/warning: The records app\.example\.com\. \(A\) have a TTL of 600 s: .* It is longer than health-window, run anyway as allow-long-ttl is set\./);
    zoneHolds([record('blue', 100, { TTL: 120 }), record('green', 0, { TTL: 120 })]);
    const warned = router();
    expect(await warned.r.preflight()).toEqual([]);
    expect(warned.r.notes.join('\n')).toMatch(/have a TTL of 120 s/);
    zoneHolds([record('blue', 100), record('green', 0)]);
    const quiet = router();
    expect(await quiet.r.preflight()).toEqual([]);
    expect(quiet.log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });
});

describe('route53 lock: a TXT record the zone arbitrates', () => {
  const NAME_LOCK = lockName(NAME);

  it('round-trips the holder through TXT escaping', () => {
    const holder = 'run 7 "attempt" 1, job rélease\\x';
    expect(holderOf(lockRecord(NAME_LOCK, holder, 3))).toBe(holder);
    expect(lockRecord(NAME_LOCK, 'run 7', 3).ResourceRecords).toEqual([{ Value: '"holder=run 7" "renewed=3"' }]);
  });

  it('creates the record with CREATE (never UPSERT) and deletes it as written on release', async () => {
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const held = await takeLockRecord(zone(), NAME_LOCK, 'run 7', 60_000, new FakeClock(), new RecordingLog());
    expect(await held.lost()).toBeUndefined();
    await held.release();
    const batches = mock.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch!.Changes);
    expect(batches).toEqual([[{ Action: 'CREATE', ResourceRecordSet: lockRecord(NAME_LOCK, 'run 7', 0) }], [{ Action: 'DELETE', ResourceRecordSet: lockRecord(NAME_LOCK, 'run 7', 0) }]]);
  });

  it('waits while the holder renews, then takes over one seen unchanged for a lease, in one DELETE-as-seen + CREATE batch', async () => {
    const theirs = lockRecord(NAME_LOCK, 'run 1', 4);
    mock.on(ChangeResourceRecordSetsCommand).callsFake((input: { ChangeBatch: { Changes: { Action: string }[] } }) => {
      if (input.ChangeBatch.Changes.length === 1) throw refusal();
      return { ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } };
    });
    mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [theirs] });
    const clock = new FakeClock();
    const log = new RecordingLog();
    const started = clock.monotonic();
    await takeLockRecord(zone(), NAME_LOCK, 'me', 120_000, clock, log);
    expect(clock.monotonic() - started).toBeGreaterThanOrEqual(LEASE_MS);
    expect(log.lines.join('\n')).toMatch(/Taking over the lock record _blue-green-lock\.app\.example\.com\. from run 1: it was not renewed for 30 s/);
    const last = mock.commandCalls(ChangeResourceRecordSetsCommand).at(-1)!.args[0].input.ChangeBatch!.Changes;
    expect(last).toEqual([{ Action: 'DELETE', ResourceRecordSet: theirs }, { Action: 'CREATE', ResourceRecordSet: lockRecord(NAME_LOCK, 'me', 0) }]);
  });

  it('gives up at lock-timeout while the holder keeps renewing, naming it, and changes nothing', async () => {
    mock.on(ChangeResourceRecordSetsCommand).rejects(refusal());
    let n = 0;
    mock.on(ListResourceRecordSetsCommand).callsFake(() => ({ ResourceRecordSets: [lockRecord(NAME_LOCK, 'run 1', ++n)] }));
    await expect(takeLockRecord(zone(), NAME_LOCK, 'me', 60_000, new FakeClock(), new RecordingLog())).rejects.toThrow(/another run holds the lock record .* \(run 1\); waited lock-timeout for it\. Nothing was changed\./);
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand).every((c) => c.args[0].input.ChangeBatch!.Changes!.length === 1)).toBe(true);
  });

  it('renews by DELETE as written + CREATE of the next count; adopts a renewal that landed unseen; is lost at once when someone replaced it', async () => {
    vi.useFakeTimers();
    try {
      const ok = { ChangeInfo: { Id: 'C1', Status: 'PENDING' as const, SubmittedAt: new Date() } };
      const refusals: boolean[] = [];
      mock.on(ChangeResourceRecordSetsCommand).callsFake(() => {
        if (refusals.shift()) throw refusal();
        return ok;
      });
      const held = await takeLockRecord(zone(), NAME_LOCK, 'me', 60_000, new FakeClock(), new RecordingLog());
      await vi.advanceTimersByTimeAsync(5_000);
      const batches = () => mock.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch!.Changes);
      expect(batches()[1]).toEqual([{ Action: 'DELETE', ResourceRecordSet: lockRecord(NAME_LOCK, 'me', 0) }, { Action: 'CREATE', ResourceRecordSet: lockRecord(NAME_LOCK, 'me', 1) }]);
      // Renewal 2 is refused: renewal 3's answer was lost here, but it landed (the record says so).
      refusals.push(true);
      mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [lockRecord(NAME_LOCK, 'me', 7)] });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await held.lost()).toBeUndefined();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(batches().at(-1)![0]).toEqual({ Action: 'DELETE', ResourceRecordSet: lockRecord(NAME_LOCK, 'me', 7) });
      // Someone else's record now: the next refusal loses the lock at once, and nothing is deleted on release.
      refusals.push(true);
      mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [lockRecord(NAME_LOCK, 'run 9', 0)] });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await held.lost()).toMatch(/the lock record _blue-green-lock\.app\.example\.com\. was replaced or deleted by someone else/);
      const sent = batches().length;
      await held.release();
      expect(batches()).toHaveLength(sent);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a TXT record there that is not its lock', async () => {
    mock.on(ChangeResourceRecordSetsCommand).rejects(refusal());
    mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ Name: NAME_LOCK, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] }] });
    await expect(takeLockRecord(zone(), NAME_LOCK, 'me', 60_000, new FakeClock(), new RecordingLog())).rejects.toThrow(/is not this action's lock/);
  });
});
