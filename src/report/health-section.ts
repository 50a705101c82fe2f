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

/** A line of the samples over the window, with the fixed thresholds as flat lines. */
function chart(source: string, samples: Sample[], check: Check | undefined): string[] {
  const values = samples.map((s) => s.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length < 2) return [];
  const size = Math.ceil(values.length / CHART_POINTS);
  const points: number[] = [];
  for (let i = 0; i < values.length; i += size) points.push(round(Math.max(...values.slice(i, i + size))));
  const unit = check?.unit ?? 'value';
  const title = `${source.replace(/"/g, "'")}: ${unit}${size > 1 ? ` (max of every ${size} samples)` : ''}`;
  const lines = [`  line [${points.join(', ')}]`];
  const flat: [string, number | undefined][] = [
    ['max', check?.max],
    ['min', check?.min],
    ['limit from the baseline', check?.limit],
  ];
  const legend: string[] = [];
  for (const [label, limit] of flat) {
    if (limit === undefined) continue;
    lines.push(`  line [${points.map(() => limit).join(', ')}]`);
    legend.push(`${label} ${limit}`);
  }
  return ['```mermaid', 'xychart-beta', `  title "${title}"`, `  x-axis "sample" 1 --> ${points.length}`, `  y-axis "${unit}"`, ...lines, '```', ...(legend.length ? [`Flat line${legend.length > 1 ? 's, in order' : ''}: ${legend.join(', ')}.`] : []), ''];
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
