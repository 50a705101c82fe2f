// moto in server mode: the AWS peer of the ALB, Route 53 and ECS tests (ELBv2, EC2, IAM, Route 53, ECS) on 127.0.0.1, one server per
// test file, reset between tests. script/bootstrap installs it (pinned) in a venv outside the repo.
// Fixtures: a VPC, an Application Load Balancer, a target group per color with EC2 instances
// registered, a live listener, a rule and a test listener; helpers to stop an instance (its target
// turns unhealthy) and to enforce IAM with a chosen policy.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, URLSearchParams } from 'node:url';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { freePort } from './peers.mjs';

export const MOTO_VERSION = '5.2.5';
export const REGION = 'us-east-1';
const TEST_KEYS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

export function motoBinary() {
  const bin = join(process.env.BG_CACHE || join(homedir(), '.cache/blue-green'), `moto-${MOTO_VERSION}`, 'bin', 'moto_server');
  if (!existsSync(bin)) throw new Error(`moto_server is not installed at ${bin}: run script/bootstrap`);
  return bin;
}

/** moto_server started through moto-server.py: Route 53's change batches as the real one judges them, and refusals worded as Route 53 and ECS word them. */
const LAUNCHER = fileURLToPath(new URL('./moto-server.py', import.meta.url));

const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts moto_server on a free port; resolves once it answers. */
export async function startMoto() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const python = join(dirname(motoBinary()), 'python3');
  const child = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let log = '';
  child.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const end = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${log}`);
    const up = await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > end) throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${log}`);
    await sleep(100);
  }
  const moto = {
    endpoint,
    /** What a run needs to reach moto through the SDK's default chain and AWS_ENDPOINT_URL. */
    env: (keys = TEST_KEYS) => ({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION, ...keys, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }),
    elb: (keys = TEST_KEYS) => new ElasticLoadBalancingV2Client({ endpoint, region: REGION, credentials: { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY } }),
    /** Forgets every resource, and turns IAM enforcement off again. */
    async reset() {
      await post(`${endpoint}/moto-api/reset-auth`, 'inf');
      await post(`${endpoint}/moto-api/reset`, '');
    },
    stop() {
      running.delete(child);
      child.kill('SIGTERM');
    },
  };
  return moto;
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', body });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

/** One call of an AWS Query API (EC2, IAM) before IAM is enforced; returns the XML. */
async function query(moto, service, version, params) {
  const body = new URLSearchParams({ Action: params.Action, Version: version, ...params });
  // moto routes by the credential scope of the Authorization header; the signature is not checked here.
  const auth = `AWS4-HMAC-SHA256 Credential=${TEST_KEYS.AWS_ACCESS_KEY_ID}/20250101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  const response = await fetch(moto.endpoint, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action}: ${response.status} ${text}`);
  return text;
}

const all = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);
const first = (xml, tag) => all(xml, tag)[0];

const ec2 = (moto, params) => query(moto, 'ec2', '2016-11-15', params);
const iam = (moto, params) => query(moto, 'iam', '2010-05-08', params);

/** Runs `count` instances in a subnet; returns their ids. */
async function runInstances(moto, subnet, count) {
  const image = first(await ec2(moto, { Action: 'DescribeImages' }), 'imageId');
  const xml = await ec2(moto, { Action: 'RunInstances', ImageId: image, MinCount: String(count), MaxCount: String(count), InstanceType: 't3.micro', SubnetId: subnet });
  return all(xml, 'instanceId');
}

/** Stops an instance: moto then reports its target as not healthy (`unused`, Target.InvalidState). */
export async function stopInstance(moto, id) {
  await ec2(moto, { Action: 'StopInstances', 'InstanceId.1': id });
}

/**
 * The load balancer of a blue-green app: target groups app-blue and app-green (two instances each,
 * registered), a listener on :80 forwarding to blue (`forward: 'single'` a plain forward, `'both'` a
 * weighted ForwardConfig blue 100 / green 0 with stickiness), a rule at priority 10 forwarding to blue,
 * and a test listener on :8080 forwarding to blue. `targetType: 'ip'` registers two addresses per group
 * instead (as ECS registers its tasks in awsvpc mode), listed in `ips`.
 */
