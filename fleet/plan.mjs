// The fleet's plan: the caller's targets and waves, checked before any target is touched, turned into
// one matrix per wave. A reusable workflow cannot loop, so the workflow has a fixed number of wave jobs
// (MAX_WAVES); each runs when its matrix is not empty and the wave before it succeeded.

/** Wave jobs in the workflow: a plan that needs more is refused, naming the limit. */
export const MAX_WAVES = 5;
/** GitHub runs at most 256 jobs from one matrix. */
export const MAX_PER_WAVE = 256;

/** Inputs of the fleet workflow that are its own, not the action's. */
export const WORKFLOW_ONLY = ['targets', 'waves', 'approvals', 'policy', 'max-parallel', 'name', 'runs-on', 'timeout-minutes', 'checkout', 'aws-role-to-assume'];
/** Action inputs the fleet sets in each job, never a target: why, for the error. */
export const FLEET_SET = {
  mode: 'the fleet deploys each target, and undoes with mode "rollback"',
  version: 'one release has one version: set the workflow input `version`',
  'only-if-version': 'the undo sets it to the release\'s version',
  emergency: 'the undo smoke-tests the color it returns to, as a rollback does',
};
/** Action inputs the runner fills in. */
export const RUNNER_SET = ['github-token', 'job-status', 'job-index'];
/** Action inputs that are credentials: a target names the secret that holds each (`secrets`). */
export const SECRET_INPUTS = ['kubeconfig', 'smoke-headers', 'prometheus-headers'];
export const POLICIES = ['all-or-nothing', 'partial-ok'];

/** What the action accepts as a release label (src/settings.ts), checked here before wave 1. */
const VERSION = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._+/-]{0,127}$/;
/** Target names become artifact and job names: letters, digits and ._- only. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** GitHub's secret names. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const TARGET_KEYS = ['name', 'environment', 'with', 'secrets', 'runs-on', 'aws-role-to-assume'];

export class PlanError extends Error {
  constructor(problems) {
    super(`${problems.length} problem(s) in the fleet's inputs; no target was touched:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanError';
    this.problems = problems;
  }
}

/**
 * @param {{ targets: string, waves: string, approvals: string, policy: string, version: string, inputs: Record<string, unknown> }} given
 *   `inputs`: the workflow's inputs (toJSON(inputs)): the action inputs common to every target, and its own.
 */
export function planFleet(given) {
  const problems = [];
  const common = commonInputs(given.inputs);
  const targets = parseTargets(given.targets, common, given.inputs, problems);
  if (!VERSION.test(given.version)) problems.push(`version: got ${JSON.stringify(given.version)}; expected a release label of letters, digits and "._+-/", starting with a letter or digit, without "..", at most 128 characters.`);
  if (!POLICIES.includes(given.policy)) problems.push(`policy: got ${JSON.stringify(given.policy)}; expected one of: ${POLICIES.join(', ')}.`);
  const sizes = targets.length ? waveSizes(given.waves, targets.length, problems) : [];
  const waves = [];
  let start = 0;
  for (const size of sizes) {
    waves.push(targets.slice(start, size).map((target) => ({ ...target, wave: waves.length + 1 })));
    start = size;
  }
  const approvals = parseApprovals(given.approvals, waves.length, problems);
  if (problems.length) throw new PlanError(problems);
  return { version: given.version, policy: given.policy, waves, approvals, targets: waves.flat() };
}

/** The workflow's inputs that are the action's: every target starts from them. */
function commonInputs(inputs) {
  const common = {};
  for (const [name, value] of Object.entries(inputs ?? {})) {
    if (WORKFLOW_ONLY.includes(name) || name in FLEET_SET) continue;
    common[name] = value;
  }
  return common;
}

