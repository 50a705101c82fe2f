import { errorMessage } from '../../infra/log.js';
import type { Held } from '../../infra/fence.js';
import type { Color, Drain, HealthSource, RouteState, Router } from '../../types.js';
import { assertExpected, RouteChangedError } from '../../route.js';
import type { RouterDeps } from '../module.js';
import { newClient, Route53Error, Zone } from './client.js';
import { HealthCheckSource } from './health.js';
import { lockName, takeLockRecord } from './lock.js';
import type { Route53Settings } from './module.js';
import { changeBatch, describeRecord, pairOf, routeOfPair, sameRecord, ttlSeconds, weightsFor, type Pair } from './records.js';
import { ttlProblem, ttlWarning } from './ttl.js';

/** GetChange is limited to a few calls a second per account; a change is usually in sync within a minute. */
const INSYNC_POLL_MS = 2_000;

export async function createRoute53Router(s: Route53Settings, deps: RouterDeps): Promise<Router> {
  return new Route53Router(s, deps, new Zone(newClient(s.region), s.zoneId));
}

/**
 * Moves traffic between two weighted records of one name and type (one per color, told apart by
 * SetIdentifier). Each change is one atomic batch that deletes the records exactly as read and creates
 * them with their new weights (records.ts): anyone's change in between makes Route 53 refuse the whole
 * batch. A change is done when clients can see it: Route 53 says INSYNC (every name server has it),
 * then the records' TTL has passed (resolvers may answer from their cache until then).
 */
export class Route53Router implements Router {
  readonly description: string;
  private readonly said: string[] = [];
  /** The color that served when this run first read the records: going back there does not wait out a TTL. */
  private firstActive?: Color;
  private readOnce = false;
  /** The health check each color's record names, as last read. */
  private healthChecks: Record<Color, string | undefined> = {};
  /** When this run's last flip (all traffic to one color) was INSYNC, and the records' TTL then. */
  private lastFlip?: { at: number; ttl: number };

  constructor(
    private readonly s: Route53Settings,
    private readonly deps: RouterDeps,
    readonly zone: Zone,
  ) {
    this.description = `route53 ${s.recordType} records ${s.recordName} in hosted zone ${s.zoneId}`;
  }

  get notes(): string[] {
    const byOperation = new Map<string, number>();
    for (const call of this.zone.calls) byOperation.set(call, (byOperation.get(call) ?? 0) + 1);
    const counts = [...byOperation].map(([operation, n]) => `${operation} ${n}`).join(', ');
    return [...this.said, `${this.zone.calls.length} Route 53 API call(s) in this step${counts ? ` (${counts})` : ''}.`];
  }

  async preflight(): Promise<string[]> {
    const { s, zone } = this;
    if (!(await zone.hostedZone())) return [`Input 'hosted-zone-id': hosted zone ${s.zoneId} was not found (or these credentials cannot see it).`];
    const sets = await zone.records(s.recordName, s.recordType);
    if (!sets.length) return [`Input 'record-name': hosted zone ${s.zoneId} has no ${s.recordType} record named ${s.recordName} (check record-name and record-type).`];
    const { pair, missing, unweighted } = pairOf(sets, s.setIdentifiers);
    const problems: string[] = [];
    const found = sets.map((set) => (set.SetIdentifier === undefined ? '(a simple record, no SetIdentifier)' : `"${set.SetIdentifier}"`)).join(', ');
    for (const color of missing) problems.push(`Input 'set-identifier': ${s.recordName} ${s.recordType} has no weighted record with SetIdentifier "${s.setIdentifiers[color]}" for ${color} (found: ${found}). Create one weighted record per color.`);
    for (const color of unweighted) problems.push(`Input 'record-name': the ${s.recordType} record ${s.recordName} with SetIdentifier "${s.setIdentifiers[color]}" is not a weighted record; the route53 router moves traffic by weights.`);
    if (problems.length) return problems;
    const ttl = ttlSeconds(pair);
    const tooLong = ttlProblem(ttl, s);
    if (tooLong) return [tooLong];
    const warning = ttlWarning(ttl, s);
    if (warning) {
      this.deps.log.warning(warning, 'DNS TTL');
      this.said.push(warning);
    }
    return [];
  }

  private async readPair(signal?: AbortSignal): Promise<Pair> {
    const { s } = this;
    const { pair, missing, unweighted } = pairOf(await this.zone.records(s.recordName, s.recordType, signal), s.setIdentifiers);
    const gone = [...missing, ...unweighted];
    if (gone.length) throw new Error(`${this.description} has no weighted record for ${gone.join(' and ')} (SetIdentifier ${gone.map((c) => `"${s.setIdentifiers[c]}"`).join(', ')})`);
    this.healthChecks = Object.fromEntries(Object.entries(pair).map(([color, set]) => [color, set.HealthCheckId]));
    return pair;
  }

  async read(signal?: AbortSignal): Promise<RouteState> {
    const state = routeOfPair(await this.readPair(signal), this.deps.colors);
    if (!this.readOnce) this.firstActive = state.weights ? undefined : state.active;
    this.readOnce = true;
    return state;
  }

  flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, 100, expected, signal);
  }

  setWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, percent, expected, signal);
  }

  private async change(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const callsBefore = this.zone.calls.length;
    const what = percent < 100 ? `Shift of ${percent}% of ${this.description} to ${to}` : `Flip of ${this.description} to ${to}`;
    const before = await this.readPair(signal);
    assertExpected(this.description, routeOfPair(before, this.deps.colors), expected);
    const { changes, written } = changeBatch(before, weightsFor(to, percent, this.deps.colors));
    if (!changes.length) return;
    await this.deps.fence.check(what);
    const started = this.deps.clock.monotonic();
    let id: string;
    try {
      id = (await this.zone.change(changes, `blue-green: ${percent}% to ${to} (${this.deps.owner.job})`.slice(0, 256), signal)).Id!;
    } catch (error) {
      // InvalidChangeBatch also words other refusals (a malformed record); only these three are a race.
      if (error instanceof Route53Error && error.code === 'InvalidChangeBatch' && /do not match|not found|already exists/.test(error.message)) {
        throw new RouteChangedError(
          `${this.description} changed since this run read them: Route 53 refused the change batch, whose DELETE of each record exactly as read no longer matches (${errorMessage(error)}). A batch is all or nothing: nothing was changed. Read as: ${Object.values(before).map(describeRecord).join('; ')}.`,
        );
      }
      throw new Error(`Could not ${percent < 100 ? `shift ${percent}% of` : 'flip'} ${this.description} to ${to}: ${errorMessage(error)}`);
    }
    const insyncMs = await this.waitInsync(id, started, signal);
    await this.readBack(written, signal);
    const calls = this.zone.calls.slice(callsBefore);
    const ttl = ttlSeconds(written);
    if (percent === 100) this.lastFlip = { at: this.deps.clock.now(), ttl };
    const head = `${percent < 100 ? `Shift to ${to} ${percent}%` : `Flip to ${to}`}: change ${id.replace(/^\/change\//, '')} was INSYNC ${(insyncMs / 1000).toFixed(1)} s after it was sent`;
    if ((to === this.firstActive && percent === 100) || !signal) {
      // A return to the color that served before, or a flip back that must finish whatever happens (it
      // comes without the run's signal): no window judges it, so it does not wait.
      this.said.push(`${head}; clients still holding the previous answer move back within the TTL of ${ttl} s. ${calls.length} Route 53 API call(s) (${calls.join(', ')}).`);
      return;
    }
    this.deps.log.info(`${head}; waiting the records' TTL of ${ttl} s, while resolvers may still answer from their cache, before the window counts.`);
    await this.deps.clock.sleep(ttl * 1000, signal);
    this.said.push(`${head}, then this run waited the records' TTL of ${ttl} s before the window counted (clients cache the old answer up to a TTL). ${calls.length} Route 53 API call(s) (${calls.join(', ')}).`);
  }

  /**
   * Resolvers may answer with the left color's records until a TTL after the flip was INSYNC; clients
   * that cache longer than a TTL, or keep a connection open, reach it beyond that.
   */
  async drain(left: Color): Promise<Drain | undefined> {
    if (!this.lastFlip) return undefined;
    const { at, ttl } = this.lastFlip;
    const until = at + ttl * 1000;
    return {
      ms: Math.max(0, until - this.deps.clock.now()),
      note: `Resolvers could answer with ${left}'s records for up to their TTL of ${ttl} s after the flip was INSYNC, until ${new Date(until).toISOString()}; clients that cache DNS beyond its TTL, or keep connections open, reach ${left} longer: keep it serving until they have moved.`,
    };
  }

  /** Polls GetChange until INSYNC, up to ready-timeout; returns the time from sending the change. */
  private async waitInsync(id: string, started: number, signal?: AbortSignal): Promise<number> {
    const { clock, readyTimeoutMs } = this.deps;
    for (;;) {
      const status = await this.zone.changeStatus(id, signal);
      const elapsed = clock.monotonic() - started;
      if (status === 'INSYNC') return elapsed;
      if (elapsed >= readyTimeoutMs) {
        throw new Error(`${this.description}: change ${id} was written but still ${status} after ${(elapsed / 1000).toFixed(0)} s (ready-timeout); Route 53's name servers do not all answer with it yet`);
      }
      await clock.sleep(INSYNC_POLL_MS, signal);
    }
  }

  /** The records must read back exactly as written; anything else is someone else's change. */
  private async readBack(written: Pair, signal?: AbortSignal): Promise<void> {
    const after = await this.zone.records(this.s.recordName, this.s.recordType, signal);
    const differs = Object.values(written).filter((set) => !sameRecord(after.find((a) => a.SetIdentifier === set.SetIdentifier), set));
    if (!differs.length) return;
    const shown = (id?: string) => after.find((a) => a.SetIdentifier === id);
    throw new RouteChangedError(
      `${this.description} were changed by someone else right after this run's change: ${differs.map((set) => `wrote ${describeRecord(set)}, reads ${shown(set.SetIdentifier) ? describeRecord(shown(set.SetIdentifier)!) : 'nothing'}`).join('; ')}. Leaving them as they are.`,
    );
  }

  /** The Route 53 health check attached to the target's record, when there is one. */
  healthSources(target: Color): HealthSource[] {
    const id = this.healthChecks[target];
    return id ? [new HealthCheckSource(this.zone, id, target)] : [];
  }

  lock(signal?: AbortSignal): Promise<Held> {
    const { s, deps } = this;
    return takeLockRecord(this.zone, lockName(s.recordName), deps.owner.job, deps.lockTimeoutMs, deps.clock, deps.log, signal);
  }
}
