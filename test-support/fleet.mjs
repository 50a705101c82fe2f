// Drives the fleet workflow's steps as the runner would, from the workflow file itself: each step's
// `with:` is read from .github/workflows/blue-green-fleet.yml and its expressions evaluated against a
// context (matrix, needs, steps, inputs), so a test runs exactly what the workflow passes.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { NODE, ROOT, parseFileCommands } from './runner.mjs';

export const WORKFLOW = parse(readFileSync(join(ROOT, '.github/workflows/blue-green-fleet.yml'), 'utf8'));
const FLEET_ACTION = parse(readFileSync(join(ROOT, 'fleet/action.yml'), 'utf8'));

/** A step of a job of the fleet workflow, by its id. */
export function stepOf(jobId, stepId) {
  const step = WORKFLOW.jobs[jobId].steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`the fleet workflow's job ${jobId} has no step ${stepId}`);
  return step;
}

/** The workflow inputs as `toJSON(inputs)` gives them: its declared defaults, then the caller's. */
export function workflowInputs(given) {
  const declared = WORKFLOW.on.workflow_call.inputs;
  for (const name of Object.keys(given)) if (!(name in declared)) throw new Error(`the fleet workflow has no input ${name}`);
  return { ...Object.fromEntries(Object.entries(declared).map(([name, spec]) => [name, spec.default ?? ''])), ...given };
}

/** Evaluates the expression forms the workflow's `with:` values use. */
export function evaluate(value, context) {
  return String(value).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression) => text(resolve(expression, context)));
}

function resolve(expression, context) {
  const either = expression.split(/\s*\|\|\s*/);
  if (either.length > 1) return either.map((part) => resolve(part, context)).find((v) => v !== '' && v != null) ?? '';
  const json = /^toJSON\((.+)\)$/.exec(expression);
  if (json) return JSON.stringify(resolve(json[1], context) ?? null);
  const secret = /^secrets\[(.+)\]$/.exec(expression);
  if (secret) return context.secrets?.[text(resolve(secret[1], context))] ?? '';
  if (!/^[a-z][\w-]*(\.[\w-]+)*$/i.test(expression)) throw new Error(`test-support/fleet.mjs cannot evaluate \${{ ${expression} }}`);
  return expression.split('.').reduce((value, key) => value?.[key], context);
}

const text = (value) => (value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** The `with:` of a step, evaluated; keys whose value is empty are passed empty, as the runner does. */
export function withOf(jobId, stepId, context) {
  return Object.fromEntries(Object.entries(stepOf(jobId, stepId).with ?? {}).map(([name, value]) => [name, evaluate(value, context)]));
}

/**
 * Runs a fleet step (fleet/main.mjs) with its `with:` from the workflow, as the runner runs a
 * JavaScript action: INPUT_* (action.yml defaults first), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP.
 * `store`: the folder that stands for the run's artifacts: a plan or record written is copied there.
 */
export async function runFleetStep(jobId, stepId, context, store) {
  const inputs = withOf(jobId, stepId, context);
  const dir = mkdtempSync(join(tmpdir(), 'bg-fleet-step-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  for (const path of Object.values(files)) writeFileSync(path, '');
  const env = { PATH: process.env.PATH, RUNNER_TEMP: dir, ...files };
  for (const [name, spec] of Object.entries(FLEET_ACTION.inputs)) env[`INPUT_${name.toUpperCase()}`] = name in inputs ? inputs[name] : String(spec.default ?? '');
  const { code, stdout } = await new Promise((done) => {
    const child = spawn(NODE, [join(ROOT, 'fleet', FLEET_ACTION.runs.main)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (exit) => done({ code: exit, stdout: out }));
  });
  const outputs = /** @type {Record<string, string>} */ (parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')));
  if (outputs.path && store) {
    mkdirSync(store, { recursive: true });
    copyFileSync(outputs.path, join(store, basename(outputs.path)));
  }
  return { code, stdout, outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}
