// The runner's side of a JavaScript action, in plain Node: inputs from INPUT_* variables, outputs and the
// job summary through the files the runner names, errors as workflow commands. The fleet steps depend
// on nothing else, so the workflow runs them straight from the checked-out action, without npm.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** An input as the runner passes it (`with:`), trimmed; '' when not given. */
export function input(name) {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A JSON input; `fallback` when empty. */
export function jsonInput(name, fallback) {
  const text = input(name);
  if (!text) return fallback;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Input '${name}' is not valid JSON: ${error.message}`);
  }
}

/** Sets a step output; a fresh delimiter, so no value can end the block early. */
export function setOutput(name, value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const delimiter = `fleet_${randomBytes(12).toString('hex')}`;
  appendFileSync(required('GITHUB_OUTPUT'), `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
}

export function appendSummary(markdown) {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

export function info(line) {
  process.stdout.write(`${inert(line)}\n`);
}

/** An error annotation; the message is escaped as workflow commands require. */
export function error(message, title) {
  annotate('error', message, title);
}

export function warning(message, title) {
  annotate('warning', message, title);
}

function annotate(level, message, title) {
  process.stdout.write(`::${level} title=${escape(title).replace(/[:,]/g, (c) => (c === ':' ? '%3A' : '%2C'))}::${escape(message)}\n`);
}

function escape(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Text from inputs and routers never starts a workflow command (`::`) of its own. */
export function inert(text) {
  return String(text).replace(/^::/gm, ': :');
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this step runs on a GitHub Actions runner`);
  return value;
}
