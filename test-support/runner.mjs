// Runs the bundled action as the GitHub runner does: the files action.yml's `runs` names, defaults from
// action.yml, INPUT_* variables, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post
// step with STATE_* variables.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));

/** The main and post steps' files, as action.yml's `runs` names them. */
export const ENTRY = { main: join(ROOT, action.runs.main), post: join(ROOT, action.runs.post) };

/** Node 24, as `runs.using: node24`: the project's own binary, whatever the machine has. */
export const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;

/** The runner evaluates expressions in defaults; these are the ones action.yml uses. */
function expand(value, context) {
  return String(value ?? '').replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name) => context[name] ?? '');
}

function inputEnv(inputs, context) {
  const env = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = name in inputs ? String(inputs[name]) : expand(spec.default, context);
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`test passes an input action.yml does not declare: ${name}`);
  }
  return env;
}

/** Parses the runner's file-command format (`name<<delimiter` blocks, or `name=value` lines). */
export function parseFileCommands(text) {
  const values = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const body = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      values[heredoc[1]] = body.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return values;
}

function runNode(script, env, options) {
  return new Promise((resolveRun) => {
    const child = spawn(NODE, [join(ROOT, script)], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      options.onOutput?.(String(chunk), child);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
    options.onStart?.(child);
  });
}

/**
 * Runs the main step. `onOutput(chunk, child)` sees the log as it comes (to cancel at a chosen moment);
 * `cwd` is the job's working directory (the checkout, where relative commands are found).
 * Returns outputs, saved state, the summary, and `post(jobStatus)` to run the post step.
 */
export async function runAction(inputs, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-runner-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  for (const path of Object.values(files)) writeFileSync(path, '');
  const context = { 'github.sha': options.sha ?? 'c0ffee', 'github.token': '', 'job.status': 'success', 'strategy.job-index': options.jobIndex ?? '' };
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, GITHUB_ACTIONS: 'true', ...options.env };
  const main = await runNode(action.runs.main, { ...baseEnv, ...files, ...inputEnv(inputs, context) }, options);
  const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'));
  const result = {
    ...main,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state,
    summary: () => readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    report: () => JSON.parse(readFileSync(result.outputs.report, 'utf8')),
    /** The post step, as the runner runs it after the job, with `job.status` as given. */
    post: async (jobStatus = main.code === 0 ? 'success' : 'failure') => {
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
      const postContext = { ...context, 'job.status': jobStatus };
      return runNode(action.runs.post, { ...baseEnv, ...files, ...inputEnv(inputs, postContext), ...stateEnv }, { cwd: options.cwd });
    },
  };
  return result;
}
