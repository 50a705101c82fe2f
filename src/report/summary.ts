import { formatDuration } from '../infra/duration.js';
import type { RunReport } from './model.js';
import { healthSection } from './health-section.js';
import { cell } from './markdown.js';

const HEADLINE: Record<RunReport['result'], string> = {
  promoted: '✅ Promoted',
  'rolled-back': '↩️ Rolled back',
  aborted: '⛔ Aborted before the flip',
  staged: '📦 Staged',
  unchanged: 'ℹ️ Unchanged',
  failed: '🚨 FAILED',
};

/** The job summary: what happened and what the router shows, readable in ten seconds. */
export function renderSummary(report: RunReport): string {
  const out: string[] = [];
  out.push(`## ${headline(report)}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Result | **${report.result}**${report.dryRun ? ' (dry run)' : ''} |`);
  if (report.mode !== 'status') out.push(`| Plan | ${plan(report)} |`);
  out.push(`| Version | ${report.version ? `\`${cell(report.version)}\`` : '(none given)'} |`);
  out.push(`| Router | ${cell(report.router)} |`);
  out.push(`| Router now shows | **${cell(report.routerShows)}** |`);
  if (report.flippedAt) out.push(`| Flipped at | ${report.flippedAt} |`);
  out.push(`| Duration | ${formatDuration(durationMs(report))} |`, '');
  if (report.reason) out.push(`> [!${report.result === 'failed' ? 'CAUTION' : report.result === 'promoted' || report.result === 'staged' || report.result === 'unchanged' ? 'NOTE' : 'WARNING'}]`, `> ${cell(report.reason)}`, '');
  if (report.advice) out.push(`**What to do:** ${report.advice}`, '');
  out.push(...timeline(report), ...warmup(report), ...smoke(report), ...drain(report), ...steps(report), ...healthSection(report));
  if (report.notes.length) out.push('### Notes', '', ...report.notes.map((note) => `- ${cell(note)}`), '');
  return out.join('\n') + '\n';
}

/** From which color to which: known only once the router was read (`before` is that read). */
function plan(report: RunReport): string {
  if (report.before === undefined && report.target === undefined) return `none: the router was not read (mode ${report.mode})`;
  const from = report.previous ?? (report.mode === 'status' ? report.active : undefined) ?? 'no live color';
  return `${from} → **${report.target ?? '?'}** (mode ${report.mode})`;
}

/** To the millisecond: `durationSeconds` (the output) is whole seconds, which says 0 for a short run. */
function durationMs(report: RunReport): number {
  const ended = report.endedAt ? Date.parse(report.endedAt) : NaN;
  return Number.isFinite(ended) ? Math.max(0, ended - Date.parse(report.startedAt)) : (report.durationSeconds ?? 0) * 1000;
}

/**
 * The title of the annotation that fails the step: the result and, when it is short, what the router
 * shows. The reason, below it, carries the details; a title is one line in the annotations list.
 */
export function annotationTitle(report: Pick<RunReport, 'result' | 'routerShows'>): string {
  const shows = report.routerShows.length <= 60 ? report.routerShows : report.routerShows.replace(/[:(;].*$/, '').trim();
  return `Blue-green release ${report.result}${shows ? `; router shows ${shows}` : ''}`;
}

function headline(report: RunReport): string {
  const color = report.result === 'rolled-back' ? report.previous : report.target;
  const what = report.result === 'unchanged' || report.result === 'failed' ? `router shows ${report.routerShows}` : `${color ?? ''}`;
  return `${HEADLINE[report.result]} ${what ? `— ${what}` : ''}`.trim();
}

function timeline(report: RunReport): string[] {
  if (!report.phases.length) return [];
  const start = Date.parse(report.startedAt);
  const rows = report.phases.map((p) => {
    const at = formatDuration(Date.parse(p.startedAt) - start);
    const outcome = p.outcome === 'ok' ? 'ok' : `**failed**: ${cell(p.detail ?? '')}`;
    return `| ${p.name} | +${at} | ${formatDuration(p.durationMs)} | ${outcome} |`;
  });
  return ['### Timeline', '', '| phase | started | took | outcome |', '|---|---|---|---|', ...rows, ''];
}

function smoke(report: RunReport): string[] {
  if (!report.smoke.length) return [];
  const rows = report.smoke.map((r) => `| ${r.ok ? '✅' : '❌'} ${cell(r.name)} | ${r.status ?? '—'} | ${r.latencyMs}ms | ${r.attempts} | ${cell(r.detail)} |`);
  return ['### Smoke tests', '', '| test | status | latency | attempts | detail |', '|---|---|---|---|---|', ...rows, ''];
}

function warmup(report: RunReport): string[] {
  if (!report.warmup.length) return [];
  const rows = report.warmup.map((r) => `| ${r.ok ? '✅' : '❌'} ${cell(r.url)} | ${cell(r.planned)} | ${r.requests} | ${r.firstMs}ms | ${r.lastMs}ms | ${r.slowestMs}ms | ${r.ok ? '' : cell(r.detail)} |`);
  return ['### Warm-up', '', 'Requests that had to answer 2xx before the flip; latency is shown, not judged.', '', '| URL | asked | answered 2xx | first | last | slowest | failure |', '|---|---|---|---|---|---|---|', ...rows, ''];
}

/** Long-running requests and sessions: what still reaches the color traffic left. */
function drain(report: RunReport): string[] {
  if (!report.drain) return [];
  const { color, note, sessions } = report.drain;
  return [`### ${cell(color)} after the flip`, '', `- **Draining:** ${cell(note)}`, ...(sessions ? [`- **Sessions:** ${cell(sessions)}`] : []), ''];
}

function steps(report: RunReport): string[] {
  if (report.steps.length < 2 && report.steps.every((s) => s.percent === 100)) return [];
  const rows = report.steps.map((s) => `| ${s.percent}% | ${formatDuration(s.windowMs)} | ${s.passed ? '✅ passed' : '❌ failed'} |`);
  return ['### Traffic steps', '', '| traffic to new color | window | verdict |', '|---|---|---|', ...rows, ''];
}
