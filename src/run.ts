import { errorMessage } from './infra/log.js';
import { describePlan, discover, type Plan } from './phases/discover.js';
import { afterError, afterFailedWindow, type Next, type Situation } from './phases/failure.js';
import { intended, ownWrites } from './phases/own-writes.js';
import { afterPromotion, cancelledAfterPromotion, drainOf } from './phases/after-promotion.js';
import { whyNotLive } from './phases/live-version.js';
import { flipBack } from './phases/rollback.js';
import { recordStaged, whyNotStaged } from './phases/staged.js';
import { smokeIdle, warmIdle } from './phases/smoke.js';
import { conclude, RouteGuard } from './phases/verdict.js';
import { nothingWatched, watchWindow } from './phases/watch.js';
import { STATE, type RunDeps } from './run-deps.js';
import { endReport, newReport, type RunReport } from './report/model.js';
import { Timeline } from './report/timeline.js';
import { describeRoute } from './route.js';
import type { Settings } from './settings.js';
import type { Color, HealthSource, Mode, Result, RouteState } from './types.js';

export async function run(settings: Settings, deps: RunDeps): Promise<RunReport> {
  const release = new Release(settings, deps);
  await release.run();
  return release.report;
}

/** The blue-green state machine; each mode's sequence reads as its table of contents. */
class Release {
  readonly report: RunReport;
  private plan: Plan = { current: {} };
  /** True from the moment traffic may have moved: from then on, a failure means flipping back. */
  private trafficMoved = false;
  /** True once one of this run's router changes succeeded. */
  private changedRouter = false;
  /** The router as read back right after this run's last change. */
  private lastWrite?: RouteState;
  private sources: HealthSource[] = [];
  private readonly timeline: Timeline;
  private readonly modes: Record<Mode, () => Promise<void>> = {
    status: () => this.end('unchanged', ''),
    rollback: () => this.rollbackOnRequest(),
    stage: async () => void ((await this.prepare()) && (await this.end('staged', ''))),
    deploy: async () => void ((await this.prepare()) && (await this.shiftAndWatch())),
    promote: async () => void ((await this.prepare()) && (await this.shiftAndWatch())),
  };

  constructor(
    private readonly s: Settings,
    private readonly d: RunDeps,
  ) {
    const { health } = s;
    const thresholds = { failure: health.failureThreshold, error: health.errorThreshold, intervalMs: health.intervalMs, windowMs: health.windowMs };
    this.report = newReport(d.clock, { mode: s.mode, dryRun: s.dryRun, router: d.router.description, version: s.version, colors: s.colors, thresholds });
    this.timeline = new Timeline(this.report.phases, d.log, d.clock, d.signal);
  }

  async run(): Promise<void> {
    const { s, d } = this;
    try {
      if (!(await this.valid((await d.router.preflight?.()) ?? []))) return;
      d.signal.throwIfAborted();
      if (!s.dryRun && s.mode !== 'status') d.fence.hold(await d.router.lock(d.signal));
      const plan = (this.plan = await this.timeline.phase('discover', () => discover(d.router, s.colors, s.mode, d.signal)));
      Object.assign(this.report, { before: describeRoute(plan.current), active: plan.active, target: plan.target, previous: plan.previous });
      d.state.save(STATE.target, plan.target ?? '');
      d.state.save(STATE.previous, plan.previous ?? '');
      d.log.info(describePlan(plan, s.mode, s.dryRun, s.version, d.router));
      await d.onPlan?.(plan);
      if (s.dryRun) return await this.end('unchanged', 'dry run: nothing was changed');
      await this.modes[s.mode]();
    } catch (error) {
      await this.follow(await afterError(error, this.situation()));
    } finally {
      d.state.save(STATE.phase, 'done');
      endReport(this.report, d.clock.now());
    }
  }

  /** Deploy, preview and smoke-test the target, and record what it holds; false when the run ended. */
  private async prepare(): Promise<boolean> {
    const { s, d } = this;
    // The router's own view of the target's health (target health) is watched beside the user's checks.
    this.sources = [...(await d.healthSources(this.vars())), ...(d.router.healthSources?.(this.target) ?? [])];
    if (!(await this.validateSources())) return false;
    if (s.mode !== 'promote' && d.deployer) {
      d.state.save(STATE.phase, 'deploying');
      await this.timeline.phase('deploy', () => d.deployer!.deploy(this.target, this.plan.active, d.signal));
    }
    if (s.mode === 'promote') {
      const why = await this.timeline.phase('check staged version', () => whyNotStaged(d.router, this.target, s.version, (note) => this.report.notes.push(note), d.signal));
      if (why) return this.stop(`${why} Live traffic was not touched.`);
    }
    if (d.router.preview) await this.timeline.phase('preview', () => d.router.preview!(this.target, d.signal));
    if (s.smoke.warmups.length && !(await this.timeline.phase('warm-up', () => this.warmUp()))) return false;
    if (s.smoke.probes.length && !(await this.timeline.phase('smoke', () => this.smoke()))) return false;
    if (s.mode === 'promote') return true;
    const record = { version: s.version, at: new Date(d.clock.now()).toISOString(), by: d.job ?? 'this job' };
    await recordStaged(d.router, this.target, record, d.fence, d.log, d.signal);
    return true;
  }

