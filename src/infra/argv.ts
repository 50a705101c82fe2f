import { parse } from 'shell-quote';

/**
 * Splits a command line into argv the way a shell would quote it, but never runs a shell: pipes,
 * redirections and `&&` are refused rather than silently passed as arguments. `$VAR` stays literal
 * text, so an input can never expand the runner's environment.
 * Returns an error message (without the input name) when the line is not a plain command.
 */
export function splitCommand(line: string): string[] | string {
  const tokens = parse(line.trim(), (name) => `$${name}`);
  const argv: string[] = [];
  for (const token of tokens) {
    if (typeof token === 'string') argv.push(token);
    else if ('op' in token && token.op === 'glob') argv.push(token.pattern);
    else if ('op' in token) return `shell operator "${token.op}" is not supported (commands run without a shell; wrap pipelines in a script)`;
    else return 'comments are not supported';
  }
  if (argv.length === 0) return 'the command is empty';
  return argv;
}

/** Replaces `{name}` placeholders in each argument; unknown placeholders are left as written. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z-]+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export function fillArgv(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((arg) => fillTemplate(arg, values));
}
