import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LockOwner } from '../infra/lock.js';
import { systemClock } from '../infra/clock.js';
import type { Fence } from '../infra/fence.js';
import { inert, redactor, type Log, type StateStore } from '../infra/log.js';
import type { BaseDeps } from '../routers/index.js';
import { loadYaml } from '../infra/yaml.js';
import { secretsOf, yamlInputs } from '../secrets.js';

/**
 * @actions/core behind the run's small interfaces. Every message may carry text from outside, so each
 * is redacted (secrets in any encoding) and made inert (no workflow commands) before it is printed.
 */
export function coreLog(redact: (text: string) => string): Log {
  const clean = (message: string) => inert(redact(message));
  return {
    info: (message) => core.info(clean(message)),
    warning: (message, title) => core.warning(clean(message), title ? { title: clean(title) } : {}),
    error: (message, title) => core.error(clean(message), title ? { title: clean(title) } : {}),
    group: (name, body) => core.group(name, body),
  };
}

/**
 * Masks a secret learnt during the run (a token an exec plugin minted): the runner hides it in the log
 * from now on, and `secrets`, which the run's redactor reads, gains it for everything written.
 */
export function secretSink(secrets: string[]): (value: string) => void {
  return (value) => {
    if (!value || secrets.includes(value)) return;
    secrets.push(value);
    core.setSecret(value);
  };
}

/**
 * How both steps begin: every credential in the raw inputs masked before anything can print (valid
 * inputs or not), a redactor for what we write ourselves, and a sink for credentials learnt later.
 */
export async function maskInputs(): Promise<{ redact: (text: string) => string; onSecret: (value: string) => void }> {
  if (yamlInputs().some((name) => readInput(name))) await loadYaml();
  const secrets = secretsOf(readInput);
  for (const secret of secrets) core.setSecret(secret);
  return { redact: redactor(secrets), onSecret: secretSink(secrets) };
}

/** What a step builds its router and deployer with; `savedOwner` is the main step's lock identity, in post. */
export function stepDeps(jobIndex: string, log: Log, fence: Fence, onSecret: (value: string) => void, savedOwner = ''): BaseDeps {
  return { clock: systemClock, log, owner: lockOwner(jobIndex, savedOwner), fence, onSecret };
}

export const coreState: StateStore = {
  save: (key, value) => core.saveState(key, value),
  get: (key) => core.getState(key),
};

export const readInput = (name: string) => core.getInput(name);

/**
 * The lock owner is one invocation of the step: run id, attempt, job id, matrix index and a random
 * nonce. Two jobs of one run, two steps of one job, and two calls of one reusable workflow (whose jobs
 * share an id) are thus different owners. The main step saves its identity in the step's state, so its
 * own post step (which passes it as `saved`) recognises the lock as its own. Outside a workflow (a
 * local run) it is this host and process.
 */
export function lockOwner(jobIndex: string, saved = '', env: NodeJS.ProcessEnv = process.env): LockOwner {
  if (saved) return { job: saved, pid: process.pid };
  const nonce = randomBytes(4).toString('hex');
  if (!env.GITHUB_RUN_ID) return { job: `local run ${hostname()}:${process.pid} step ${nonce}`, pid: process.pid };
  const index = jobIndex ? `, matrix index ${jobIndex}` : '';
  return { job: `run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT || '1'}, job ${env.GITHUB_JOB || '?'}${index}, step ${nonce}`, pid: process.pid };
}
