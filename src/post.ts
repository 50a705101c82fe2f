import * as core from '@actions/core';
import { coreLog, coreState, lockOwner, readInput, secretSink } from './adapters.js';
import { systemClock } from './infra/clock.js';
import { errorMessage, redactor } from './infra/log.js';
import { flipBack } from './phases/rollback.js';
import { decidePost } from './post-decision.js';
import { describeRoute } from './routers/compare.js';
import { createRouter } from './routers/index.js';
import { STATE } from './run.js';
import { secretsOf } from './secrets.js';
import { readSettings } from './settings.js';

/** Entry of the post step: if the main step stopped after traffic moved, put it back. */
async function post(): Promise<void> {
  const phase = coreState.get(STATE.phase);
  const previous = coreState.get(STATE.previous);
  const target = coreState.get(STATE.target);
  if (!phase || phase === 'done') return;
  const secrets = secretsOf(readInput);
  for (const secret of secrets) core.setSecret(secret);
  const redact = redactor(secrets);
  const settings = readSettings(readInput);
  const log = coreLog(redact);
  const decision = decidePost(phase, previous, target, settings.jobStatus, settings.rollbackOnFailure);
  if (!decision.flipBack) return log.info(decision.message);
  log.warning(decision.message, 'Post step');
  const router = await createRouter(settings, { clock: systemClock, log, owner: lockOwner(settings.jobIndex), onSecret: secretSink(secrets) });
  let unlock: (() => Promise<void>) | undefined;
  try {
    unlock = await router.lock();
    await flipBack(router, previous, systemClock, (m) => log.warning(m));
    const shows = describeRoute(await router.read());
    log.info(`Post step: ${router.description} shows ${shows}.`);
    await summarize(redact(`## ↩️ Rolled back by the post step — ${previous}\n\n${decision.message}\n\n${router.description} now shows **${shows}**.`));
  } catch (error) {
    const shows = await router.read().then(describeRoute, (e) => `unknown (${errorMessage(e)})`);
    const message = redact(`The post step could not flip back to ${previous}: ${errorMessage(error)}. ${router.description} shows ${shows}. Run this action with mode "rollback".`);
    await summarize(`## 🚨 FAILED to roll back — ${redact(shows)}\n\n${message}`);
    core.setFailed(message);
  } finally {
    await unlock?.();
  }
}

async function summarize(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`${markdown}\n`).write();
}

// Post-step problems other than a failed rollback are warnings: the job's verdict was already made.
post().catch((error) => core.warning(`Post step: ${errorMessage(error)}`));
