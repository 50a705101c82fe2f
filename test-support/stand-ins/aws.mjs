#!/usr/bin/env node
// Stand-in for the AWS CLI v2, only the Elastic Beanstalk calls of docs/examples/elastic-beanstalk.yml,
// modelled on the AWS CLI reference (elasticbeanstalk describe-environments, swap-environment-cnames,
// wait environment-updated) and the SwapEnvironmentCNAMEs API reference:
// - options are `--name value`, lists are space-separated values (`--environment-names a b`); an unknown
//   option exits 252 with "Unknown options: …", as the CLI's parser does; a service error exits 254 with
//   "An error occurred (Code) when calling the Operation operation: …";
// - `--query` (JMESPath, the recipe's form only) and `--output json|text`: text prints a list's
//   strings tab-separated on one line, nothing for an empty list;
// - a swap exchanges the two environments' CNAMEs and leaves both `Updating` for a while, during which
//   another swap is refused ("Must be Ready"); the waiter polls describe-environments until every one
//   is `Ready` (the real one every 20 s, 20 times; here every 100 ms, for test time).
// State ($STAND_IN_STATE): { environments: [{ EnvironmentName, ApplicationName, CNAME, updatingUntil? }] }.
import { exit, loadState, parseArgs, query, saveState } from './cli.mjs';

/** How long a swap keeps both environments Updating: long enough that a caller that does not wait is refused. */
const SWAP_UPDATING_MS = 600;
const GLOBAL = { '--region': ['region', 'value'], '--output': ['output', 'value'], '--query': ['query', 'value'], '--no-cli-pager': ['no-cli-pager', 'flag'], '--profile': ['profile', 'value'] };
const ENVIRONMENTS = { '--application-name': ['application-name', 'value'], '--environment-names': ['environment-names', 'list'], '--include-deleted': ['include-deleted', 'flag'], '--no-include-deleted': ['no-include-deleted', 'flag'] };
const SWAP = { '--source-environment-name': ['source', 'value'], '--destination-environment-name': ['destination', 'value'] };

const USAGE = 'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';
const usageError = (message) => exit(252, `\n${USAGE}\n${message}`);
const serviceError = (operation, code, message) => exit(254, `\nAn error occurred (${code}) when calling the ${operation} operation: ${message}`);

const commands = {
  'elasticbeanstalk describe-environments': [ENVIRONMENTS, (o) => print({ Environments: describe(o) }, o)],
  'elasticbeanstalk swap-environment-cnames': [SWAP, swap],
  'elasticbeanstalk wait environment-updated': [ENVIRONMENTS, waitUpdated],
};

const argv = process.argv.slice(2);
const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
const words = firstOption === -1 ? argv : argv.slice(0, firstOption);
const name = Object.keys(commands).find((key) => words.join(' ') === key);
if (!name) usageError(`aws: error: this stand-in models only: ${Object.keys(commands).join('; ')} (got "${words.join(' ')}")`);
const [spec, run] = commands[/** @type {string} */ (name)];
const parsed = parseArgs(argv.slice(words.length), { ...GLOBAL, ...spec });
if (parsed.error) usageError(parsed.error.kind === 'unknown' ? `Unknown options: ${parsed.error.arg}` : `aws: error: argument ${parsed.error.arg}: expected one argument`);
if (parsed.positionals?.length) usageError(`Unknown options: ${parsed.positionals.join(', ')}`);
if (parsed.options.output && !['json', 'text'].includes(parsed.options.output)) exit(3, `stand-in: --output ${parsed.options.output} is not modelled (json, text)`);
await run(parsed.options);

function describe(options) {
  const names = options['environment-names'];
  return loadState()
    .environments.filter((env) => (!names || names.includes(env.EnvironmentName)) && (!options['application-name'] || env.ApplicationName === options['application-name']))
    .map(({ updatingUntil, ...env }) => ({ ...env, Status: (updatingUntil ?? 0) > Date.now() ? 'Updating' : 'Ready', Health: 'Green' }));
}

function print(result, options) {
  const value = options.query ? query(result, options.query) : result;
  if (options.output !== 'text') return void process.stdout.write(`${JSON.stringify(value, null, 4)}\n`);
  if (value === null || value === undefined) return void process.stdout.write('None\n');
  if (Array.isArray(value)) {
    if (value.some((item) => typeof item === 'object')) exit(3, 'stand-in: text output of objects is not modelled');
    if (value.length) process.stdout.write(`${value.join('\t')}\n`);
    return;
  }
  if (typeof value === 'object') exit(3, 'stand-in: text output of objects is not modelled');
  process.stdout.write(`${value}\n`);
}

function swap(options) {
  const operation = 'SwapEnvironmentCNAMEs';
  if (!options.source || !options.destination) serviceError(operation, 'InvalidParameterCombination', 'You must specify the SourceEnvironmentName with the DestinationEnvironmentName.');
  const state = loadState();
  const pair = [options.source, options.destination].map((envName) => {
    const env = state.environments.find((e) => e.EnvironmentName === envName);
    if (!env) serviceError(operation, 'InvalidParameterValue', `No Environment found for EnvironmentName = '${envName}'.`);
    if ((env.updatingUntil ?? 0) > Date.now()) serviceError(operation, 'InvalidParameterValue', `Environment named ${envName} is in an invalid state for this operation. Must be Ready.`);
    return env;
  });
  if (pair[0] === pair[1]) serviceError(operation, 'InvalidParameterValue', 'Source and destination environments must be different.');
  [pair[0].CNAME, pair[1].CNAME] = [pair[1].CNAME, pair[0].CNAME];
  for (const env of pair) env.updatingUntil = Date.now() + SWAP_UPDATING_MS;
  saveState(state);
}

async function waitUpdated(options) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const statuses = describe(options).map((env) => env.Status);
    if (statuses.length && statuses.every((status) => status === 'Ready')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  exit(255, '\nWaiter EnvironmentUpdated failed: Max attempts exceeded');
}