  private get target(): Color { return this.plan.target!; }

  private vars(): Record<string, string> { return { color: this.target, version: this.s.version, previous: this.plan.previous ?? '' }; }

  /** Sources prove themselves usable against the real service (query, credentials) before deploying. */
  private async validateSources(): Promise<boolean> {
    const checking = this.sources.filter((source) => source.validate);
    if (!checking.length) return true;
    const problems = await this.timeline.phase('validate checks', () => Promise.all(checking.map((source) => source.validate!(this.d.signal))));
    return this.valid(problems.filter((problem): problem is string => problem !== undefined));
  }

  /** Bad inputs end the run as aborted: each problem as a titled error, nothing touched. */
  private async valid(problems: string[]): Promise<boolean> {
    if (!problems.length) return true;
    for (const problem of problems) this.d.log.error(problem, 'Invalid input');
    return this.stop(`Invalid input; nothing was touched. ${problems.join(' ')}`);
  }

  /** Ends the run as aborted, marking the phase it stopped in; returns false. */
  private async stop(reason: string): Promise<false> {
    this.timeline.markLastFailed(reason);
    await this.end('aborted', reason);
    return false;
  }

  /** Warms the target before its smoke tests, so max-latency judges it as clients will meet it; false when it failed. */
  private async warmUp(): Promise<boolean> {
    const { records, failed } = await warmIdle(this.s.smoke, { ...this.d, vars: this.vars() });
    this.report.warmup = records;
    return !failed || this.stop(failed);
  }

  /** Returns false (and ends the run as aborted) when a smoke test failed. */
  private async smoke(advice = ''): Promise<boolean> {
    const { records, failed } = await smokeIdle(this.s.smoke, { ...this.d, vars: this.vars() }, this.s.mode !== 'rollback');
    this.report.smoke = records;
    if (!failed) return true;
    this.d.signal.throwIfAborted();
    return this.stop(`${failed}${advice}`);
  }

  /** Moves traffic step by step (or at once), watching health after each step. */
  private async shiftAndWatch(): Promise<void> {
    const { s, d, sources } = this;
    if (sources.some((source) => source.beforeFlip)) {
      const notes = await this.timeline.phase('baseline', () => Promise.all(sources.map((source) => source.beforeFlip?.(d.signal))));
      this.report.notes.push(...notes.filter((note): note is string => Boolean(note)));
    }
    for (const percent of s.traffic.steps) {
      const expected = this.lastWrite ?? this.plan.current;
      d.signal.throwIfAborted();
      d.state.save(STATE.wrote, ownWrites(this.lastWrite, intended(this.target, s.colors, percent)));
      d.state.save(STATE.phase, 'flipping');
      this.trafficMoved = true;
      if (percent < 100) await this.timeline.phase(`shift ${percent}%`, () => d.router.setWeights!(this.target, percent, expected, d.signal));
      else await this.timeline.phase('flip', () => d.router.flip(this.target, expected, d.signal));
      this.changedRouter = true;
      if (!this.report.flippedAt) {
        this.report.flippedAt = new Date(d.clock.now()).toISOString();
        for (const source of sources) source.trafficMoved?.(Date.parse(this.report.flippedAt));
      }
      // What this run wrote, as the router shows it: what the watch and the verdict hold it to.
      this.lastWrite = await d.router.read(d.signal);
      d.state.save(STATE.wrote, ownWrites(this.lastWrite));
      d.state.save(STATE.phase, 'watching');
      const passed = await this.watchStep(percent);
      if (!passed.passed) return this.follow(await afterFailedWindow(passed.reason!, this.situation()));
    }
    // From here a stop must not flip back: the release passed its window.
    d.state.save(STATE.phase, 'promoted');
    this.report.drain = await drainOf(d.router, this.plan.previous, (note) => this.report.notes.push(note), d.signal);
    if (d.router.afterPromotion) {
      const note = await this.timeline.phase('after promotion', () => afterPromotion(d.router, this.target, this.plan.previous, d.signal)).catch(() => cancelledAfterPromotion(this.plan.previous));
      if (note) this.report.notes.push(note);
    }
    // Read after everything this run did (scale-down-delay may have waited long): the very last act.
    await this.end('promoted', '');
  }

