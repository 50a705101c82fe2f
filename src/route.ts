/**
 * The vocabulary of routes, shared by the core and every router: how a route reads in a log line, when
 * two reads are the same, and the compare-and-swap guard every flip starts with.
 */
import type { RouteState } from './types.js';

export function describeRoute(state: RouteState): string {
  if (state.weights) {
    // Sorted, so two reads of the same split compare equal whatever order a router lists colors in.
    return Object.entries(state.weights)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([color, percent]) => `${color} ${percent}%`)
      .join(', ');
  }
  return state.active ?? 'no live color';
}

export function sameRoute(a: RouteState, b: RouteState): boolean {
  return describeRoute(a) === describeRoute(b);
}

/** The router no longer shows what this run read: someone else moved traffic. */
export class RouteChangedError extends Error {
  override name = 'RouteChangedError';
  /** `afterWrite`: seen in the read-back of this run's own write, so this run did touch the router. */
  constructor(
    message: string,
    readonly afterWrite = false,
  ) {
    super(message);
  }
}

/** Compare-and-swap guard: refuse to change a router that someone else changed since discovery. */
export function assertExpected(router: string, current: RouteState, expected: RouteState): void {
  if (!sameRoute(current, expected)) {
    throw new RouteChangedError(
      `${router} changed during this run: it shows ${describeRoute(current)}, but this run read ${describeRoute(expected)}. ` +
        'Nothing was changed; another release or a person is moving traffic.',
    );
  }
}
