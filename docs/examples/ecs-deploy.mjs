#!/usr/bin/env node
// The deploy-command of docs/examples/aws-alb-ecs.yml: deploys a new image to the idle color's ECS
// service of a blue-green pair (one service per color, each registered with its color's target group),
// and exits once that service is stable. The action then checks the idle target group's health, smoke-
// tests, flips the listener and watches.
//
//   node ecs-deploy.mjs --cluster shop --services blue=shop-blue,green=shop-green \
//     --container web --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:{version} [--timeout 9m]
//
// Needs Node 20 or later and @aws-sdk/client-ecs 3 (`npm install @aws-sdk/client-ecs@3`); credentials
// and region come from the SDK's default chain (configure-aws-credentials, AWS_REGION). The colors come
// from the action: BG_COLOR (the idle color, deployed here) and BG_ACTIVE_COLOR (the live one, empty on
// a first release).
//
// 1. Reads the idle service and its task definition, and registers a new revision of it with only the
//    container's image changed (its tags kept). The idle color's own definition is the base, so what
//    differs per color (log prefixes, variables) stays.
// 2. UpdateService to that revision, with the desired count the live service runs now (at least
//    --min-count): the new color must carry all of the traffic when the listener flips.
// 3. Waits as `aws ecs wait services-stable` does (one deployment, running = desired), and also that the
//    service still names our revision, every --interval up to --timeout. A rollout the deployment
//    circuit breaker marks FAILED ends the wait at once. On failure it prints the service's recent events
//    and why this revision's stopped tasks stopped, then one line saying what went wrong, exit 1.
//
// The task definition is never printed: its environment may hold values that are not for logs.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';

/** What DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
const READ_ONLY = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'];

const USAGE = 'usage: ecs-deploy.mjs --cluster NAME --services blue=SERVICE,green=SERVICE --image IMAGE [--container NAME] [--min-count N] [--timeout 9m] [--interval 15s]';

/** `90s`, `9m`, `500ms`, `1h` as milliseconds. */
export function duration(text, name) {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`--${name} "${text}" is not a duration (e.g. 30s, 9m)`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]];
}

/** The command line and the action's BG_* variables, checked before anything is called. */
export function options(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      cluster: { type: 'string' },
      services: { type: 'string' },
      container: { type: 'string' },
      image: { type: 'string' },
      'min-count': { type: 'string', default: '1' },
      timeout: { type: 'string', default: '9m' },
      interval: { type: 'string', default: '15s' },
    },
  });
  for (const name of ['cluster', 'services', 'image']) if (!values[name]) throw new Error(`--${name} is required; ${USAGE}`);
  const services = Object.fromEntries(
    values.services.split(',').map((pair) => {
      const [color, service, extra] = pair.split('=');
      if (!color || !service || extra !== undefined) throw new Error(`--services "${values.services}": expected color=service pairs, e.g. blue=shop-blue,green=shop-green`);
      return [color.trim(), service.trim()];
    }),
  );
  const idle = env.BG_COLOR;
  const live = env.BG_ACTIVE_COLOR || undefined;
  for (const [what, color] of [['BG_COLOR', idle], ['BG_ACTIVE_COLOR', live]]) {
    if (color !== undefined && !services[color]) throw new Error(`${what} is "${color ?? ''}", which --services does not name (${Object.keys(services).join(', ')}); run this as the action's deploy-command`);
  }
  if (!idle) throw new Error('BG_COLOR is not set; run this as the action\'s deploy-command');
  const minCount = Number(values['min-count']);
  if (!Number.isInteger(minCount) || minCount < 0) throw new Error(`--min-count "${values['min-count']}" is not a whole number`);
  return {
    cluster: values.cluster,
    service: services[idle],
    liveService: live && services[live],
    container: values.container,
    image: values.image,
    minCount,
    timeoutMs: duration(values.timeout, 'timeout'),
    intervalMs: duration(values.interval, 'interval'),
  };
}

