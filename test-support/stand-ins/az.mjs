#!/usr/bin/env node
// Stand-in for the Azure CLI, only the App Service calls of docs/examples/azure-slots.yml, modelled on
// the Azure CLI reference (az webapp config appsettings list/set, az webapp deployment slot swap) and
// App Service's "Set up staging environments" guide (what a swap moves):
// - options `--resource-group/-g`, `--name/-n`, `--slot/-s`; `--settings` takes space-separated
//   KEY=VALUE words; an unknown argument exits 2 with "unrecognized arguments", a missing required one
//   exits 2 naming it; a resource that does not exist exits 3 with "(ResourceNotFound) …";
// - `--query` (JMESPath, the recipe's form only) and `--output/-o json|tsv|none`: tsv prints each
//   string of a list on its own line, nothing for an empty list;
// - the production slot is the app itself (no `--slot`); a swap exchanges the slots' app settings,
//   except those marked as deployment slot settings, which stay with their slot; `--target-slot`
//   defaults to production; `appsettings set` prints the list with values redacted, as current
//   versions do.
// State ($STAND_IN_STATE): { resourceGroup, name, slotSettingNames: [], slots: { production: {…}, staging: {…} } }.
import { exit, loadState, parseArgs, query, saveState } from './cli.mjs';

const GLOBAL = { '--output': ['output', 'value'], '-o': ['output', 'value'], '--query': ['query', 'value'], '--only-show-errors': ['only-show-errors', 'flag'], '--subscription': ['subscription', 'value'] };
const APP = { '--resource-group': ['resource-group', 'value'], '-g': ['resource-group', 'value'], '--name': ['name', 'value'], '-n': ['name', 'value'], '--slot': ['slot', 'value'], '-s': ['slot', 'value'] };
const SETTINGS = { '--settings': ['settings', 'list'] };
const SWAP = { '--target-slot': ['target-slot', 'value'], '--action': ['action', 'value'] };

const commands = {
  'webapp config appsettings list': [APP, (o) => print(settingsOf(loadState(), namedSlot(o)), o), []],
  'webapp config appsettings set': [{ ...APP, ...SETTINGS }, setSettings, ['--settings']],
  'webapp deployment slot swap': [{ ...APP, ...SWAP }, swap, ['--slot/-s']],
};

const argv = process.argv.slice(2);
const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
const words = firstOption === -1 ? argv : argv.slice(0, firstOption);
const name = Object.keys(commands).find((key) => words.join(' ') === key);
if (!name) exit(2, `ERROR: this stand-in models only: az ${Object.keys(commands).join('; az ')} (got "az ${words.join(' ')}")`);
const [spec, run, required] = commands[/** @type {string} */ (name)];
const parsed = parseArgs(argv.slice(words.length), { ...GLOBAL, ...spec });
if (parsed.error) exit(2, parsed.error.kind === 'missing-value' ? `ERROR: argument ${parsed.error.arg}: expected one argument` : `ERROR: unrecognized arguments: ${parsed.error.arg}`);
if (parsed.positionals?.length) exit(2, `ERROR: unrecognized arguments: ${parsed.positionals.join(' ')}`);
const options = parsed.options;
const missing = [...required, '--resource-group/-g', '--name/-n'].filter((flag) => !(flag.slice(2).split('/')[0] in options));
if (missing.length) exit(2, `ERROR: the following arguments are required: ${missing.join(', ')}`);
if (options.output && !['json', 'tsv', 'none'].includes(options.output)) exit(3, `stand-in: --output ${options.output} is not modelled (json, tsv, none)`);
run(options);

/** The slot an appsettings command names: the app itself (production) without --slot. */
function namedSlot(opts) {
  if (opts.slot === 'production') exit(3, 'stand-in: --slot production is not modelled here: the production slot is the app itself (leave --slot out)');
  return opts.slot ?? 'production';
}

/** The settings of a slot, as `appsettings list` prints them. */
function settingsOf(state, slot) {
  const group = options['resource-group'];
  if (group !== state.resourceGroup) exit(3, `ERROR: (ResourceGroupNotFound) Resource group '${group}' could not be found.`);
  if (options.name !== state.name) exit(3, `ERROR: (ResourceNotFound) The Resource 'Microsoft.Web/sites/${options.name}' under resource group '${group}' was not found.`);
  const settings = state.slots[slot];
  if (!settings) exit(3, `ERROR: (ResourceNotFound) The Resource 'Microsoft.Web/sites/${state.name}/slots/${slot}' under resource group '${state.resourceGroup}' was not found.`);
  return Object.entries(settings).map(([key, value]) => ({ name: key, slotSetting: state.slotSettingNames.includes(key), value }));
}

function print(value, opts) {
  const result = opts.query ? query(value, opts.query) : value;
  if (opts.output === 'none') return;
  if (opts.output !== 'tsv') return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const item of Array.isArray(result) ? result : [result]) {
    if (typeof item === 'object' && item !== null) exit(3, 'stand-in: tsv output of objects is not modelled');
    process.stdout.write(`${item ?? ''}\n`);
  }
}

function setSettings(opts) {
  const state = loadState();
  const name = namedSlot(opts);
  settingsOf(state, name);
  const slot = state.slots[name];
  for (const pair of opts.settings) {
    const at = pair.indexOf('=');
    if (at <= 0) exit(1, `ERROR: usage error: --settings KEY=VALUE [KEY=VALUE ...] (got "${pair}")`);
    slot[pair.slice(0, at)] = pair.slice(at + 1);
  }
  saveState(state);
  process.stderr.write('WARNING: App settings have been redacted. Use `az webapp/logicapp/functionapp config appsettings list` to view.\n');
  print(settingsOf(state, name).map((setting) => ({ ...setting, value: null })), opts);
}

function swap(opts) {
  const state = loadState();
  const target = opts['target-slot'] ?? 'production';
  if ((opts.action ?? 'swap') !== 'swap') exit(3, `stand-in: --action ${opts.action} (a swap with preview) is not modelled`);
  for (const slot of [opts.slot, target]) settingsOf(state, slot);
  if (opts.slot === target) exit(1, 'ERROR: (BadRequest) Source and target slots cannot be the same.');
  const [source, destination] = [state.slots[opts.slot], state.slots[target]];
  const moving = new Set([...Object.keys(source), ...Object.keys(destination)].filter((key) => !state.slotSettingNames.includes(key)));
  for (const key of moving) {
    const [a, b] = [source[key], destination[key]];
    if (b === undefined) delete source[key];
    else source[key] = b;
    if (a === undefined) delete destination[key];
    else destination[key] = a;
  }
  saveState(state);
}
