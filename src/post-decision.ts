import { TRAFFIC_AT_RISK } from './run.js';

export interface PostDecision {
  flipBack: boolean;
  message: string;
}

/**
 * What the post step does, from the state the main step saved before each side effect. The main step
 * saves `done` when it finished, whatever the result; anything else means it was stopped.
 */
export function decidePost(phase: string, previous: string, target: string, jobStatus: string, rollbackOnFailure: boolean): PostDecision {
  const job = jobStatus ? `the job is ${jobStatus}` : 'the job status is unknown';
  if (!phase) return { flipBack: false, message: 'The main step stopped before touching anything; nothing to undo.' };
  if (phase === 'done') return { flipBack: false, message: 'The main step finished; nothing to undo.' };
  if (!TRAFFIC_AT_RISK.includes(phase) && phase !== 'rolling-back') {
    return { flipBack: false, message: `The main step stopped during ${phase} (${job}); no new color was live and unproven, so there is nothing to undo.` };
  }
  if (!previous) {
    return { flipBack: false, message: `The main step stopped while ${target} was being watched (${job}), but this was the first release: there is no previous color to return to.` };
  }
  if (!rollbackOnFailure && phase !== 'rolling-back') {
    return { flipBack: false, message: `The main step stopped while ${target} was being watched (${job}); rollback-on-failure is false, so traffic stays where it is.` };
  }
  return { flipBack: true, message: `The main step stopped while ${phase === 'rolling-back' ? `rolling back to ${previous}` : `${target} was live and not yet proven`} (${job}); flipping back to ${previous}.` };
}
