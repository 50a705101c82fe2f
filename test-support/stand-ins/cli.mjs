// What the stand-in CLIs (aws.mjs, az.mjs, cf.mjs) share: the platform's state in a JSON file named by
// $STAND_IN_STATE (read and written whole, written by rename so a reader never sees half a file),
// option parsing that refuses what the real parser refuses, and the one JMESPath form the recipes use.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export function loadState() {
  const file = process.env.STAND_IN_STATE;
  if (!file) exit(2, 'stand-in: STAND_IN_STATE names no state file');
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function saveState(state) {
  const file = /** @type {string} */ (process.env.STAND_IN_STATE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Prints `message` on stderr and exits with `code`, as the real CLI does on a failure. */
export function exit(code, message) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/**
 * Splits argv into positionals and options. `spec` maps each accepted option (long and short names) to
 * its canonical name and kind: 'value' (one argument), 'list' (arguments up to the next option, as the
 * aws CLI takes lists) or 'flag'. Returns { positionals, options } or { error } naming the first
 * argument the real parser would refuse.
 */
export function parseArgs(argv, spec) {
  const positionals = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const option = spec[arg];
    if (!option) return { error: { kind: 'unknown', arg } };
    const [name, kind] = option;
    if (name in options) return { error: { kind: 'repeated', arg } };
    if (kind === 'flag') options[name] = true;
    else if (kind === 'list') {
      const values = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
      if (values.length === 0) return { error: { kind: 'missing-value', arg } };
      options[name] = values;
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('-')) return { error: { kind: 'missing-value', arg } };
      options[name] = argv[++i];
    }
  }
  return { positionals, options };
}

/**
 * JMESPath, only the form the recipes use: a filter on one field's equality with a raw string literal,
 * then a projection of one field (`List[?Field=='literal'].Other`, or `[?…]…` on a top-level list).
 * Anything else fails loudly: a stand-in that answered an expression it does not understand would pass
 * an example the real CLI answers differently.
 */
export function query(data, expression) {
  const match = /^(\w*)\[\?(\w+)\s*==\s*'([^']*)'\]\.(\w+)$/.exec(expression);
  if (!match) exit(3, `stand-in: --query "${expression}" is not the form this stand-in models (List[?Field=='literal'].Field)`);
  const [, list, field, literal, projected] = /** @type {RegExpExecArray} */ (match);
  const items = list ? data?.[list] : data;
  if (!Array.isArray(items)) return null;
  return items.filter((item) => item?.[field] === literal).map((item) => item[projected]).filter((value) => value !== undefined && value !== null);
}
