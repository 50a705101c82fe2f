import type { Clock } from './infra/clock.js';
import { ExclusionLostError, type Fence } from './infra/fence.js';
import { errorMessage, oneLine, type Log, type StateStore } from './infra/log.js';
import { discover, type Plan } from './phases/discover.js';
import { flipBack, readForVerdict } from './phases/rollback.js';
import { recordStaged, whyNotStaged } from './phases/staged.js';
import { smokeTest } from './phases/smoke.js';
import { RouteGuard, untrueVerdict } from './phases/verdict.js';
import { watch } from './phases/watch.js';
import { newReport, type RunReport } from './report/model.js';
import { Timeline } from './report/timeline.js';
import { describeRoute, RouteChangedError, sameRoute } from './routers/compare.js';
import type { Settings } from './settings.js';
import type { Color, Deployer, HealthSource, Result, RouteState, Router } from './types.js';

export interface RunDeps {
  router: Router;
  deployer?: Deployer;
  /** Health sources for a release to `target` (from `previous`). */
  healthSources: (vars: Record<string, string>) => Promise<HealthSource[]>;
  clock: Clock;
  log: Log;
  state: StateStore;
  /** Aborted on SIGINT/SIGTERM: the run stops waiting and puts traffic back. */
  signal: AbortSignal;
  /**
   * Holds the router's lock once taken; every write checks it. The caller releases it after the outputs
   * and summary are written, so nobody moves traffic between the verdict and the end of the step.
   */
  fence: Fence;
  /** Who runs this release (the lock owner), for the staged-version record. */
  job?: string;
  /** Told the plan once discovered, before anything changes (main starts the GitHub deployment record). */
  onPlan?: (plan: Plan) => Promise<void>;
}

/**
 * State keys the post step reads; `phase` is saved before each side effect, `owner` is this step's
 * lock identity, `wrote` the router states this run's last write may have left (see post-decision).
 */
export const STATE = { phase: 'phase', target: 'target', previous: 'previous', owner: 'owner', wrote: 'wrote' } as const;
/** Phases during which traffic may be on the new color before its window passed. */
export const TRAFFIC_AT_RISK = ['flipping', 'watching'];

export async function run(settings: Settings, deps: RunDeps): Promise<RunReport> {
  const release = new Release(settings, deps);
  await release.run();
  return release.report;
}

