import * as core from '@actions/core';
import { coreLog, coreState, maskInputs, readInput, stepDeps } from './adapters.js';
import { systemClock } from '../infra/clock.js';
import { Fence } from '../infra/fence.js';
import { errorMessage, type Log } from '../infra/log.js';
import { flipBack } from '../phases/rollback.js';
import { STATE } from '../run-deps.js';
import { decidePost, notOwnWrite } from './post-decision.js';
import { describeRoute } from '../route.js';
import { createRouter } from '../routers/index.js';
import { readSettings } from '../settings.js';
import type { Router } from '../types.js';

/**
 * Entry of the post step: if the main step stopped after traffic moved, put it back — but only what
 * this run itself wrote, under the lock identity the main step saved, and only while it holds it.
 */
async function post(): Promise<void> {
  const phase = coreState.get(STATE.phase);
  const previous = coreState.get(STATE.previous);
  const target = coreState.get(STATE.target);
  if (!phase || phase === 'done') return;
  const { redact, onSecret } = await maskInputs();
  const settings = readSettings(readInput);
  const log = coreLog(redact);
  const decision = decidePost(phase, previous, target, settings.jobStatus, settings.rollbackOnFailure);
  if (!decision.flipBack) return log.info(decision.message);
  log.warning(decision.message, 'Post step');
  const fence = new Fence();
  const router = await createRouter(settings, stepDeps(settings.jobIndex, log, fence, onSecret, coreState.get(STATE.owner)));
  try {
    fence.hold(await router.lock());
    const shows = await router.read();
    if (shows.active === previous && !shows.weights) return await say(log, redact, `Post step: ${router.description} already shows ${previous}; nothing to undo.`);
    const foreign = notOwnWrite({ route: describeRoute(shows), revision: shows.revision }, coreState.get(STATE.wrote), previous);
    if (foreign) return await say(log, redact, `Post step: ${router.description}: ${foreign}.`, 'warning');
    await flipBack(router, previous, systemClock, (m) => log.warning(m));
    const now = describeRoute(await router.read());
    log.info(`Post step: ${router.description} shows ${now}.`);
    await summarize(redact(`## ↩️ Rolled back by the post step — ${previous}\n\n${decision.message}\n\n${router.description} now shows **${now}**.`));
  } catch (error) {
    await failed(router, previous, error, redact);
  } finally {
    await fence.release();
  }
}

async function say(log: Log, redact: (text: string) => string, message: string, level: 'info' | 'warning' = 'info'): Promise<void> {
  if (level === 'warning') log.warning(message, 'Post step');
  else log.info(message);
  await summarize(redact(`## Post step\n\n${message}`));
}

async function failed(router: Router, previous: string, error: unknown, redact: (text: string) => string): Promise<void> {
  const shows = await router.read().then(describeRoute, (e) => `unknown (${errorMessage(e)})`);
  const message = redact(`The post step could not flip back to ${previous}: ${errorMessage(error)}. ${router.description} shows ${shows}. Run this action with mode "rollback".`);
  await summarize(`## 🚨 FAILED to roll back — ${redact(shows)}\n\n${message}`);
  core.setFailed(message);
}

async function summarize(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`${markdown}\n`).write();
}

// Post-step problems other than a failed rollback are warnings: the job's verdict was already made.
// Then nothing may hold the job (see index.ts).
post()
  .catch((error) => core.warning(`Post step: ${errorMessage(error)}`))
  .finally(() => process.exit());
