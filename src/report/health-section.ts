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
    '| check | samples | pass | fail | error | latency p50 / max |',
    '|---|---|---|---|---|---|',
  ];
  for (const [source, samples] of bySource) {
    const count = (status: Sample['status']) => samples.filter((s) => s.status === status).length;
    const values = samples.map((s) => s.value).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    const latency = values.length ? `${values[Math.floor(values.length / 2)]}ms / ${values[values.length - 1]}ms` : '—';
    out.push(`| ${cell(source)} | ${samples.length} | ${count('pass')} | ${count('fail')} | ${count('error')} | ${latency} |`);
  }
  out.push('');
  for (const [source, samples] of bySource) out.push(...chart(source, samples));
  const bad = report.samples.filter((s) => s.status !== 'pass');
  if (bad.length) {
    out.push('<details><summary>Samples that did not pass</summary>', '', '| time | check | status | detail |', '|---|---|---|---|');
    for (const s of bad.slice(-FAILING_ROWS)) out.push(`| ${s.at} | ${cell(s.source)} | ${s.status} | ${cell(s.detail)} |`);
    out.push('', '</details>', '');
  }
  return out;
}

function chart(source: string, samples: Sample[]): string[] {
  const values = samples.map((s) => s.value ?? 0);
  if (values.length < 2) return [];
  const size = Math.ceil(values.length / CHART_POINTS);
  const points: number[] = [];
  for (let i = 0; i < values.length; i += size) points.push(Math.max(...values.slice(i, i + size)));
  const title = `${source.replace(/"/g, "'")}: latency ms${size > 1 ? ` (max of every ${size} samples)` : ''}`;
  return ['```mermaid', 'xychart-beta', `  title "${title}"`, `  x-axis "sample" 1 --> ${points.length}`, '  y-axis "ms"', `  line [${points.join(', ')}]`, '```', ''];
}
