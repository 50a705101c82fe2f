import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorMessage } from '../../infra/log.js';
import { ExclusionLostError, type Held } from '../../infra/fence.js';
import type { Color, Drain, HealthSource, RouteState, Router, StagedRecord } from '../../types.js';
import { assertExpected, RouteChangedError } from '../../route.js';
import type { RouterDeps } from '../module.js';
import { describeForward, forwardOf, groupStickiness, routeOf, withWeights } from './actions.js';
import { Elb, fromTagValue, newClient, toTagValue } from './client.js';
import { MARGIN_MS, takeLockRule } from './lock.js';

const WRITE_WITHIN_MS = MARGIN_MS / 2;
import { fingerprint, shapeDifference, type Snapshot } from './snapshot.js';
import type { AlbSettings } from './module.js';
import { TargetHealthSource, waitHealthy } from './targets.js';

/** Where a color's staged version is recorded: tags on its target group, visible in the console. */
export const STAGED_TAGS = { version: 'blue-green-action:staged-version', at: 'blue-green-action:staged-at', by: 'blue-green-action:staged-by' };
const TAG_VALUE_MAX = 256;

export async function createAlbRouter(s: AlbSettings, deps: RouterDeps): Promise<Router> {
  return new AlbRouter(s, deps, new Elb(newClient({ region: s.region })));
}

/**
 * Flips the forward action of a listener (its default action) or of one rule. ELBv2 has no
 * conditional write, so each change reads the actions just before writing (compared with what
 * discovery read), asks the fence, writes the whole list back with only the forward action changed,
 * and reads back everything (snapshot.ts): a read-back that differs from the write in any way is a lost
 * race, reported, never papered over. Between runs of this action the lock rule excludes the race;
 * against a person or another tool writing between the read and the write (one API round trip,
 * tens of milliseconds), the read-back is what remains. The revision is a fingerprint of the whole
 * action list, so a change made after this run's write is seen by the verdict too.
 */
export class AlbRouter implements Router {
  readonly description: string;
  readonly preview?: (color: Color, signal?: AbortSignal) => Promise<void>;
  /** The forward action as this run first read it: its shape is the one every change keeps. */
  private template?: Action;
  /** The color that served when this run first read the router: going back there is never held up. */
  private firstActive?: Color;
  private readonly said: string[] = [];
  private stickinessChecked = false;

  constructor(
    private readonly s: AlbSettings,
    private readonly deps: RouterDeps,
    readonly elb: Elb,
  ) {
    this.description = s.ruleArn ? `aws-alb rule ${s.ruleArn}` : `aws-alb listener ${s.listenerArn}`;
    if (s.testListenerArn) this.preview = (color, signal) => this.pointTestListener(color, signal);
  }

  get notes(): string[] {
    const byOperation = new Map<string, number>();
    for (const call of this.elb.calls) byOperation.set(call, (byOperation.get(call) ?? 0) + 1);
    const counts = [...byOperation].map(([operation, n]) => `${operation} ${n}`).join(', ');
    return [...this.said, `${this.elb.calls.length} ELBv2 API call(s) in this step${counts ? ` (${counts})` : ''}.`];
  }

  private other(color: Color): Color {
    return this.deps.colors.find((c) => c !== color)!;
  }

