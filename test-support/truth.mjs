// Whether a run's outputs tell the truth about the router: shared by the concurrency and fault tests.
import { runAction } from './runner.mjs';

/** The summary's `Router now shows` cell. */
export function routerRow(summary) {
  return /^\| Router now shows \| \*\*(.*)\*\* \|$/m.exec(summary)?.[1];
}

/** The colors in an answer of `serves()`: `green 200` -> ['green']; `none 0 (ECONNREFUSED)` -> []. */
export function servedColors(serves) {
  return serves
    .split(', ')
    .map((answer) => answer.split(' ')[0])
    .filter((color) => color !== 'none');
}

/**
 * Every way the run's outputs disagree with the router, whose clients got `serves` right after the run
 * ended; [] when they are true. An empty `active-color` is true only when the reason says the router
 * could not be read, and the summary's `Router now shows` must say the same as the output.
 */
export function untruths(run, serves) {
  const problems = [];
  const active = run.outputs['active-color'];
  const reason = run.outputs.reason ?? '';
  const row = routerRow(run.summary());
  if (run.outputs.result === undefined) problems.push(`no outputs at all (exit ${run.code}, signal ${run.signal}):\n${run.stderr}`);
  if (active) {
    if (servedColors(serves).join(', ') !== active) problems.push(`active-color is "${active}", but the router serves ${serves}`);
    if (row !== active) problems.push(`the summary's "Router now shows" is "${row}", but active-color is "${active}"`);
  } else {
    if (!/could not be read/.test(reason)) problems.push(`active-color is empty (the router serves ${serves}), and the reason does not say the router could not be read: ${reason}`);
    if (!row?.startsWith('unknown: the router could not be read')) problems.push(`active-color is empty, but the summary's "Router now shows" is "${row}"`);
  }
  return problems;
}

/** Runs the action, then reads the router through `env.serves` the moment the run has ended. */
export async function runThenRead(env, inputs, options = {}) {
  const run = await runAction(inputs, { env: env.apps.env, ...options });
  return { run, serves: await env.serves(5) };
}
