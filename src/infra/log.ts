/** The narrow logging surface the run needs; main.ts backs it with @actions/core, tests record it. */
export interface Log {
  info(message: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
}

/** Persists run state for the post step (`core.saveState` in the action). */
export interface StateStore {
  save(key: string, value: string): void;
  get(key: string): string;
}

/** Replaces every secret with *** in text we write ourselves (report, summary, outputs). */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const sorted = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((out, secret) => out.split(secret).join('***'), text);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
