import type { PrometheusCheck } from './module.js';
import type { HealthSource, Sample } from '../../types.js';
import { AuthError, BadQueryError, type PrometheusClient, type Series, seriesName } from './client.js';
import { fillQuery } from './promql.js';

type Verdict = Omit<Sample, 'source' | 'at'>;

/**
 * A `prometheus` health check. Every series of the result is judged; the sample's value is the worst
 * one, and its detail names the offending series. With `baseline`, the same query for the previous
 * color just before the flip sets a reference that `max-increase` / `max-ratio` judge against.
 */
export class PrometheusHealthSource implements HealthSource {
  readonly name: string;
  readonly requiresData: boolean;
  private baselineValue?: number;

  /** When traffic first moved to the new color (clock time); until then `{since-flip}` is its floor. */
  private flippedAt?: number;

  constructor(
    private readonly check: PrometheusCheck,
    private readonly client: PrometheusClient,
    private readonly vars: { color: string; previous: string; version: string },
    private readonly now: () => number = Date.now,
  ) {
    this.name = check.name;
    this.requiresData = check.onNoData === 'wait';
  }

  /** The fixed thresholds, and once the baseline is known, the limit derived from it. */
  get info(): { unit: string; max?: number; min?: number; limit?: number } {
    return { unit: 'value', max: this.check.max, min: this.check.min, limit: this.limit() };
  }

  /**
   * Asks Prometheus once, before anything is touched: a query it cannot parse, an unreachable server or
   * refused credentials would only be found after the flip, so each is a bad input now.
   */
  async validate(signal?: AbortSignal): Promise<string | undefined> {
    try {
      await this.client.query(this.query(this.vars.color), signal);
      return undefined;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof BadQueryError) return `Input 'health-checks': the query of check "${this.name}" was refused by Prometheus (${error.message}).`;
      const input = error instanceof AuthError ? 'prometheus-headers' : 'prometheus-url';
      return `Input '${input}': check "${this.name}" cannot query Prometheus: ${(error as Error).message}.`;
    }
  }

  async beforeFlip(signal?: AbortSignal): Promise<string | undefined> {
    if (!this.check.baseline || !this.vars.previous) return undefined;
    const values = (await this.client.query(this.query(this.vars.previous), signal)).map((s) => s.value).filter((v) => !Number.isNaN(v));
    this.baselineValue = values.length ? Math.max(...values) : undefined;
    return this.baselineValue === undefined
      ? `${this.name}: the previous color (${this.vars.previous}) had no data, so only the fixed thresholds apply.`
      : `${this.name}: baseline from ${this.vars.previous} is ${format(this.baselineValue)}; limit ${format(this.limit()!)}.`;
  }

  async sample(signal?: AbortSignal): Promise<Verdict> {
    if (this.warmingUp()) {
      // Any range this early would reach back before the flip: wait, neutrally, for two scrapes.
      return { status: 'no-data', detail: `waiting for two scrapes since the flip ({since-flip} is at least ${this.check.scrapeIntervalMs / 500}s)` };
    }
    const series = (await this.client.query(this.query(this.vars.color), signal)).filter((s) => !Number.isNaN(s.value));
    if (series.length === 0) {
      const detail = `no data (on-no-data: ${this.check.onNoData})`;
      return { status: this.check.onNoData === 'wait' ? 'no-data' : this.check.onNoData, detail };
    }
    const judged = series.map((s) => ({ series: s, breach: this.breach(s.value) }));
    const worst = judged.find((j) => j.breach) ?? judged.reduce((a, b) => (this.badness(b.series) > this.badness(a.series) ? b : a));
    const where = series.length > 1 || Object.keys(worst.series.labels).length ? ` for ${seriesName(worst.series)}` : '';
    if (worst.breach) return { status: 'fail', value: worst.series.value, detail: `${format(worst.series.value)} ${worst.breach}${where}` };
    return { status: 'pass', value: worst.series.value, detail: `${format(worst.series.value)}${where}` };
  }

  trafficMoved(at: number): void {
    this.flippedAt ??= at;
  }

  /** Only the exact tokens: PromQL itself is full of braces. */
  private query(color: string): string {
    return fillQuery(this.check.query, { color, previous: this.vars.previous, version: this.vars.version, 'since-flip': this.sinceFlip() });
  }

  /** True while a `{since-flip}` range could not yet start at the flip (less than two scrapes since). */
  private warmingUp(): boolean {
    if (this.flippedAt === undefined || !this.check.query.includes('{since-flip}')) return false;
    return this.now() - this.flippedAt < 2 * this.check.scrapeIntervalMs;
  }

  /** Whole seconds since the flip, never below two scrape intervals (a rate needs two samples). */
  private sinceFlip(): string {
    const floor = 2 * this.check.scrapeIntervalMs;
    const elapsed = this.flippedAt === undefined ? 0 : this.now() - this.flippedAt;
    return `${Math.ceil(Math.max(floor, elapsed) / 1000)}s`;
  }

  /** The most lenient of the relative bounds, so max-increase gives a floor when the baseline is ~0. */
  private limit(): number | undefined {
    if (this.baselineValue === undefined) return undefined;
    const bounds: number[] = [];
    if (this.check.maxIncrease !== undefined) bounds.push(this.baselineValue + this.check.maxIncrease);
    if (this.check.maxRatio !== undefined) bounds.push(this.baselineValue * this.check.maxRatio);
    return bounds.length ? Math.max(...bounds) : undefined;
  }

  private breach(value: number): string | undefined {
    const { max, min } = this.check;
    if (max !== undefined && value > max) return `> max ${format(max)}`;
    if (min !== undefined && value < min) return `< min ${format(min)}`;
    const limit = this.limit();
    if (limit !== undefined && value > limit) return `> ${format(limit)}, the limit from the previous color's baseline ${format(this.baselineValue!)}`;
    return undefined;
  }

  /** How close a passing series is to breaching, to show the most telling one. */
  private badness(series: Series): number {
    return this.check.max === undefined && this.check.min !== undefined ? -series.value : series.value;
  }
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}