export async function albFixture(moto, { forward = 'single', name = 'app', targetType = 'instance' } = {}) {
  const elb = moto.elb();
  const vpc = first(await ec2(moto, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnets = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    subnets.push(first(await ec2(moto, { Action: 'CreateSubnet', VpcId: vpc, CidrBlock: `10.0.${i + 1}.0/24`, AvailabilityZone: `${REGION}${zone}` }), 'subnetId'));
  }
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: `${name}-lb`, Subnets: subnets, Type: 'application' }))).LoadBalancers[0].LoadBalancerArn;
  /** @type {Record<'blue' | 'green', string>} */
  const groups = { blue: '', green: '' };
  /** @type {Record<'blue' | 'green', string[]>} */
  const instances = { blue: [], green: [] };
  /** @type {Record<'blue' | 'green', string[]>} */
  const ips = { blue: [], green: [] };
  for (const [i, color] of /** @type {const} */ (['blue', 'green']).entries()) {
    groups[color] = (await elb.send(new CreateTargetGroupCommand({ Name: `${name}-${color}`, Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: targetType }))).TargetGroups[0].TargetGroupArn;
    if (targetType === 'ip') ips[color] = [`10.0.1.${10 + 2 * i}`, `10.0.1.${11 + 2 * i}`];
    else instances[color] = await runInstances(moto, subnets[0], 2);
    const ids = targetType === 'ip' ? ips[color] : instances[color];
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: groups[color], Targets: ids.map((Id) => ({ Id, Port: 80 })) }));
  }
  const actions =
    forward === 'both'
      ? [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: groups.blue, Weight: 100 }, { TargetGroupArn: groups.green, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } }]
      : [{ Type: 'forward', TargetGroupArn: groups.blue }];
  const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: actions }))).Listeners[0].ListenerArn;
  const rule = (
    await elb.send(
      new CreateRuleCommand({ ListenerArn: listener, Priority: 10, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }], Actions: [{ Type: 'forward', TargetGroupArn: groups.blue }] }),
    )
  ).Rules[0].RuleArn;
  const testListener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: groups.blue }] }))).Listeners[0]
    .ListenerArn;
  return { vpc, subnets, lb, groups, instances, ips, listener, rule, testListener, elb };
}

/** Turns on a target group attribute (e.g. stickiness.enabled). */
export async function setAttribute(elb, arn, key, value) {
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: key, Value: value }] }));
}

/** @returns {Promise<import('@aws-sdk/client-elastic-load-balancing-v2').Action[]>} */
export async function listenerActions(elb, arn) {
  return (await elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners[0].DefaultActions;
}

/** @returns {Promise<import('@aws-sdk/client-elastic-load-balancing-v2').Action[]>} */
export async function ruleActions(elb, arn) {
  return (await elb.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules[0].Actions;
}

/** @returns {Promise<import('@aws-sdk/client-elastic-load-balancing-v2').Rule[]>} */
export async function listenerRules(elb, listener) {
  return (await elb.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules;
}

/**
 * Creates IAM users `admin` (everything) and `deployer` (the given policy document), then enforces
 * IAM: from now on every call must be signed by one of them and allowed by its policy. Returns their
 * keys as environment variables. `moto.reset()` turns enforcement off again.
 */
export async function enforceIam(moto, policy) {
  const user = async (name, document) => {
    await iam(moto, { Action: 'CreateUser', UserName: name });
    await iam(moto, { Action: 'PutUserPolicy', UserName: name, PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(document) });
    const xml = await iam(moto, { Action: 'CreateAccessKey', UserName: name });
    return { AWS_ACCESS_KEY_ID: first(xml, 'AccessKeyId'), AWS_SECRET_ACCESS_KEY: first(xml, 'SecretAccessKey') };
  };
  const admin = await user('admin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const deployer = await user('deployer', policy);
  await post(`${moto.endpoint}/moto-api/reset-auth`, '0');
  return { admin, deployer };
}
