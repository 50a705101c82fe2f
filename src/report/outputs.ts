import type { RunReport } from './model.js';

/** The action's outputs, by name (as action.yml declares them), from a finished run. */
export function outputsOf(report: RunReport, reportPath: string): Record<string, string> {
  return {
    result: report.result,
    'active-color': report.active ?? '',
    'previous-color': report.previous ?? '',
    'target-color': report.target ?? '',
    'rolled-back': String(report.rolledBack),
    reason: report.reason,
    'deployment-id': report.deploymentId ?? '',
    report: reportPath,
    'flipped-at': report.flippedAt ?? '',
    'duration-seconds': String(report.durationSeconds ?? 0),
  };
}

/** Results that fail the step. In mode rollback, `rolled-back` is what was asked for. */
export function failsStep(report: RunReport): boolean {
  if (report.result === 'rolled-back') return report.mode !== 'rollback';
  return report.result === 'aborted' || report.result === 'failed';
}
