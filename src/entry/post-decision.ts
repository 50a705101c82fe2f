import { TRAFFIC_AT_RISK } from '../run-deps.js';

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

/** A router state this run's own write may have left, as saved in the step's state before and after it. */
export interface OwnWrite {
  route: string;
  revision?: string;
}

/**
 * The post step undoes only this run's own last write: the router must show one of the states that
 * write may have left (with the same revision where the router has one). Anything else was written by
 * someone since (another release, a person), and flipping it back would undo their work. Returns why
 * the post step must leave the router alone, or undefined when it may flip back.
 */
export function notOwnWrite(shows: { route: string; revision?: string }, saved: string, previous: string): string | undefined {
  let own: OwnWrite[] = [];
  try {
    own = JSON.parse(saved || '[]') as OwnWrite[];
  } catch {
    /* judged below: nothing recorded */
  }
  if (!own.length) return `this run recorded no write of its own, so it cannot tell whether ${shows.route} is its own; leaving it as it is`;
  const mine = own.some((write) => write.route === shows.route && (!write.revision || !shows.revision || write.revision === shows.revision));
  if (mine) return undefined;
  const same = own.find((write) => write.route === shows.route);
  const since = same ? `it shows ${shows.route} as this run left it, but written again since (${shows.revision}, not ${same.revision})` : `it shows ${shows.route}, not what this run wrote (${own.map((write) => write.route).join(' or ')})`;
  return `${since}: someone else changed the router after this run, so the post step leaves it as it is instead of flipping back to ${previous}`;
}