function parseTargets(text, common, inputs, problems) {
  let list;
  try {
    list = JSON.parse(text);
  } catch (error) {
    problems.push(`targets: is not valid JSON (${error.message}); expected a JSON list of {"name", "environment", "with": {...}}.`);
    return [];
  }
  if (!Array.isArray(list) || !list.length) {
    problems.push('targets: expected a JSON list with at least one target: [{"name": "eu-west-1", "environment": "production-eu-west-1", "with": {...}}].');
    return [];
  }
  const seen = new Set();
  const defaults = { 'runs-on': runsOn(parseJson(inputs['runs-on'] ?? '["ubuntu-latest"]'), 'runs-on', problems), 'aws-role-to-assume': String(inputs['aws-role-to-assume'] ?? '') };
  return list.map((entry, index) => parseTarget(entry, `targets[${index}]`, { common, defaults, seen, problems }));
}

function parseTarget(entry, where, { common, defaults, seen, problems }) {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`${where}: expected an object with "name" and "environment".`);
    return { name: where, with: /** @type {Record<string, string>} */ ({}), secrets: {} };
  }
  const unknown = Object.keys(entry).filter((key) => !TARGET_KEYS.includes(key));
  if (unknown.length) problems.push(`${where}: unknown key(s) ${unknown.join(', ')}; a target has ${TARGET_KEYS.join(', ')}.`);
  const name = typeof entry.name === 'string' ? entry.name : '';
  if (!NAME.test(name)) problems.push(`${where}.name: got ${JSON.stringify(entry.name)}; expected letters, digits and "._-", starting with a letter or digit, at most 64 characters.`);
  else if (seen.has(name.toLowerCase())) problems.push(`${where}.name: "${name}" names two targets; each target needs its own name.`);
  seen.add(name.toLowerCase());
  const here = NAME.test(name) ? `targets "${name}"` : where;
  const environment = typeof entry.environment === 'string' ? entry.environment : '';
  // The job's environment: its secrets, variables and protection rules are this target's.
  if (!environment || environment.length > 255 || /[\p{Cc}]/u.test(environment)) {
    problems.push(`${here}.environment: got ${JSON.stringify(entry.environment)}; expected the name of the GitHub environment this target's jobs run in (at most 255 characters).`);
  }
  return {
    name,
    environment,
    'runs-on': entry['runs-on'] === undefined ? defaults['runs-on'] : runsOn(entry['runs-on'], `${here}.runs-on`, problems),
    'aws-role-to-assume': stringOr(entry['aws-role-to-assume'], defaults['aws-role-to-assume'], `${here}.aws-role-to-assume`, problems),
    with: withInputs(entry.with ?? {}, common, `${here}.with`, problems),
    secrets: secretNames(entry.secrets ?? {}, `${here}.secrets`, problems),
  };
}

/**
 * The action's inputs for one target: the workflow's, overridden by the target's. Empty values are left
 * out (the workflow passes '' for a missing key, the same thing), which keeps the plan's outputs small.
 * @returns {Record<string, string>}
 */
function withInputs(given, common, where, problems) {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push(`${where}: expected an object of action inputs, e.g. {"listener-arn": "arn:aws:..."}.`);
    return {};
  }
  const merged = { ...common };
  for (const [name, value] of Object.entries(given)) {
    if (name in FLEET_SET) problems.push(`${where}.${name}: is set by the fleet, not per target (${FLEET_SET[name]}).`);
    else if (RUNNER_SET.includes(name)) problems.push(`${where}.${name}: is filled in by the runner, not per target.`);
    else if (SECRET_INPUTS.includes(name)) problems.push(`${where}.${name}: is a credential; name the secret that holds it in "secrets": {"${name}": "SECRET_NAME"}.`);
    else if (!(name in common)) problems.push(`${where}.${name}: is not an input of the action.`);
    else if (!['string', 'number', 'boolean'].includes(typeof value)) problems.push(`${where}.${name}: expected a string, number or boolean, as in a step's with:.`);
    else merged[name] = value;
  }
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== '' && value !== null && value !== undefined).map(([name, value]) => [name, String(value)]));
}

