import { shown, type Problems } from '../../infra/parse.js';
import type { HealthTypeModule } from '../module.js';

export const IN_ALARM_POLICIES = ['refuse', 'ignore'] as const;
export const NO_DATA_POLICIES = ['wait', 'pass', 'fail'] as const;

/** A `cloudwatch-alarm` health check: the alarm's state, read on every sample. */
export interface AlarmCheck {
  name: string;
  alarm: string;
  /** INSUFFICIENT_DATA: `wait` counts neither way (a window of nothing else fails), `pass`, `fail`. */
  onNoData: (typeof NO_DATA_POLICIES)[number];
  /**
   * An alarm already in ALARM before traffic moves: `refuse` stops the run before anything moves;
   * `ignore` judges only a new ALARM, one the alarm entered after the flip.
   */
  alreadyInAlarm: (typeof IN_ALARM_POLICIES)[number];
}

const KEYS = ['name', 'alarm', 'on-no-data', 'already-in-alarm'];
/** CloudWatch alarm names: 1-255 printable characters. */
// eslint-disable-next-line no-control-regex
const ALARM_NAME = /^[^\u0000-\u001f\u007f]{1,255}$/;

export const cloudwatchAlarmModule: HealthTypeModule<AlarmCheck, { region: string }> = {
  check(problems, where, fields) {
    const unknown = Object.keys(fields).filter((key) => !KEYS.includes(key));
    if (unknown.length) problems.note(where, `unknown key(s) ${unknown.join(', ')}; accepted for type cloudwatch-alarm: ${KEYS.join(', ')}.`);
    const alarm = typeof fields.alarm === 'string' ? fields.alarm.trim() : '';
    if (!ALARM_NAME.test(alarm)) {
      problems.note(where, 'needs `alarm`, the name of a CloudWatch alarm (metric or composite) in aws-region.');
      return undefined;
    }
    return {
      name: typeof fields.name === 'string' && fields.name ? fields.name : `alarm ${alarm}`,
      alarm,
      onNoData: oneOf(problems, `${where}.on-no-data`, fields['on-no-data'], NO_DATA_POLICIES, 'wait'),
      alreadyInAlarm: oneOf(problems, `${where}.already-in-alarm`, fields['already-in-alarm'], IN_ALARM_POLICIES, 'refuse'),
    };
  },
  // aws-region is read (and refused when malformed) once, with the common settings.
  shared(_input, problems, checks, common) {
    const { region } = common.aws;
    if (checks.length && !region) problems.note('aws-region', 'is required by the cloudwatch-alarm health checks (or set AWS_REGION): the region of the alarms.');
    return { region };
  },
  async create(checks, { region }) {
    const { alarmSources } = await import('./source.js');
    return alarmSources(checks, region);
  },
};

function oneOf<T extends string>(problems: Problems, where: string, value: unknown, accepted: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((accepted as readonly string[]).includes(shown(value))) return value as T;
  problems.add(where, shown(value), accepted.join(', '));
  return fallback;
}
