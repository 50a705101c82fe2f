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

/**
 * Replaces every secret with *** in text we write ourselves (report, summary, outputs). The list is
 * read again when it grew, so a secret learnt during the run (a token an exec plugin minted) is hidden
 * from then on.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  let sorted: string[] = [];
  let seen = -1;
  return (text) => {
    if (seen !== secrets.length) {
      seen = secrets.length;
      sorted = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length);
    }
    return sorted.reduce((out, secret) => out.split(secret).join('***'), text);
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line, for outputs and titles: the `reason` output is documented as one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Text from outside (servers, commands) made inert for the runner's log: a line that starts with `::`
 * (or holds the legacy `##[`) would be read as a workflow command, so a zero-width space breaks the
 * marker; other control characters (terminal escapes) are dropped.
 */
export function inert(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/^(\s*):(?=:)/gm, '$1:\u200b')
    .replace(/##\[/g, '#\u200b#[');
}
