import { formatDuration } from '../infra/duration.js';
import type { Sample } from '../types.js';
import type { RunReport } from './model.js';
import { cell } from './markdown.js';

/** Mermaid charts get unreadable past this many points; samples are bucketed down to it. */
const CHART_POINTS = 60;
const FAILING_ROWS = 10;

/** Per source: counts, latency, a chart of the samples, and the samples that did not pass. */
export function healthSection(report: RunReport): string[] {
  if (!report.samples.length) return [];
  const bySource = new Map<string, Sample[]>();
  for (const sample of report.samples) bySource.set(sample.source, [...(bySource.get(sample.source) ?? []), sample]);
  const { thresholds } = report;
  const out = [
    '### Health',
    '',
    `Sampled every ${formatDuration(thresholds.intervalMs)}; rollback after ${thresholds.failure} failing or ${thresholds.error} unmeasurable sample(s) in a row.`,
    '',
    '| check | samples | pass | fail | error | no data | value p50 / max |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [source, samples] of bySource) {
    const count = (status: Sample['status']) => samples.filter((s) => s.status === status).length;
    const values = samples.map((s) => s.value).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    const unit = report.checks.find((c) => c.name === source)?.unit === 'latency ms' ? 'ms' : '';
    const spread = values.length ? `${round(values[Math.floor(values.length / 2)])}${unit} / ${round(values[values.length - 1])}${unit}` : '—';
    out.push(`| ${cell(source)} | ${samples.length} | ${count('pass')} | ${count('fail')} | ${count('error')} | ${count('no-data')} | ${spread} |`);
  }
  out.push('');
  for (const [source, samples] of bySource) out.push(...chart(source, samples, report.checks.find((c) => c.name === source)));
  const bad = report.samples.filter((s) => s.status !== 'pass');
  if (bad.length) {
    out.push('<details><summary>Samples that did not pass</summary>', '', '| time | check | status | detail |', '|---|---|---|---|');
    for (const s of bad.slice(-FAILING_ROWS)) out.push(`| ${s.at} | ${cell(s.source)} | ${s.status} | ${cell(s.detail)} |`);
    out.push('', '</details>', '');
  }
  return out;
}

type Check = RunReport['checks'][number];

/** One point of a chart: the bucket's value, and the value of its failing samples if it had any. */
interface Point {
  value: number;
  failing?: number;
}

/**
 * A line of the samples over the window, bars at the failing samples, and the fixed thresholds as
 * flat lines. Mermaid's xychart has neither per-point markers nor a legend, so failing samples are a
 * bar series (0 where the sample passed) and the title and the sentence under the chart name every
 * series, in the order they are drawn.
 */
function chart(source: string, samples: Sample[], check: Check | undefined): string[] {
  const measured = samples.filter((s): s is Sample & { value: number } => s.value !== undefined && Number.isFinite(s.value));
  if (measured.length < 2) return [];
  // A check with only a lower bound fails on low values: keep the lowest of a bucket, or they vanish.
  const pick = check?.min !== undefined && check.max === undefined && check.limit === undefined ? 'min' : 'max';
  const { points, size } = bucket(measured, pick);
  const unit = check?.unit ?? 'value';
  const bounds: [string, number | undefined][] = [['max', check?.max], ['min', check?.min], ['limit from the baseline', check?.limit]];
  const thresholds = bounds.filter((t): t is [string, number] => t[1] !== undefined);
  const failing = points.some((p) => p.failing !== undefined);
  const series = [
    ...(failing ? [`  bar [${points.map((p) => p.failing ?? 0).join(', ')}]`] : []),
    `  line [${points.map((p) => p.value).join(', ')}]`,
    ...thresholds.map(([, limit]) => `  line [${points.map(() => limit).join(', ')}]`),
  ];
  const key = [...(failing ? ['bars: failing'] : []), ...thresholds.map(([label, limit]) => `${label} ${limit}`)];
  const title = `${source}: ${unit}${key.length ? ` (${key.join(', ')})` : ''}`.replace(/"/g, "'");
  const sampled = size > 1 ? `the ${pick} of every ${size} samples` : 'the samples';
  const unmeasured = samples.filter((s) => s.status === 'fail' && s.value === undefined).length;
  const legend = [
    `Line: ${sampled}.`,
    ...(failing ? ['Bars: failing samples (0 where every sample passed).'] : []),
    ...(thresholds.length ? [`Flat line${thresholds.length > 1 ? 's, in order' : ''}: ${thresholds.map(([label, limit]) => `${label} ${limit}`).join(', ')}.`] : []),
    ...(unmeasured ? [`${unmeasured} failing sample(s) had no value and are not drawn.`] : []),
  ];
  return ['```mermaid', 'xychart-beta', `  title "${title}"`, `  x-axis "sample" 1 --> ${points.length}`, `  y-axis "${unit}"`, ...series, '```', legend.join(' '), ''];
}

/** Mermaid charts get unreadable past CHART_POINTS points: consecutive samples are merged into buckets. */
function bucket(samples: (Sample & { value: number })[], pick: 'max' | 'min'): { points: Point[]; size: number } {
  const size = Math.ceil(samples.length / CHART_POINTS);
  const extreme = (values: number[]) => round(pick === 'max' ? Math.max(...values) : Math.min(...values));
  const points: Point[] = [];
  for (let i = 0; i < samples.length; i += size) {
    const slice = samples.slice(i, i + size);
    const failed = slice.filter((s) => s.status === 'fail').map((s) => s.value);
    points.push({ value: extreme(slice.map((s) => s.value)), ...(failed.length ? { failing: extreme(failed) } : {}) });
  }
  return { points, size };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