/** The blue-green state machine; `steps` reads as the table of contents. */
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

  constructor(
    private readonly s: Settings,
    private readonly d: RunDeps,
  ) {
    const { health } = s;
    this.report = newReport(d.clock, {
      mode: s.mode,
      dryRun: s.dryRun,
      router: d.router.description,
      version: s.version,
      colors: s.colors,
      thresholds: { failure: health.failureThreshold, error: health.errorThreshold, intervalMs: health.intervalMs, windowMs: health.windowMs },
    });
    this.timeline = new Timeline(this.report.phases, d.log, d.clock, d.signal);
  }

  async run(): Promise<void> {
    try {
      if (!(await this.preflight())) return;
      this.d.signal.throwIfAborted();
      if (!this.s.dryRun && this.s.mode !== 'status') this.d.fence.hold(await this.d.router.lock(this.d.signal));
      await this.steps();
    } catch (error) {
      await this.failed(error);
    } finally {
      this.d.state.save(STATE.phase, 'done');
      const now = this.d.clock.now();
      this.report.endedAt = new Date(now).toISOString();
      this.report.durationSeconds = Math.round((now - Date.parse(this.report.startedAt)) / 1000);
    }
  }

  private async steps(): Promise<void> {
    const { s } = this;
    this.plan = await this.phase('discover', () => discover(this.d.router, s.colors, s.mode, this.d.signal));
    this.announcePlan();
    await this.d.onPlan?.(this.plan);
    if (s.dryRun || s.mode === 'status') return this.end('unchanged', s.dryRun ? 'dry run: nothing was changed' : '');
    if (s.mode === 'rollback') return this.rollbackMode();
    // The router's own view of the target's health (target health) is watched beside the user's checks.
    this.sources = [...(await this.d.healthSources(this.vars())), ...(this.d.router.healthSources?.(this.target) ?? [])];
    if (!(await this.validateSources())) return;
    if (s.mode !== 'promote' && this.d.deployer) {
      this.d.state.save(STATE.phase, 'deploying');
      await this.phase('deploy', () => this.d.deployer!.deploy(this.target, this.plan.active, this.d.signal));
    }
    if (s.mode === 'promote' && !(await this.stagedIsTheVersion())) return;
    if (this.d.router.preview) await this.phase('preview', () => this.d.router.preview!(this.target, this.d.signal));
    if (s.smoke.probes.length && !(await this.phase('smoke', () => this.smoke()))) return;
    if (s.mode !== 'promote') {
      const record = { version: s.version, at: new Date(this.d.clock.now()).toISOString(), by: this.d.job ?? 'this job' };
      await recordStaged(this.d.router, this.target, record, this.d.fence, this.d.log, this.d.signal);
    }
    if (s.mode === 'stage') return this.end('staged', '');
    await this.shiftAndWatch();
  }

  private phase<T>(name: string, body: () => Promise<T>, options?: { evenIfCancelled?: boolean }): Promise<T> {
    return this.timeline.phase(name, body, options);
  }

  private get target(): Color {
    return this.plan.target!;
  }

  private vars(): Record<string, string> {
    return { color: this.target, version: this.s.version, previous: this.plan.previous ?? '' };
  }

  private announcePlan(): void {
    const { plan, report, s } = this;
    Object.assign(report, { before: describeRoute(plan.current), active: plan.active, target: plan.target, previous: plan.previous });
    this.d.state.save(STATE.target, plan.target ?? '');
    this.d.state.save(STATE.previous, plan.previous ?? '');
    const from = plan.active ?? 'no live color (first release)';
    if (s.mode === 'status') this.d.log.info(`${this.d.router.description} shows ${describeRoute(plan.current)}.`);
    else this.d.log.info(`Plan (${s.mode}${s.dryRun ? ', dry run' : ''}): ${from} -> ${plan.target}, version ${s.version}, via ${this.d.router.description}.`);
  }

  /** The router looks at what its inputs name (files, sockets): a missing one is a bad input. */
  private async preflight(): Promise<boolean> {
    const problems = (await this.d.router.preflight?.()) ?? [];
    return problems.length === 0 || this.invalid(problems);
  }

  /** Sources prove themselves usable against the real service (query, credentials) before deploying. */
  private async validateSources(): Promise<boolean> {
    const checking = this.sources.filter((source) => source.validate);
    if (!checking.length) return true;
    const problems = (await this.phase('validate checks', () => Promise.all(checking.map((source) => source.validate!(this.d.signal))))).filter(
      (problem): problem is string => problem !== undefined,
    );
    if (!problems.length) return true;
    this.timeline.markLastFailed(problems.join(' '));
    return this.invalid(problems);
  }

  /** Promote only what was staged and approved; the reason is its own, traffic untouched. */
  private async stagedIsTheVersion(): Promise<boolean> {
    const why = await this.phase('check staged version', () => whyNotStaged(this.d.router, this.target, this.s.version, (note) => this.report.notes.push(note), this.d.signal));
    if (!why) return true;
    this.timeline.markLastFailed(why);
    await this.end('aborted', `${why} Live traffic was not touched.`);
    return false;
  }

  /** Ends the run as a bad input: each problem as a titled error, nothing touched. Returns false. */
  private async invalid(problems: string[]): Promise<false> {
    for (const problem of problems) this.d.log.error(problem, 'Invalid input');
    await this.end('aborted', `Invalid input; nothing was touched. ${problems.join(' ')}`);
    return false;
  }

  /** Returns false (and ends the run as aborted) when a smoke test failed. */
  private async smoke(advice = ''): Promise<boolean> {
    const { smoke } = this.s;
    const results = await smokeTest(smoke.probes, this.vars(), {
      timeoutMs: smoke.timeoutMs,
      retries: smoke.retries,
      clock: this.d.clock,
      signal: this.d.signal,
      onResult: (r) => this.d.log.info(`${r.ok ? 'pass' : 'FAIL'} ${r.name}: ${r.detail} (${r.attempts} attempt(s))`),
    });
    this.report.smoke = results;
    const failed = results.filter((r) => !r.ok);
    if (failed.length === 0) return true;
    this.d.signal.throwIfAborted();
    const first = failed[0];
    const reason = `Smoke test failed on ${this.target}: ${first.name}: ${first.detail}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}. Live traffic was not touched.${advice}`;
    this.timeline.markLastFailed(reason);
    await this.end('aborted', reason);
    return false;
  }

  /** Moves traffic step by step (or at once), watching health after each step. */
  private async shiftAndWatch(): Promise<void> {
    const { s, d } = this;
    const sources = this.sources;
    if (sources.some((source) => source.beforeFlip)) {
      const notes = await this.phase('baseline', () => Promise.all(sources.map((source) => source.beforeFlip?.(d.signal))));
      for (const note of notes) if (note) this.report.notes.push(note);
    }
    let expected = this.plan.current;
    for (const percent of s.traffic.steps) {
      d.signal.throwIfAborted();
      this.saveWrites(this.intended(percent));
      d.state.save(STATE.phase, 'flipping');
      this.trafficMoved = true;
      if (percent < 100) await this.phase(`shift ${percent}%`, () => d.router.setWeights!(this.target, percent, expected, d.signal));
      else await this.phase('flip', () => d.router.flip(this.target, expected, d.signal));
      this.changedRouter = true;
      if (!this.report.flippedAt) {
        this.report.flippedAt = new Date(d.clock.now()).toISOString();
        for (const source of sources) source.trafficMoved?.(Date.parse(this.report.flippedAt));
      }
      // What this run wrote, as the router shows it: what the watch and the verdict hold it to.
      expected = this.lastWrite = await d.router.read(d.signal);
      this.saveWrites();
      d.state.save(STATE.phase, 'watching');
      const windowMs = percent < 100 ? s.traffic.stepWindowMs : s.health.windowMs;
      const label = percent < 100 ? `the ${percent}% step` : 'the health window';
      const verdict = await this.watchFor(sources, new RouteGuard(d.router, this.lastWrite, d.fence), windowMs, label);
      if (!verdict.passed) this.timeline.markLastFailed(verdict.reason!);
      this.report.steps.push({ percent, windowMs, passed: verdict.passed });
      if (!verdict.passed) return this.windowFailed(verdict.reason!);
    }
    // From here a stop must not flip back: the release passed its window.
    d.state.save(STATE.phase, 'promoted');
    await this.afterPromotion();
    // Read after everything this run did (scale-down-delay may have waited long): the very last act.
    await this.end('promoted', '');
  }

  /** What a write to `percent` on the target should leave the router showing. */
  private intended(percent: number): RouteState {
    if (percent >= 100) return { active: this.target };
    const other = this.s.colors.find((color) => color !== this.target)!;
    return { active: percent >= 50 ? this.target : other, weights: { [this.target]: percent, [other]: 100 - percent } };
  }

  /**
   * Saves, before and after each write, the states this run's own write may have left: the post step
   * undoes only those, never a state someone else wrote since.
   */
  private saveWrites(pending?: RouteState): void {
    const own = [this.lastWrite, pending].filter((state): state is RouteState => state !== undefined);
    this.d.state.save(STATE.wrote, JSON.stringify(own.map((state) => ({ route: describeRoute(state), revision: state.revision }))));
  }

  /** Watches the health sources, and the router itself beside them, for one window. */
  private async watchFor(sources: HealthSource[], guard: RouteGuard, windowMs: number, label: string) {
    if (sources.length === 0) {
      this.report.notes.push(`No health checks were configured, so ${label} was not watched.`);
      return { passed: true };
    }
    const { health } = this.s;
    return this.phase(`watch ${label.replace(/^the /, '')}`, () =>
      watch([...sources, guard], {
        windowMs,
        intervalMs: health.intervalMs,
        failureThreshold: health.failureThreshold,
        errorThreshold: health.errorThreshold,
        clock: this.d.clock,
        signal: this.d.signal,
        label,
        onSample: (sample) => {
          this.report.samples.push(sample);
          if (sample.status !== 'pass') this.d.log.info(`${sample.status}: ${sample.source}: ${sample.detail}`);
        },
      }),
    );
  }

  /**
   * What the router does once a promotion is verified (e.g. scale the previous color down after a
   * delay). It never undoes the promotion: a failure or a cancel here is a note, not a rollback.
   */
  private async afterPromotion(): Promise<void> {
    const { router, signal } = this.d;
    const previous = this.plan.previous;
    if (!router.afterPromotion || !previous) return;
    const cancelled = `The run was cancelled after the promotion was verified; ${previous} was left as it was.`;
    const note = await this.phase('after promotion', () =>
      router.afterPromotion!(this.target, previous, signal).catch((error: unknown) => (signal.aborted ? cancelled : `After the promotion: ${errorMessage(error)}`)),
    ).catch(() => cancelled);
    if (note) this.report.notes.push(note);
  }

  private async windowFailed(reason: string): Promise<void> {
    const { previous } = this.plan;
    const lost = await this.d.fence.lost();
    if (lost) return this.exclusionLost(reason);
    if (!this.s.rollbackOnFailure) return this.end('failed', `${reason}; rollback-on-failure is false, so traffic was left on ${this.target}.`);
    if (!previous) return this.end('failed', `${reason}; this was the first release, so there is no previous color to return to.`);
    await this.rollBack(previous, reason);
  }

  private async rollBack(previous: Color, reason: string): Promise<void> {
    this.d.state.save(STATE.phase, 'rolling-back');
    try {
      await this.phase('rollback', () => flipBack(this.d.router, previous, this.d.clock, (m) => this.d.log.warning(m)), { evenIfCancelled: true });
      this.report.rolledBack = true;
      await this.end('rolled-back', reason);
    } catch (error) {
      await this.end('failed', `${reason}; then the rollback to ${previous} failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Flips back on request, after checking the color it returns to still serves (its smoke tests; the
   * router refuses a color without ready pods or healthy targets where it can tell), unless `emergency`.
   */
  private async rollbackMode(): Promise<void> {
    const { s } = this;
    if (s.emergency) this.report.notes.push('Emergency rollback: the color returned to was not smoke-tested first.');
    else if (s.smoke.probes.length) {
      if (!(await this.phase('smoke', () => this.smoke(' Set emergency: true to roll back without this check.')))) return;
    } else this.report.notes.push(`No smoke tests are configured, so ${this.target} was not tested before traffic returned to it.`);
    this.d.state.save(STATE.phase, 'rollback-on-request');
    this.trafficMoved = true;
    await this.phase('rollback', () => this.d.router.flip(this.target, this.plan.current, this.d.signal));
    this.report.flippedAt = new Date(this.d.clock.now()).toISOString();
    this.report.rolledBack = true;
    await this.end('rolled-back', `Rolled back on request: traffic moved from ${describeRoute(this.plan.current)} to ${this.target}.`);
  }

  /**
   * This run can no longer prove it holds the router: another run may be releasing now. Writing
   * anything (even a flip back) could undo that run's work, so traffic is left as the router shows it.
   */
  private async exclusionLost(reason: string): Promise<void> {
    const lost = await this.d.fence.lost();
    const why = lost && !reason.includes(lost) ? `${reason}; this run lost its exclusive hold on the router (${lost})` : reason;
    await this.end('failed', `${why}. It wrote nothing after that: traffic was left as the router shows it`);
  }

  /** Any error: before traffic moved the run is aborted; after, traffic goes back. */
  private async failed(error: unknown): Promise<void> {
    const reason = this.d.signal.aborted ? `The run was cancelled (${errorMessage(this.d.signal.reason)})` : errorMessage(error);
    // A write refused by the fence wrote nothing: before this run's first change, traffic is untouched.
    if (error instanceof ExclusionLostError) return this.changedRouter ? this.exclusionLost(reason) : this.end('aborted', `${reason}. Live traffic was not touched`);
    if (!this.trafficMoved) return this.end('aborted', reason);
    // Someone else moved traffic: flipping back would fight them. Stop and say what the router shows.
    if (error instanceof RouteChangedError) return this.end(this.changedRouter || error.afterWrite ? 'failed' : 'aborted', reason);
    if (this.s.mode === 'rollback') {
      // A rollback refused before it changed anything (no ready pods, a failed read) left traffic as it was.
      const now = await this.d.router.read().catch(() => undefined);
      if (now && sameRoute(now, this.plan.current)) return this.end('aborted', `${reason}. Traffic stayed on ${describeRoute(now)}.`);
      return this.end('failed', reason);
    }
    const { previous } = this.plan;
    const shows = await this.d.router.read().catch(() => undefined);
    if (shows && shows.active === previous && !shows.weights) return this.end('aborted', `${reason}. Traffic stayed on ${previous ?? 'no color'}.`);
    await this.windowFailed(reason);
  }

  /**
   * Ends the run. The verdict is checked against the router as read now: `active-color` is what it
   * shows (empty when it cannot be read), and a result the router contradicts becomes `failed`.
   */
  private async end(result: Result, reason: string): Promise<void> {
    const { report, plan } = this;
    const read = await readForVerdict(this.d.router, this.d.clock).then(
      (shows) => ({ shows }),
      (error: unknown) => ({ error: errorMessage(error) }),
    );
    const notes = [reason];
    if ('shows' in read) {
      report.routerShows = describeRoute(read.shows);
      report.active = read.shows.active;
      const untrue = untrueVerdict(result, read.shows, {
        target: plan.target,
        rolledBackTo: this.s.mode === 'rollback' ? plan.target : plan.previous,
        lastWrite: this.lastWrite,
      });
      if (untrue) [result, notes[1]] = ['failed', untrue];
      const lost = await this.d.fence.lost();
      if (lost && (result === 'promoted' || result === 'rolled-back')) {
        [result, notes[1]] = ['failed', `this run lost its exclusive hold on the router before the end (${lost}), so it cannot vouch for what the router shows`];
      }
    } else {
      report.routerShows = `unknown: the router could not be read (${read.error})`;
      report.active = undefined;
      if (result === 'promoted' || result === 'rolled-back') result = 'failed';
      notes.push(`the router could not be read at the end (${read.error}), so active-color is empty`);
    }
    report.result = result;
    report.reason = oneLine(notes.filter(Boolean).join('; '));
    for (const note of this.d.router.notes ?? []) if (!report.notes.includes(note)) report.notes.push(note);
    // Read at the end: a baseline sets its limit just before the flip.
    report.checks = this.sources.map((source) => ({ name: source.name, ...(source.info ?? { unit: 'value' }) }));
    if (result === 'failed') {
      report.advice = `Check ${this.d.router.description}: it shows ${report.routerShows}. Run this action with mode "rollback" or "status" once the cause is fixed.`;
    }
    this.d.log.info(`Result: ${result}${report.reason ? ` (${report.reason})` : ''}; ${this.d.router.description} shows ${report.routerShows}.`);
  }
}
