import * as core from '@actions/core';
import { hostname } from 'node:os';
import type { LockOwner } from './infra/lock.js';
import type { Log, StateStore } from './infra/log.js';
import type { GitHubContext } from './report/deployment.js';

/** @actions/core behind the run's small interfaces. Secrets are masked by the runner once registered. */
export function coreLog(redact: (text: string) => string): Log {
  return {
    info: (message) => core.info(redact(message)),
    warning: (message, title) => core.warning(redact(message), title ? { title } : {}),
    error: (message, title) => core.error(redact(message), title ? { title } : {}),
    group: (name, body) => core.group(name, body),
  };
}

export const coreState: StateStore = {
  save: (key, value) => core.saveState(key, value),
  get: (key) => core.getState(key),
};

export const readInput = (name: string) => core.getInput(name);

export function githubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    repository: env.GITHUB_REPOSITORY || '',
    sha: env.GITHUB_SHA || '',
    runId: env.GITHUB_RUN_ID || '',
  };
}

/** The lock owner: this workflow run (so its own post step may take the lock over) and this process. */
export function lockOwner(env: NodeJS.ProcessEnv = process.env): LockOwner {
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT ?? '1'}` : `${hostname()}:${process.pid}`;
  return { run, pid: process.pid };
}