async function describeService(ecs, cluster, name) {
  const { services = [], failures = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  if (failures.length || !services[0]) throw new Error(`service ${name} in cluster ${cluster}: ${failures[0]?.reason ?? 'not found'}`);
  return services[0];
}

/** A new revision of the service's task definition with only `container`'s image changed. */
export async function registerRevision(ecs, current, container, image) {
  const { taskDefinition, tags } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: current, include: ['TAGS'] }));
  const names = taskDefinition.containerDefinitions.map((c) => c.name);
  const name = container ?? (names.length === 1 ? names[0] : undefined);
  if (!name) throw new Error(`${current} has ${names.length} containers (${names.join(', ')}): say which one with --container`);
  if (!names.includes(name)) throw new Error(`${current} has no container "${name}" (it has ${names.join(', ')})`);
  const input = { ...taskDefinition };
  for (const key of READ_ONLY) delete input[key];
  input.containerDefinitions = taskDefinition.containerDefinitions.map((c) => (c.name === name ? { ...c, image } : c));
  if (tags?.length) input.tags = tags;
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(input));
  return registered.taskDefinition.taskDefinitionArn;
}

/** Stable as the services-stable waiter judges it, and still on our revision. */
function stable(service, revision) {
  return service.taskDefinition === revision && service.deployments?.length === 1 && service.runningCount === service.desiredCount;
}

/** Waits until the service is stable on `revision`; throws with what the service shows otherwise. */
export async function waitStable(ecs, cluster, name, revision, { timeoutMs, intervalMs, log, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const service = await describeService(ecs, cluster, name);
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    if (service.status !== 'ACTIVE') throw new Error(`service ${name} is ${service.status}`);
    if (stable(service, revision)) return service;
    if (primary?.rolloutState === 'FAILED') throw new Error(`the rollout of ${revision} to ${name} failed: ${primary.rolloutStateReason ?? 'no reason given'}`);
    const state = `${service.runningCount}/${service.desiredCount} running, ${service.deployments?.length ?? 0} deployment(s)`;
    if (Date.now() + intervalMs > deadline) {
      const on = service.taskDefinition === revision ? '' : `; the service names ${service.taskDefinition}, not ${revision} (another update, or a circuit breaker rollback)`;
      throw new Error(`${name} was not stable on ${revision} within ${timeoutMs / 1000}s: ${state}${on}`);
    }
    log(`${name}: ${state}, waiting`);
    await sleep(intervalMs);
  }
}

/** The service's events since `since` and why tasks of `revision` stopped: what to read when the wait failed. */
export async function explain(ecs, cluster, name, revision, since, log) {
  const service = await describeService(ecs, cluster, name).catch(() => undefined);
  for (const event of (service?.events ?? []).filter((e) => new Date(e.createdAt) >= since).slice(0, 5)) log(`event: ${event.message}`);
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName: name, desiredStatus: 'STOPPED' }));
  if (!taskArns.length) return;
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(0, 100) }));
  for (const task of tasks.filter((t) => t.taskDefinitionArn === revision).slice(0, 5)) {
    const containers = (task.containers ?? []).map((c) => `${c.name} exit ${c.exitCode ?? '-'}${c.reason ? ` (${c.reason})` : ''}`).join(', ');
    log(`stopped task ${task.taskArn.split('/').pop()}: ${task.stoppedReason ?? task.stopCode ?? 'no reason given'}; ${containers}`);
  }
}

export async function deploy(ecs, o, log) {
  const idle = await describeService(ecs, o.cluster, o.service);
  const live = o.liveService ? await describeService(ecs, o.cluster, o.liveService) : undefined;
  // The live color's running tasks are the load the new color takes over; a first release keeps its own count.
  const desiredCount = Math.max(live ? live.runningCount : idle.desiredCount, o.minCount);
  const revision = await registerRevision(ecs, idle.taskDefinition, o.container, o.image);
  log(`registered ${revision} (image ${o.image})`);
  const since = new Date();
  await ecs.send(new UpdateServiceCommand({ cluster: o.cluster, service: o.service, taskDefinition: revision, desiredCount }));
  log(`updated ${o.service} to ${revision.split('/').pop()}, desired count ${desiredCount}${live ? ` (${o.liveService} runs ${live.runningCount})` : ''}`);
  try {
    await waitStable(ecs, o.cluster, o.service, revision, { ...o, log });
  } catch (error) {
    await explain(ecs, o.cluster, o.service, revision, since, log).catch((e) => log(`could not read why: ${e.message}`));
    throw error;
  }
  log(`${o.service} is stable: ${desiredCount} task(s) of ${revision.split('/').pop()} running`);
}

// Run, unless imported (by its tests); argv[1] may be a symlink, import.meta.url never is.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const log = (line) => process.stdout.write(`${line}\n`);
  try {
    await deploy(new ECSClient({}), options(process.argv.slice(2), process.env), log);
  } catch (error) {
    process.stderr.write(`ecs-deploy: ${error.message}\n`);
    process.exitCode = 1;
  }
}
