import type { Clock } from '../infra/clock.js';
import { formatDuration } from '../infra/duration.js';
import { errorMessage, type Log } from '../infra/log.js';
import type { PhaseRecord } from './model.js';

/**
 * Runs each phase in a log group and records its timing and outcome. Every phase boundary checks for a
 * cancel: after one, only phases that put traffic back may start.
 */
export class Timeline {
  constructor(
    private readonly phases: PhaseRecord[],
    private readonly log: Log,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
  ) {}

  async phase<T>(name: string, body: () => Promise<T>, options: { evenIfCancelled?: boolean } = {}): Promise<T> {
    if (!options.evenIfCancelled) this.signal.throwIfAborted();
    const started = this.clock.now();
    const record: PhaseRecord = { name, startedAt: new Date(started).toISOString(), durationMs: 0, outcome: 'ok' };
    this.phases.push(record);
    try {
      return await this.log.group(name, body);
    } catch (error) {
      Object.assign(record, { outcome: 'failed', detail: errorMessage(error) });
      throw error;
    } finally {
      record.durationMs = this.clock.now() - started;
      if (record.durationMs > 1000) this.log.info(`${name} took ${formatDuration(record.durationMs)}.`);
    }
  }

  /** A phase that ended normally but with a bad verdict (a failed smoke test, a failed window). */
  markLastFailed(detail: string): void {
    const last = this.phases.at(-1);
    if (last) Object.assign(last, { outcome: 'failed', detail });
  }
}
