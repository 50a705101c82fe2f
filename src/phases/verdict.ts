import type { Fence } from '../infra/fence.js';
import { describeRoute } from '../routers/compare.js';
import type { Color, HealthSource, Result, RouteState, Router, Sample } from '../types.js';

/**
 * The verdict must be what the router shows at the end (DESIGN §4, invariant 8). Given the result a
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
