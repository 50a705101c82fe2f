import { shown, yamlEntries, type InputReader, type Problems } from '../infra/parse.js';
import type { CommonSettings, HealthSource } from '../types.js';
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

/** The type of a `health-checks` entry that names none. */
const DEFAULT_TYPE = 'http';

/** The values a `health-checks` entry's `type` accepts. */
export const HEALTH_TYPES = Object.keys(TYPES);

/** The module of a `type` value; undefined for any other text (also `constructor`, `toString`). */
export function healthTypeModule(type: string): HealthTypeModule<unknown, unknown> | undefined {
  return Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
}

/** The checks of one type, parsed, with what they share. */
export interface CheckSet {
  type: string;
  checks: unknown[];
  shared: unknown;
}

/**
 * `health-checks`: a YAML list whose entries say their `type` (default http), each parsed by its type,
 * after the checks each type takes from its own inputs (`health-urls`).
 */
export function readHealthChecks(problems: Problems, input: InputReader, common: CommonSettings): CheckSet[] {
  const checks = new Map(Object.entries(TYPES).map(([type, module]) => [type, module.inputChecks?.(input, problems) ?? []]));
  for (const { where, fields } of yamlEntries(problems, 'health-checks', input('health-checks'))) {
    const type = shown(fields.type ?? DEFAULT_TYPE);
    delete fields.type;
    const module = healthTypeModule(type);
    if (!module) {
      problems.add(`${where}.type`, type, HEALTH_TYPES.join(', '));
      continue;
    }
    const check = module.check(problems, where, fields);
    if (check !== undefined) checks.get(type)!.push(check);
  }
  return [...checks].map(([type, list]) => ({ type, checks: list, shared: TYPES[type].shared(input, problems, list, common) }));
}

/** Every credential any health type would read from these raw inputs; each type reads its own. */
export function healthSecrets(input: InputReader): string[] {
  return Object.values(TYPES).flatMap((module) => module.secrets?.(input) ?? []);
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
