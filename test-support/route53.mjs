// Route 53 on moto: a hosted zone with two weighted records of one name and type, one per color (plain
// values, a CNAME, or aliases to two real load balancers on moto), and what a test reads back: the
// weights, and the lock's TXT record.
import { randomUUID } from 'node:crypto';
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { albFixture, REGION } from './moto.mjs';

export const ZONE = 'example.com';
export const NAME = 'app.example.com';

export function route53Client(moto, keys = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' }) {
  return new Route53Client({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY } });
}

/** The record of `color` as a test writes it: `kind` 'A', 'CNAME' or 'alias' (its target: `targets[color]`). */
function recordOf(kind, color, weight, ttl, targets) {
  const base = { Name: `${NAME}.`, SetIdentifier: color, Weight: weight };
  if (kind === 'alias') return { ...base, Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: targets[color], EvaluateTargetHealth: false } };
  if (kind === 'CNAME') return { ...base, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: `${color}.example.net` }] };
  return { ...base, Type: 'A', TTL: ttl, ResourceRecords: [{ Value: color === 'blue' ? '192.0.2.1' : '192.0.2.2' }] };
}

/** A zone holding blue at 100 and green at 0; `kind` as recordOf, `ttl` in seconds; `healthCheck` attaches one to green. */
export async function zoneFixture(moto, { kind = 'A', ttl = 1, healthCheck = false } = {}) {
  const r53 = route53Client(moto);
  const zone = (await r53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: randomUUID() }))).HostedZone;
  const zoneId = zone.Id.replace('/hostedzone/', '');
  const targets = {};
  if (kind === 'alias') {
    for (const color of ['blue', 'green']) {
      const { lb, elb } = await albFixture(moto, { name: color });
      targets[color] = `${(await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb] }))).LoadBalancers[0].DNSName}.`;
    }
  }
  const Changes = [['blue', 100], ['green', 0]].map(([color, weight]) => ({ Action: 'CREATE', ResourceRecordSet: recordOf(kind, color, weight, ttl, targets) }));
  const check = healthCheck
    ? (await r53.send(new CreateHealthCheckCommand({ CallerReference: randomUUID(), HealthCheckConfig: { Type: 'HTTP', IPAddress: '192.0.2.2', Port: 80, ResourcePath: '/healthz' } }))).HealthCheck.Id
    : undefined;
  if (check) Changes[1].ResourceRecordSet.HealthCheckId = check;
  await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes } }));
  let reader = r53;
  const list = async (name, type) =>
    ((await reader.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: type }))).ResourceRecordSets ?? []).filter(
      (set) => set.Name === `${name}.` && set.Type === type,
    );
  const type = kind === 'CNAME' ? 'CNAME' : 'A';
  return {
    zoneId,
    type,
    healthCheck: check,
    r53,
    /** Reads with these keys from now on (an admin's, once IAM is enforced). */
    readWith: (keys) => {
      reader = route53Client(moto, keys);
    },
    /** Each color's weight as the zone lists it now. */
    weights: async () => Object.fromEntries((await list(NAME, type)).map((set) => [set.SetIdentifier, set.Weight])),
    records: () => list(NAME, type),
    /** The lock's TXT record sets (none when no run holds it). */
    lock: () => list(`_blue-green-lock.${NAME}`, 'TXT'),
  };
}
