import { fillTemplate } from '../../infra/argv.js';
import { runProbe, type HttpProbe } from '../../probes/probe.js';
import type { HealthSource, Sample } from '../../types.js';

/**
 * An HTTP health check judges the service itself, so any unexpected answer, including no answer, is a
 * `fail`. (`error` is for sources that observe the service from outside, like a metrics server.)
 */
export class HttpHealthSource implements HealthSource {
  readonly name: string;
  readonly info: { unit: string; max?: number };

  constructor(
    private readonly probe: HttpProbe,
    private readonly vars: Record<string, string>,
    private readonly timeoutMs: number,
  ) {
    this.name = fillTemplate(probe.name, vars);
    this.info = { unit: 'latency ms', max: probe.maxLatencyMs };
  }

  async sample(signal?: AbortSignal): Promise<Omit<Sample, 'source' | 'at'>> {
    const result = await runProbe(this.probe, this.vars, this.timeoutMs, signal);
    return { status: result.ok ? 'pass' : 'fail', value: result.latencyMs, detail: result.detail };
  }
}
