import type { Clock } from '../infra/clock.js';
import type { Fence } from '../infra/fence.js';
import { errorMessage, oneLine } from '../infra/log.js';
import { describeRoute } from '../route.js';
import { readForVerdict } from './rollback.js';
import type { Color, HealthSource, Result, RouteState, Router, Sample } from '../types.js';

/**
 * The verdict must be what the router shows at the end: the outputs never claim more. Given the result a
 * run reached and the router as read at the end, returns why that result would be untrue, or
 * undefined when it holds: `promoted` needs the target alone, still as this run wrote it; `rolled-back`
 * needs the color it returned to alone.
 */
export function untrueVerdict(result: Result, shows: RouteState, expect: { target?: Color; rolledBackTo?: Color; lastWrite?: RouteState }): string | undefined {
  const alone = (color: Color | undefined) => color !== undefined && shows.active === color && !shows.weights;
  if (result === 'promoted') {
    if (!alone(expect.target)) return `the router shows ${describeRoute(shows)} at the end, not ${expect.target}: it was changed outside this run`;
    const written = expect.lastWrite?.revision;
    if (written && shows.revision && written !== shows.revision) {
      return `the router shows ${expect.target}, but it was rewritten after this run's flip by something else, so this run cannot vouch for it`;
    }
  }
  if (result === 'rolled-back' && !alone(expect.rolledBackTo)) {
    return `the router shows ${describeRoute(shows)} at the end, not ${expect.rolledBackTo}: it was changed outside this run`;
  }
  return undefined;
}

/**
 * Reads the router with every sample: a router that stopped showing what this run set (someone flipped
 * it, a reload reverted it) fails the window at once, whatever failure-threshold says, and so does a
 * lost lock (another run may be writing). A router that cannot be read counts as an unmeasurable
 * sample, like any other source.
 */
export class RouteGuard implements HealthSource {
  readonly name: string;
  readonly critical = true;

  constructor(
    private readonly router: Router,
    private readonly expected: RouteState,
    private readonly fence: Fence,
  ) {
    this.name = `router (${router.description})`;
  }

  async sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>> {
    const lost = await this.fence.lost();
    if (lost) return { status: 'fail', detail: `this run lost its exclusive hold on the router (${lost})` };
    const shows = await this.router.read(signal);
    const want = describeRoute(this.expected);
    if (describeRoute(shows) === want) return { status: 'pass', detail: `shows ${want}` };
    return { status: 'fail', detail: `no longer shows ${want}: it shows ${describeRoute(shows)} (changed outside this run, or reverted by a reload)` };
  }
}

/** What the run says at its end, as the router shows it then. */
export interface Verdict {
  result: Result;
  reason: string;
  routerShows: string;
  /** What the router shows; undefined when it could not be read. */
  active?: Color;
}

/**
 * The verdict, read from the router now (the run's last act): `active-color` is what it shows (empty
 * when it cannot be read), a result the router contradicts becomes `failed`, and so does a `promoted` or
 * `rolled-back` of a run that lost its lock before the end (it cannot vouch for what it sees).
 */
export async function conclude(
  router: Router,
  clock: Clock,
  fence: Fence,
  reached: { result: Result; reason: string },
  expect: { target?: Color; rolledBackTo?: Color; lastWrite?: RouteState },
): Promise<Verdict> {
  let { result } = reached;
  const { reason } = reached;
  const read = await readForVerdict(router, clock).then(
    (shows) => ({ shows }),
    (error: unknown) => ({ error: errorMessage(error) }),
  );
  if ('error' in read) {
    if (result === 'promoted' || result === 'rolled-back') result = 'failed';
    // The cause is said once: a router that failed the run the same way is not quoted twice.
    const repeated = reason.includes(read.error);
    const note = repeated ? 'the router could not be read at the end either, so active-color is empty' : `the router could not be read at the end (${read.error}), so active-color is empty`;
    return { result, reason: joined(reason, note), routerShows: `unknown: the router could not be read (${repeated ? 'the same error as the reason' : read.error})` };
  }
  let note = untrueVerdict(result, read.shows, expect);
  if (note) result = 'failed';
  const lost = await fence.lost();
  if (lost && (result === 'promoted' || result === 'rolled-back')) {
    [result, note] = ['failed', `this run lost its exclusive hold on the router before the end (${lost}), so it cannot vouch for what the router shows`];
  }
  return { result, reason: joined(reason, note), routerShows: describeRoute(read.shows), active: read.shows.active };
}

const joined = (...parts: (string | undefined)[]) => oneLine(parts.filter(Boolean).join('; '));
