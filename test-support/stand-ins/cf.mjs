#!/usr/bin/env node
// Stand-in for the Cloud Foundry CLI v8, only the calls of docs/examples/cloud-foundry.yml, modelled on
// the cf CLI's own sources and help (command/v7/map_route_command.go, unmap_route_command.go,
// shared/app_summary_displayer.go) and the Cloud Foundry guide "Using blue-green deployment":
// - `cf app APP_NAME` prints the app summary, `routes:` listing its routes' URLs joined by ", " and
//   `instances:` as running/total per process;
// - `cf map-route APP_NAME DOMAIN [--hostname HOSTNAME] [--path PATH]` creates the route when it does
//   not exist and maps it, and says "Nothing has been updated" when already mapped;
//   `cf unmap-route` (same arguments) says "not currently mapped" when it is not: both are idempotent;
// - a route mapped to two apps is served by both (the gorouter balances across all their instances);
// - errors print on stderr, then FAILED, exit 1; a wrong flag or missing argument is "Incorrect Usage".
// State ($STAND_IN_STATE): { user, org, space, domains: [], apps: { name: { instances } }, routes: [{ host, domain, path, apps: [] }] }.
import { exit, loadState, parseArgs, saveState } from './cli.mjs';

const ROUTE_FLAGS = { '--hostname': ['hostname', 'value'], '-n': ['hostname', 'value'], '--path': ['path', 'value'] };
const commands = {
  app: [{}, ['APP_NAME'], showApp],
  'map-route': [ROUTE_FLAGS, ['APP_NAME', 'DOMAIN'], mapRoute],
  'unmap-route': [ROUTE_FLAGS, ['APP_NAME', 'DOMAIN'], unmapRoute],
};

const [verb, ...rest] = process.argv.slice(2);
const command = commands[verb];
if (!command) exit(1, `'${verb}' is not a registered command (this stand-in models: cf ${Object.keys(commands).join(', cf ')}). See 'cf help -a'`);
const [flags, required, run] = command;
const parsed = parseArgs(rest, flags);
if (parsed.error) incorrectUsage(parsed.error.kind === 'unknown' ? `unknown flag \`${parsed.error.arg.replace(/^-+/, '')}'` : `expected argument for flag \`${parsed.error.arg}'`);
if (parsed.positionals.length < required.length) incorrectUsage(`the required argument${required.length > 1 ? 's' : ''} ${required.map((r) => `\`${r}\``).join(' and ')} ${required.length > 1 ? 'were' : 'was'} not provided`);
if (parsed.positionals.length > required.length) incorrectUsage(`unexpected argument \`${parsed.positionals[required.length]}'`);
const state = loadState();
const as = `in org ${state.org} / space ${state.space} as ${state.user}...`;
run(parsed.positionals, parsed.options);

function incorrectUsage(message) {
  exit(1, `Incorrect Usage: ${message}\n\nNAME:\n   ${verb}\n\nUSAGE:\n   cf ${verb} ${required.join(' ')}${flags['--hostname'] ? ' [--hostname HOSTNAME] [--path PATH]' : ''}`);
}

function failed(message) {
  process.stderr.write(`${message}\n`);
  process.stdout.write('FAILED\n');
  process.exit(1);
}

function findApp(name) {
  if (!state.apps[name]) failed(`App '${name}' not found.`);
  return state.apps[name];
}

function findDomain(name) {
  if (!state.domains.includes(name)) failed(`Domain '${name}' not found.`);
}

function urlOf(route) {
  return `${route.host ? `${route.host}.` : ''}${route.domain}${route.path ?? ''}`;
}

function sameRoute(route, domain, options) {
  return route.domain === domain && (route.host ?? '') === (options.hostname ?? '') && (route.path ?? '') === (options.path ?? '');
}

function showApp([name]) {
  const app = findApp(name);
  const routes = state.routes.filter((route) => route.apps.includes(name)).map(urlOf);
  const rows = [
    ['name:', name],
    ['requested state:', 'started'],
    ['routes:', routes.join(', ')],
    ['last uploaded:', 'Mon 02 Feb 10:00:00 UTC 2026'],
    ['stack:', 'cflinuxfs4'],
    ['buildpacks:', ''],
  ];
  const process_ = [
    ['type:', 'web'],
    ['sidecars:', ''],
    ['instances:', `${app.instances}/${app.instances}`],
    ['memory usage:', '256M'],
  ];
  const table = (pairs) => pairs.map(([key, value]) => `${key.padEnd(Math.max(...pairs.map(([k]) => k.length)) + 3)}${value}`.trimEnd()).join('\n');
  const instances = Array.from({ length: app.instances }, (_, i) => `#${i}   running   2026-02-02T10:00:00Z   0.4%   41.2M of 256M   180M of 1G   0/s of 16K/s`);
  process.stdout.write(`Showing health and status for app ${name} ${as}\n\n${table(rows)}\n\n${table(process_)}\n     state     since                  cpu    memory          disk         logging        cpu entitlement   details\n${instances.join('\n')}\n`);
}

function mapRoute([appName, domain], options) {
  findDomain(domain);
  findApp(appName);
  let route = state.routes.find((r) => sameRoute(r, domain, options));
  if (!route) {
    route = { host: options.hostname ?? '', domain, path: options.path ?? '', apps: [] };
    process.stdout.write(`Creating route ${urlOf(route)} ${as}\nOK\n\n`);
    state.routes.push(route);
  }
  process.stdout.write(`Mapping route ${urlOf(route)} to app ${appName} ${as}\n`);
  if (route.apps.includes(appName)) process.stdout.write(`App '${appName}' is already mapped to route '${urlOf(route)}'. Nothing has been updated.\n`);
  route.apps.push(...(route.apps.includes(appName) ? [] : [appName]));
  saveState(state);
  process.stdout.write('OK\n');
}

function unmapRoute([appName, domain], options) {
  findDomain(domain);
  findApp(appName);
  const route = state.routes.find((r) => sameRoute(r, domain, options));
  if (!route) failed(`Route with host '${options.hostname ?? ''}', domain '${domain}'${options.path ? `, and path '${options.path}'` : ''} not found.`);
  process.stdout.write(`Removing route ${urlOf(route)} from app ${appName} ${as}\n`);
  if (!route.apps.includes(appName)) process.stdout.write('Route to be unmapped is not currently mapped to the application.\n');
  route.apps = route.apps.filter((name) => name !== appName);
  saveState(state);
  process.stdout.write('OK\n');
}