  /** Watches the health sources, and the router itself beside them, for one step's window. */
  private async watchStep(percent: number): Promise<{ passed: boolean; reason?: string }> {
    const { s, d } = this;
    const windowMs = percent < 100 ? s.traffic.stepWindowMs : s.health.windowMs;
    const label = percent < 100 ? `the ${percent}% step` : 'the health window';
    let verdict: { passed: boolean; reason?: string } = { passed: true };
    if (!this.sources.length) nothingWatched(label, this.report.notes, d.log);
    else {
      const guard = new RouteGuard(d.router, this.lastWrite!, d.fence);
      verdict = await this.timeline.phase(`watch ${label.replace(/^the /, '')}`, () => watchWindow([...this.sources, guard], s.health, { windowMs, label, clock: d.clock, signal: d.signal, report: this.report, log: d.log }));
      if (!verdict.passed) this.timeline.markLastFailed(verdict.reason!);
    }
    this.report.steps.push({ percent, windowMs, passed: verdict.passed });
    return verdict;
  }

  /** What the run knows when the failure policy decides (phases/failure.ts). */
  private situation(): Situation {
    const { s, d, plan } = this;
    return { ...d, mode: s.mode, rollbackOnFailure: s.rollbackOnFailure, before: plan.current, previous: plan.previous, target: plan.target, trafficMoved: this.trafficMoved, changedRouter: this.changedRouter };
  }

  /** Carries out what the failure policy decided: end at once, or flip back first. */
  private async follow(next: Next): Promise<void> {
    if ('end' in next) return this.end(next.end, next.reason);
    this.d.state.save(STATE.phase, 'rolling-back');
    try {
      await this.timeline.phase('rollback', () => flipBack(this.d.router, next.rollBackTo, this.d.clock, (m) => this.d.log.warning(m)), { evenIfCancelled: true });
      this.report.rolledBack = true;
      await this.end('rolled-back', next.reason);
    } catch (error) {
      await this.end('failed', `${next.reason}; then the rollback to ${next.rollBackTo} failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Flips back on request, after checking the color it returns to still serves (its smoke tests; the
   * router refuses a color without ready pods or healthy targets where it can tell), unless `emergency`;
   * with `only-if-version`, only while the live color serves that version (read under the lock).
   */
  private async rollbackOnRequest(): Promise<void> {
    const { s, d } = this;
    const notLive = s.onlyIfVersion && (await this.timeline.phase('check live version', () => whyNotLive(d.router, this.plan, s.onlyIfVersion!, this.report, d.signal)));
    if (notLive) return void (await this.stop(notLive));
    const untested = s.emergency ? 'Emergency rollback: the color returned to was not smoke-tested first.' : `No smoke tests are configured, so ${this.target} was not tested before traffic returned to it.`;
    if (s.emergency || !s.smoke.probes.length) this.report.notes.push(untested);
    else if (!(await this.timeline.phase('smoke', () => this.smoke(' Set emergency: true to roll back without this check.')))) return;
    d.state.save(STATE.phase, 'rollback-on-request');
    this.trafficMoved = true;
    await this.timeline.phase('rollback', () => d.router.flip(this.target, this.plan.current, d.signal));
    this.report.flippedAt = new Date(d.clock.now()).toISOString();
    this.report.rolledBack = true;
    await this.end('rolled-back', `Rolled back on request: traffic moved from ${describeRoute(this.plan.current)} to ${this.target}.`);
  }

  /** Ends the run with the verdict as the router shows it now (phases/verdict.ts). */
  private async end(result: Result, reason: string): Promise<void> {
    const { report, plan, s, d } = this;
    const rolledBackTo = s.mode === 'rollback' ? plan.target : plan.previous;
    const verdict = await conclude(d.router, d.clock, d.fence, { result, reason }, { target: plan.target, rolledBackTo, lastWrite: this.lastWrite });
    Object.assign(report, { active: undefined }, verdict);
    for (const note of d.router.notes ?? []) if (!report.notes.includes(note)) report.notes.push(note);
    // Read at the end: a baseline sets its limit just before the flip.
    report.checks = this.sources.map((source) => ({ name: source.name, ...(source.info ?? { unit: 'value' }) }));
    if (verdict.result === 'failed') report.advice = `Check ${d.router.description}: it shows ${report.routerShows}. Run this action with mode "rollback" or "status" once the cause is fixed.`;
    d.log.info(`Result: ${verdict.result}${report.reason ? ` (${report.reason})` : ''}; ${d.router.description} shows ${report.routerShows}.`);
  }
}
