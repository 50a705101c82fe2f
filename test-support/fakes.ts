import type { Clock } from '../src/infra/clock.js';
import type { Fence, Held } from '../src/infra/fence.js';
import type { Log, StateStore } from '../src/infra/log.js';
import type { Color, Deployer, HealthSource, RouteState, Router, Sample } from '../src/types.js';
import { assertExpected } from '../src/route.js';

/** Virtual time: sleeping advances it at once, so windows of minutes take microseconds. */
export class FakeClock implements Clock {
  time = Date.parse('2026-01-01T00:00:00Z');
  /** Called on every sleep, after time advanced: lets a test act "during" a window. */
  onSleep?: (now: number) => void;
  now(): number {
    return this.time;
  }
  monotonic(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.time += ms;
    await Promise.resolve();
    this.onSleep?.(this.time);
    signal?.throwIfAborted();
  }
}

export class FakeRouter implements Router {
  readonly description = 'fake router';
  state: RouteState;
  calls: string[] = [];
  failFlipTo?: Color;
  failFlipTimes = 0;
  locked = 0;
  /** Set by a test to make the lock report itself lost (as a failed renewal would). */
  lockLost?: string;
  /** The run's fence, checked before every write as real routers do. */
  fence?: Fence;
  preflight?: () => Promise<string[]>;
  afterPromotion?: (target: Color, previous: Color, signal?: AbortSignal) => Promise<string | undefined>;

  constructor(active?: Color) {
    this.state = active ? { active } : {};
  }
  async read(): Promise<RouteState> {
    return { ...this.state };
  }
  async flip(to: Color, expected: RouteState): Promise<void> {
    await this.fence?.check(`flip to ${to}`);
    this.calls.push(`flip ${to}`);
    assertExpected(this.description, this.state, expected);
    if (this.failFlipTo === to && this.failFlipTimes > 0) {
      this.failFlipTimes--;
      throw new Error(`cannot reach router`);
    }
    this.state = { active: to };
  }
  async setWeights(to: Color, percent: number, expected: RouteState): Promise<void> {
    await this.fence?.check(`weights ${to}=${percent}`);
    this.calls.push(`weights ${to}=${percent}`);
    assertExpected(this.description, this.state, expected);
    const other = Object.keys(this.state.weights ?? {}).find((c) => c !== to) ?? this.state.active!;
    this.state = { active: percent > 50 ? to : other, weights: { [other]: 100 - percent, [to]: percent } };
  }
  async lock(): Promise<Held> {
    this.locked++;
    return {
      lost: async () => this.lockLost,
      release: async () => {
        this.locked--;
      },
    };
  }
}

export class FakeDeployer implements Deployer {
  readonly description = 'fake deployer';
  deployed: Color[] = [];
  error?: Error;
  async deploy(target: Color): Promise<void> {
    if (this.error) throw this.error;
    this.deployed.push(target);
  }
}

/** Answers from a script of statuses, then repeats the last. */
export class ScriptedSource implements HealthSource {
  taken = 0;
  requiresData?: boolean;
  validate?: () => Promise<string | undefined>;
  beforeFlip?: () => Promise<string | undefined>;
  constructor(
    readonly name: string,
    private readonly script: Sample['status'][],
  ) {}
  async sample(): Promise<Omit<Sample, 'source' | 'at'>> {
    const status = this.script[Math.min(this.taken++, this.script.length - 1)];
    if (status === 'error' && this.name.includes('throws')) throw new Error('unreachable');
    return { status, value: 10, detail: `${status} #${this.taken}` };
  }
}

export class RecordingLog implements Log {
  lines: string[] = [];
  info(message: string) {
    this.lines.push(`info: ${message}`);
  }
  warning(message: string) {
    this.lines.push(`warning: ${message}`);
  }
  error(message: string) {
    this.lines.push(`error: ${message}`);
  }
  group<T>(name: string, body: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${name}`);
    return body();
  }
}

export class MemoryState implements StateStore {
  values: Record<string, string> = {};
  history: string[] = [];
  save(key: string, value: string) {
    this.values[key] = value;
    this.history.push(`${key}=${value}`);
  }
  get(key: string) {
    return this.values[key] ?? '';
  }
}

/** Inputs as the runner gives them: action.yml defaults filled in, overridden by `given`. */
export function inputs(given: Record<string, string>): (name: string) => string {
  return (name) => (name in given ? given[name] : '');
}
