import { describe, expect, it } from 'vitest';
import { redactor } from '../../src/infra/log.js';
import { newReport, type RunReport } from '../../src/report/model.js';
import { failsStep, outputsOf } from '../../src/report/outputs.js';
import { annotationTitle, renderSummary } from '../../src/report/summary.js';
import { FakeClock } from '../../test-support/fakes.js';

function report(over: Partial<RunReport> = {}): RunReport {
  const r = newReport(new FakeClock(), {
    mode: 'deploy',
    dryRun: false,
    router: 'nginx include /etc/nginx/live.conf',
    version: 'v2',
    colors: ['blue', 'green'],
    thresholds: { failure: 1, error: 3, intervalMs: 250, windowMs: 5000 },
  });
  return Object.assign(r, { active: 'blue', previous: 'blue', target: 'green', routerShows: 'blue', durationSeconds: 12 }, over);
}

describe('summary', () => {
  it('leads with the result, the plan and what the router shows', () => {
    const text = renderSummary(report({ result: 'rolled-back', rolledBack: true, reason: 'http://live/: expected 2xx, got 503 (1 failing sample(s) in a row)' }));
    expect(text).toMatch(/^## ↩️ Rolled back — blue/);
    expect(text).toContain('| Plan | blue → **green** (mode deploy) |');
    expect(text).toContain('| Router now shows | **blue** |');
    expect(text).toContain('> [!WARNING]\n> http://live/: expected 2xx, got 503');
  });

  it('shows phases, smoke results, health samples with a chart, and failing samples', () => {
    const at = '2026-01-01T00:00:01.000Z';
    const text = renderSummary(
      report({
        result: 'promoted',
        phases: [{ name: 'flip', startedAt: at, durationMs: 120, outcome: 'ok' }],
        smoke: [{ name: 'health', url: 'http://x/', ok: true, status: 200, latencyMs: 5, attempts: 1, detail: '200 in 5ms' }],
        checks: [{ name: 'live', unit: 'latency ms', max: 8 }],
        samples: [
          { source: 'live', status: 'pass', at, value: 3, detail: '200 in 3ms' },
          { source: 'live', status: 'fail', at, value: 9, detail: 'expected 2xx, got 500' },
        ],
      }),
    );
    expect(text).toContain('| flip | +1s | 120ms | ok |');
    expect(text).toContain('| ✅ health | 200 | 5ms | 1 | 200 in 5ms |');
    expect(text).toContain('| live | 2 | 1 | 1 | 0 | 0 | 9ms / 9ms |');
    expect(text).toContain('```mermaid\nxychart-beta\n  title "live: latency ms (bars: failing, max 8)"');
    expect(text).toContain('  bar [0, 9]\n  line [3, 9]\n  line [8, 8]\n```');
    expect(text).toContain('Flat line: max 8.');
    expect(text).toContain('| live | fail | expected 2xx, got 500 |');
  });

  it('draws the fixed thresholds and the baseline limit as flat lines, and lists notes', () => {
    const at = '2026-01-01T00:00:01.000Z';
    const text = renderSummary(
      report({
        result: 'rolled-back',
        checks: [{ name: 'error ratio', unit: 'value', max: 0.05, limit: 0.01 }],
        samples: [
          { source: 'error ratio', status: 'pass', at, value: 0.001, detail: '0.001' },
          { source: 'error ratio', status: 'fail', at, value: 0.04, detail: '0.04 > 0.01' },
        ],
        notes: ['error ratio: baseline from blue is 0; limit 0.01.'],
      }),
    );
    expect(text).toContain('  line [0.001, 0.04]\n  line [0.05, 0.05]\n  line [0.01, 0.01]');
    expect(text).toContain('Flat lines, in order: max 0.05, limit from the baseline 0.01.');
    expect(text).toContain('### Notes\n\n- error ratio: baseline from blue is 0; limit 0.01.');
  });

  it('marks failing samples with bars and names every series in the title and under the chart', () => {
    const at = '2026-01-01T00:00:01.000Z';
    const values = [0.01, 0.02, 0.2, 0.01];
    const text = renderSummary(
      report({
        result: 'rolled-back',
        checks: [{ name: 'error "5xx" ratio', unit: 'value', max: 0.05, min: 0 }],
        samples: values.map((value) => ({ source: 'error "5xx" ratio', status: value > 0.05 ? 'fail' : 'pass', at, value, detail: String(value) })),
      }),
    );
    // Quotes would end Mermaid's title string early.
    expect(text).toContain(`title "error '5xx' ratio: value (bars: failing, max 0.05, min 0)"`);
    expect(text).toContain('  bar [0, 0, 0.2, 0]\n  line [0.01, 0.02, 0.2, 0.01]\n  line [0.05, 0.05, 0.05, 0.05]\n  line [0, 0, 0, 0]\n```');
    expect(text).toContain('Line: the samples. Bars: failing samples (0 where every sample passed). Flat lines, in order: max 0.05, min 0.');
  });

  it('draws no bar series when every sample passed', () => {
    const at = '2026-01-01T00:00:01.000Z';
    const text = renderSummary(
      report({
        result: 'promoted',
        checks: [{ name: 'live', unit: 'latency ms' }],
        samples: [3, 4].map((value) => ({ source: 'live', status: 'pass' as const, at, value, detail: 'ok' })),
      }),
    );
    expect(text).toContain('  title "live: latency ms"\n  x-axis "sample" 1 --> 2\n  y-axis "latency ms"\n  line [3, 4]\n```\nLine: the samples.\n');
    expect(text).not.toContain('bar [');
  });

  it('keeps a failing sample visible when samples are merged, and says which failures have no value', () => {
    const at = '2026-01-01T00:00:01.000Z';
    // 120 samples: two per point. One low failure in the middle; a min-only check keeps the lowest.
    const samples: RunReport['samples'] = Array.from({ length: 120 }, (_, i) =>
      i === 61 ? { source: 'rps', status: 'fail', at, value: 1, detail: '1 < 5' } : { source: 'rps', status: 'pass', at, value: 10, detail: '10' },
    );
    samples.push({ source: 'rps', status: 'fail', at, detail: 'no answer' });
    const text = renderSummary(report({ result: 'rolled-back', checks: [{ name: 'rps', unit: 'value', min: 5 }], samples }));
    const series = (kind: string) => (text.match(new RegExp(`  ${kind} \\[([^\\]]*)\\]`))?.[1] ?? '').split(', ').map(Number);
    expect(series('bar')).toHaveLength(60);
    expect(series('bar')[30]).toBe(1);
    expect(series('bar').filter((v) => v !== 0)).toEqual([1]);
    expect(series('line')[30]).toBe(1);
    expect(text).toContain('Line: the min of every 2 samples.');
    expect(text).toContain('1 failing sample(s) had no value and are not drawn.');
  });

  it('tells what to do after a failed rollback', () => {
    const text = renderSummary(report({ result: 'failed', reason: 'rollback failed', routerShows: 'green', advice: 'Check nginx: it shows green.' }));
    expect(text).toMatch(/^## 🚨 FAILED — router shows green/);
    expect(text).toContain('> [!CAUTION]');
    expect(text).toContain('**What to do:** Check nginx: it shows green.');
  });

  it('says the plan is unknown, not "no live color", when the router was never read', () => {
    const text = renderSummary(report({ result: 'aborted', active: undefined, previous: undefined, target: undefined, routerShows: 'not read (inputs were invalid)' }));
    expect(text).toContain('| Plan | none: the router was not read (mode deploy) |');
    expect(text).not.toContain('no live color');
    expect(renderSummary(report({ before: 'no live color', previous: undefined }))).toContain('| Plan | no live color → **green** (mode deploy) |');
  });

  it('shows an empty version as such, not as an empty code span', () => {
    expect(renderSummary(report({ version: '' }))).toContain('| Version | (none given) |');
  });

  it('gives the duration to the millisecond, not in whole seconds', () => {
    const r = report({ durationSeconds: 0 });
    r.endedAt = new Date(Date.parse(r.startedAt) + 480).toISOString();
    expect(renderSummary(r)).toContain('| Duration | 480ms |');
  });

  it('keeps the annotation title short; the reason carries the details', () => {
    expect(annotationTitle({ result: 'rolled-back', routerShows: 'blue' })).toBe('Blue-green release rolled-back; router shows blue');
    const long = 'unknown: the router could not be read (Failed to fetch resource metadata for v1/Service: fetch failed)';
    expect(annotationTitle({ result: 'aborted', routerShows: long })).toBe('Blue-green release aborted; router shows unknown');
  });

  it('keeps table cells intact', () => {
    expect(renderSummary(report({ reason: 'a | b\nc', result: 'aborted' }))).toContain('> a \\| b c');
  });
});

describe('outputs', () => {
  it('names every output of the public interface', () => {
    const outputs = outputsOf(report({ result: 'promoted', active: 'green', flippedAt: 'then' }), '/tmp/r.json');
    expect(outputs).toEqual({
      result: 'promoted',
      'active-color': 'green',
      'previous-color': 'blue',
      'target-color': 'green',
      'rolled-back': 'false',
      reason: '',
      'deployment-id': '',
      report: '/tmp/r.json',
      'flipped-at': 'then',
      'duration-seconds': '12',
    });
  });
  it('fails the step for rolled-back, aborted and failed, except a requested rollback', () => {
    expect(failsStep(report({ result: 'rolled-back' }))).toBe(true);
    expect(failsStep(report({ result: 'rolled-back', mode: 'rollback' }))).toBe(false);
    expect(failsStep(report({ result: 'aborted' }))).toBe(true);
    expect(failsStep(report({ result: 'failed' }))).toBe(true);
    expect(failsStep(report({ result: 'staged' }))).toBe(false);
  });
  it('never lets a secret through the rendered report', () => {
    const redact = redactor(['Bearer s3cret-token']);
    const text = redact(JSON.stringify(report({ reason: 'sent Bearer s3cret-token and got 401' })) + renderSummary(report({ reason: 'Bearer s3cret-token' })));
    expect(text).not.toContain('s3cret');
  });
});
