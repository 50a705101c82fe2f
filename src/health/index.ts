import { shown, type InputReader, type Problems } from '../infra/parse.js';
import { yamlEntries, type HttpProbe } from '../settings-probes.js';
import type { HealthSource } from '../types.js';
import { cloudwatchAlarmModule } from './cloudwatch-alarm/module.js';
import { httpModule } from './http/module.js';
import type { HealthDeps, HealthTypeModule } from './module.js';
import { prometheusModule } from './prometheus/module.js';

/**
 * The registry: the one place that lists the health-check types and matches a `type:` value. Adding a
 * type is its folder plus one line here.
 */
const TYPES: Record<string, HealthTypeModule<unknown, unknown>> = {
  http: httpModule as HealthTypeModule<unknown, unknown>,
  prometheus: prometheusModule as HealthTypeModule<unknown, unknown>,
  'cloudwatch-alarm': cloudwatchAlarmModule as HealthTypeModule<unknown, unknown>,
};

/** The checks of one type, parsed, with what they share. */
export interface CheckSet {
  type: string;
  checks: unknown[];
  shared: unknown;
}

/**
 * `health-checks`: a YAML list whose entries say their `type` (default http), each parsed by its type.
 * `urls` are the `health-urls` probes, checks of type http ahead of the list's.
 */
export function readHealthChecks(problems: Problems, input: InputReader, urls: HttpProbe[]): CheckSet[] {
  const checks = new Map<string, unknown[]>(Object.keys(TYPES).map((type) => [type, []]));
  checks.get('http')!.push(...urls);
  for (const { where, fields } of yamlEntries(problems, 'health-checks', input('health-checks'))) {
    const type = shown(fields.type ?? 'http');
    delete fields.type;
    const module = TYPES[type];
    if (!module) {
      problems.add(`${where}.type`, type, Object.keys(TYPES).join(', '));
      continue;
    }
    const check = module.check(problems, where, fields);
    if (check !== undefined) checks.get(type)!.push(check);
  }
  return [...checks].map(([type, list]) => ({ type, checks: list, shared: TYPES[type].shared(input, problems, list) }));
}

/** The checks of one type (for settings that judge them, and for tests). */
export function checksOf<C>(sets: readonly CheckSet[], type: string): C[] {
  return (sets.find((set) => set.type === type)?.checks ?? []) as C[];
}

/** Builds the health sources of a release; only the types in use are loaded. */
export async function createHealthSources(sets: readonly CheckSet[], deps: HealthDeps): Promise<HealthSource[]> {
  const built = await Promise.all(sets.filter((set) => set.checks.length).map((set) => TYPES[set.type].create(set.checks, set.shared, deps)));
  return built.flat();
}