  async preflight(): Promise<string[]> {
    const { s, elb } = this;
    const input = s.ruleArn ? 'rule-arn' : 'listener-arn';
    const problems: string[] = [];
    const listener = await elb.listener(s.lockListenerArn);
    if (!listener) return [`Input '${input}': listener ${s.lockListenerArn} was not found in ${s.region}.`];
    if (s.ruleArn) {
      const rule = await elb.rule(s.ruleArn);
      if (!rule) problems.push(`Input 'rule-arn': rule ${s.ruleArn} was not found.`);
      else problems.push(...this.forwardProblems('rule-arn', `rule ${s.ruleArn}`, rule.Actions ?? []));
    } else problems.push(...this.forwardProblems('listener-arn', `listener ${s.listenerArn}`, listener.DefaultActions ?? []));
    for (const [color, arn] of Object.entries(s.targetGroups)) {
      const group = await elb.targetGroup(arn);
      const attached = group?.LoadBalancerArns ?? [];
      if (!group) problems.push(`Input 'target-groups': the target group for ${color} (${arn}) was not found.`);
      else if (attached.length && !attached.includes(listener.LoadBalancerArn ?? '')) {
        problems.push(`Input 'target-groups': the target group for ${color} (${group.TargetGroupName}) is attached to load balancer ${attached.join(', ')}, not to ${listener.LoadBalancerArn}, the listener's; a target group serves one load balancer.`);
      }
    }
    if (s.testListenerArn) {
      const test = await elb.listener(s.testListenerArn);
      if (!test) problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} was not found.`);
      else if (test.LoadBalancerArn !== listener.LoadBalancerArn) problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} is on load balancer ${test.LoadBalancerArn}, not on ${listener.LoadBalancerArn} with the live listener.`);
      else if (!forwardOf(test.DefaultActions ?? [])) problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} has no forward action to point at the idle color.`);
    }
    return problems;
  }

  /** The live forward action must exist and name only the colors' groups. */
  private forwardProblems(input: string, where: string, actions: Action[]): string[] {
    if (!forwardOf(actions)) return [`Input '${input}': ${where} does not forward (its actions: ${actions.map((a) => a.Type).join(', ') || 'none'}); only a forward action can be flipped.`];
    try {
      routeOf(actions, this.s.targetGroups, where);
      return [];
    } catch (error) {
      return [`Input 'target-groups': ${errorMessage(error)}.`];
    }
  }

  private async snapshot(signal?: AbortSignal): Promise<Snapshot> {
    const { s, elb } = this;
    if (s.ruleArn) {
      const rule = await elb.rule(s.ruleArn, signal);
      if (!rule) throw new Error(`rule ${s.ruleArn} was not found`);
      return { actions: rule.Actions ?? [], conditions: rule.Conditions ?? [], priority: rule.Priority };
    }
    const listener = await elb.listener(s.listenerArn, signal);
    if (!listener) throw new Error(`listener ${s.listenerArn} was not found`);
    return { actions: listener.DefaultActions ?? [] };
  }

  private stateOf(snapshot: Snapshot): RouteState {
    const { actions } = snapshot;
    const state = routeOf(actions, this.s.targetGroups, this.description);
    if (!this.template) {
      this.template = structuredClone(forwardOf(actions));
      this.firstActive = state.weights ? undefined : state.active;
    }
    return { ...state, revision: fingerprint(snapshot) };
  }

  async read(signal?: AbortSignal): Promise<RouteState> {
    return this.stateOf(await this.snapshot(signal));
  }

  flip(to: Color, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, 100, expected, signal);
  }

  setWeights(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    return this.change(to, percent, expected, signal);
  }

  private async change(to: Color, percent: number, expected: RouteState, signal?: AbortSignal): Promise<void> {
    const callsBefore = this.elb.calls.length;
    await this.requireHealthy(to, signal);
    if (percent < 100 && !this.stickinessChecked) await this.checkStickiness((await this.snapshot(signal)).actions, signal);
    // Read, compare, fence and write back to back: the window in which another writer could interleave.
    const before = await this.snapshot(signal);
    assertExpected(this.description, this.stateOf(before), expected);
    const written = withWeights(before.actions, this.template!, this.s.targetGroups[to], this.s.targetGroups[this.other(to)], percent);
    const what = `${percent < 100 ? `Shifting ${percent}% of` : 'The flip of'} ${this.description} to ${to}`;
    try {
      await this.fenced(what, signal, (bounded) => (this.s.ruleArn ? this.elb.modifyRule(this.s.ruleArn, written, bounded) : this.elb.modifyListener(this.s.listenerArn, written, bounded)));
    } catch (error) {
      if (error instanceof ExclusionLostError) throw error;
      throw new Error(`Could not ${percent < 100 ? `shift ${percent}% of` : 'flip'} ${this.description} to ${to}: ${errorMessage(error)}`);
    }
    const after = await this.snapshot(signal);
    const back = forwardOf(after.actions);
    const foreign = shapeDifference(before, after);
    if (describeForward(back) !== describeForward(forwardOf(written)) || foreign) {
      const forwards = describeForward(back) === describeForward(forwardOf(written)) ? '' : ` It forwards to ${describeForward(back)}, but this run wrote ${describeForward(forwardOf(written))}.`;
      throw new RouteChangedError(
        `${this.description} was changed by someone else around this run's write:${forwards}${foreign ? ` Besides the forward targets, ${foreign}.` : ''} ELBv2 has no conditional write, so this run's write may have erased that change; leaving it as it is. Check the listener and restore what is missing.`,
        true,
      );
    }
    const calls = this.elb.calls.slice(callsBefore);
    this.said.push(`${percent < 100 ? `Shift to ${to} ${percent}%` : `Flip to ${to}`}: ${calls.length} ELBv2 API call(s) (${calls.join(', ')}).`);
  }

  /**
   * New traffic goes only to a color whose targets are all healthy, waiting up to ready-timeout. Going
   * back to the color that served before this run is never held up: a rollback must not wait.
   */
  private async requireHealthy(color: Color, signal?: AbortSignal): Promise<void> {
    const arn = this.s.targetGroups[color];
    if (color !== this.firstActive) {
      await waitHealthy(this.elb, arn, color, this.deps.readyTimeoutMs, this.deps.clock, signal, this.deps.log);
      return;
    }
    await waitHealthy(this.elb, arn, color, 0, this.deps.clock, signal).catch((error: unknown) => {
      this.deps.log.warning(`Returning traffic to ${color} although ${errorMessage(error)}.`, 'Target health');
    });
  }

  /** Weighted steps without target group stickiness move sticky sessions between colors: warn. */
  private async checkStickiness(actions: Action[], signal?: AbortSignal): Promise<void> {
    this.stickinessChecked = true;
    if (groupStickiness(actions)) return;
    for (const [color, arn] of Object.entries(this.s.targetGroups)) {
      if ((await this.elb.attributes(arn, signal))['stickiness.enabled'] !== 'true') continue;
      const message = `${color}'s target group keeps sessions on a target (stickiness.enabled), but the forward action of ${this.description} has target group stickiness off: during traffic steps a client bounces between colors. Turn on TargetGroupStickinessConfig in its ForwardConfig.`;
      this.deps.log.warning(message, 'Stickiness');
      this.said.push(message);
      return;
    }
  }

  /**
   * In-flight requests on the color left may last up to its group's deregistration delay. With target
   * group stickiness on the forward action, and the left group still named in it (at weight 0), a
   * client already bound to that group stays there until its stickiness duration expires.
   */
  async drain(left: Color, signal?: AbortSignal): Promise<Drain> {
    const arn = this.s.targetGroups[left];
    const name = arn.replace(/^.*:targetgroup\//, '');
    const delay = Number((await this.elb.attributes(arn, signal))['deregistration_delay.timeout_seconds']);
    const forward = forwardOf((await this.snapshot(signal)).actions)?.ForwardConfig;
    const sticky = forward?.TargetGroupStickinessConfig;
    const bound = sticky?.Enabled && forward?.TargetGroups?.some((group) => group.TargetGroupArn === arn) ? (sticky.DurationSeconds ?? 0) : 0;
    const at = (seconds: number) => new Date(this.deps.clock.now() + seconds * 1000).toISOString();
    const note = Number.isFinite(delay)
      ? `${left}'s target group (${name}) may finish in-flight requests for up to its deregistration delay of ${delay} s: ${left} is idle from ${at(Math.max(delay, bound))}.`
      : `${left}'s target group (${name}) has no deregistration delay to read: requests in flight there are not bounded by it.`;
    const sessions = bound
      ? `${this.description} keeps target group stickiness (${bound} s) and still names ${left}'s group (weight 0): clients bound to ${left} before the flip stay on ${left} until their stickiness expires, by ${at(bound)}.`
      : undefined;
    return { ms: Math.max(Number.isFinite(delay) ? delay : 0, bound) * 1000, note, sessions };
  }

  /**
   * Points the test listener first, then waits for the color's targets: a group no listener forwards to
   * is not health-checked at all (`unused`, Target.NotInUse), so pointing is what lets it turn healthy.
   */
  private async pointTestListener(color: Color, signal?: AbortSignal): Promise<void> {
    const { s, elb } = this;
    const listener = await elb.listener(s.testListenerArn, signal);
    const actions = listener?.DefaultActions ?? [];
    const forward = forwardOf(actions);
    if (!forward) throw new Error(`test listener ${s.testListenerArn} was not found or does not forward`);
    const written = withWeights(actions, forward, s.targetGroups[color], s.targetGroups[this.other(color)], 100);
    try {
      await this.fenced(`Pointing test listener ${s.testListenerArn} at ${color}`, signal, (bounded) => elb.modifyListener(s.testListenerArn, written, bounded));
    } catch (error) {
      if (error instanceof ExclusionLostError) throw error;
      throw new Error(`Could not point test listener ${s.testListenerArn} at ${color}: ${errorMessage(error)}`);
    }
    const back = forwardOf((await elb.listener(s.testListenerArn, signal))?.DefaultActions ?? []);
    if (describeForward(back) !== describeForward(forwardOf(written))) throw new Error(`test listener ${s.testListenerArn} forwards to ${describeForward(back)} after this run pointed it at ${color}`);
    this.deps.log.info(`Test listener ${s.testListenerArn} now forwards to ${color}.`);
    await waitHealthy(elb, s.targetGroups[color], color, this.deps.readyTimeoutMs, this.deps.clock, signal, this.deps.log);
  }

  /**
   * One write, as the fence allows it: checked right before it is sent, and given up unless answered
   * within half the margin the lock keeps before a waiter may take over (the SDK's retries included);
   * the other half covers a request already inside ELBv2 when it is given up. A write still in flight
   * after that could land beside the next holder's.
   */
  private async fenced(what: string, signal: AbortSignal | undefined, write: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    const landBy = AbortSignal.timeout(WRITE_WITHIN_MS);
    await this.deps.fence.check(what);
    try {
      await write(signal ? AbortSignal.any([signal, landBy]) : landBy);
    } catch (error) {
      if (!landBy.aborted || signal?.aborted) throw error;
      throw new Error(`ELBv2 did not answer within ${WRITE_WITHIN_MS / 1000} s (half the time this run's lock keeps for a write to land), so it was given up (it may still have landed)`);
    }
  }

  lock(signal?: AbortSignal): Promise<Held> {
    return takeLockRule(this.elb, this.s.lockListenerArn, this.deps.owner.job, this.deps.lockTimeoutMs, this.deps.clock, this.deps.log, signal);
  }

  healthSources(target: Color): HealthSource[] {
    return [new TargetHealthSource(this.elb, this.s.targetGroups[target], target)];
  }

  async recordStaged(color: Color, record: StagedRecord): Promise<void> {
    const tags = { [STAGED_TAGS.version]: toTagValue(record.version), [STAGED_TAGS.at]: toTagValue(record.at), [STAGED_TAGS.by]: toTagValue(record.by) };
    const long = Object.entries(tags).find(([, value]) => value.length > TAG_VALUE_MAX);
    if (long) throw new Error(`tag ${long[0]} would be ${long[1].length} characters, more than the ${TAG_VALUE_MAX} AWS allows`);
    await this.elb.addTags(this.s.targetGroups[color], tags);
  }

  async readStaged(color: Color): Promise<StagedRecord | undefined> {
    const arn = this.s.targetGroups[color];
    const tags = await this.elb.tags(arn);
    if (!tags) throw new Error(`target group ${arn} was not found`);
    if (!(STAGED_TAGS.version in tags)) return undefined;
    return { version: fromTagValue(tags[STAGED_TAGS.version]), at: fromTagValue(tags[STAGED_TAGS.at] ?? ''), by: fromTagValue(tags[STAGED_TAGS.by] ?? '') };
  }
}