/** Which secret holds each credential input; by default the fleet-wide secret of the same name. */
function secretNames(given, where, problems) {
  const names = Object.fromEntries(SECRET_INPUTS.map((name) => [name, name]));
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push(`${where}: expected an object naming a secret per credential input, e.g. {"kubeconfig": "KUBECONFIG_EU"}.`);
    return names;
  }
  for (const [input, secret] of Object.entries(given)) {
    if (!SECRET_INPUTS.includes(input)) problems.push(`${where}.${input}: expected one of ${SECRET_INPUTS.join(', ')}.`);
    else if (typeof secret !== 'string' || !SECRET_NAME.test(secret)) problems.push(`${where}.${input}: got ${JSON.stringify(secret)}; expected a secret name (letters, digits and _, not starting with a digit).`);
    else names[input] = secret;
  }
  return names;
}

function runsOn(value, where, problems) {
  const labels = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(labels) || !labels.length || labels.some((label) => typeof label !== 'string' || !label)) {
    problems.push(`${where}: got ${JSON.stringify(value)}; expected runner labels, e.g. ["self-hosted", "eu"].`);
    return ['ubuntu-latest'];
  }
  return labels;
}

/** The workflow's `runs-on` input is JSON text; a value that is not JSON is reported as it was given. */
function parseJson(text) {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
}

function stringOr(value, fallback, where, problems) {
  if (value === undefined) return fallback;
  if (typeof value === 'string') return value;
  problems.push(`${where}: expected a string.`);
  return fallback;
}

/**
 * The end of each wave, counted in targets: `1, 25%, 100%` over 8 targets is 1, 2, 8. Each entry is
 * cumulative (a count, or a share of all targets rounded up); a wave always takes at least one more
 * target, and entries past the last target are dropped (`1, 25%, 100%` over 2 targets is two waves).
 */
export function waveSizes(text, total, problems) {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const form = 'whole numbers of targets or percentages of all targets, rising, e.g. "1, 25%, 100%"';
  const sizes = [];
  for (const entry of entries) {
    const match = /^(\d{1,6})(%?)$/.exec(entry);
    const value = match ? Number(match[1]) : NaN;
    if (!match || value < 1 || (match[2] && value > 100)) {
      problems.push(`waves: got "${text}"; "${entry}" is not one of ${form}.`);
      return [];
    }
    const wanted = Math.min(total, match[2] ? Math.ceil((value * total) / 100) : value);
    const last = sizes.at(-1) ?? 0;
    if (last === total) break;
    sizes.push(Math.max(wanted, last + 1));
  }
  if (!sizes.length) problems.push(`waves: got "${text}"; expected ${form}.`);
  else if (sizes.at(-1) < total) problems.push(`waves: got "${text}", which ends after ${sizes.at(-1)} of the ${total} targets; end with 100%.`);
  else if (sizes.length > MAX_WAVES) problems.push(`waves: got "${text}", which makes ${sizes.length} waves of ${total} targets; the workflow runs at most ${MAX_WAVES}.`);
  const widest = Math.max(...sizes.map((size, i) => size - (sizes[i - 1] ?? 0)));
  if (widest > MAX_PER_WAVE) problems.push(`waves: got "${text}", which puts ${widest} targets in one wave; GitHub runs at most ${MAX_PER_WAVE} jobs per matrix.`);
  return problems.some((p) => p.startsWith('waves:')) ? [] : sizes;
}

/** `3: production-approval` lines: the GitHub environment whose protection rules a wave waits for. */
export function parseApprovals(text, waves, problems) {
  const approvals = {};
  for (const line of text.split(/\n|,/).map((l) => l.trim()).filter(Boolean)) {
    const match = /^(\d+)\s*:\s*(\S(?:.*\S)?)$/.exec(line);
    if (!match) {
      problems.push(`approvals: got "${line}"; expected "<wave>: <environment>" lines, e.g. "3: production-approval".`);
      continue;
    }
    const wave = Number(match[1]);
    if (wave < 1 || (waves > 0 && wave > waves)) problems.push(`approvals: wave ${wave} does not exist; these targets make ${waves} wave(s).`);
    else approvals[wave] = match[2];
  }
  return approvals;
}
