/**
 * Splits a command line into argv by the shell's quoting rules, but never runs a shell.
 *
 * Our own tokenizer rather than a library: the libraries (shell-quote and the like) accept an unbalanced
 * quote or a trailing backslash silently and hand back something other than what was written. Here
 * everything a shell would treat differently from plain words (operators, `$`, backticks, globs, `~`,
 * comments, line breaks) is refused with the character position, so a command always means what it
 * reads as. Quote a character ('…', "…" or \x) to pass it literally.
 * Returns an error message (without the input name) when the line is not a plain command.
 */
export function splitCommand(line: string): string[] | string {
  const argv: string[] = [];
  let word: string | undefined;
  let quote: { char: string; at: number } | undefined;
  const at = (i: number) => `at character ${i + 1}`;
  const broken = /[\r\n\0]/.exec(line);
  if (broken) return `a ${broken[0] === '\0' ? 'NUL character' : 'line break'} ${at(broken.index)}: a command is one line (put longer logic in a script)`;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote?.char === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote?.char === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) word += line[++i];
      else if (c === '$' || c === '`') return `"${c}" ${at(i)} would expand in a shell, but commands run without one; use '…' or \\${c}`;
      else word += c;
      continue;
    }
    if (c === ' ' || c === '\t') {
      if (word !== undefined) argv.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = { char: c, at: i };
      word ??= '';
    } else if (c === '\\') {
      if (i + 1 >= line.length) return `a trailing backslash ${at(i)}`;
      word = (word ?? '') + line[++i];
    } else if ('|&;<>()'.includes(c)) {
      const op = '|&<>'.includes(c) && line[i + 1] === c ? c + c : c;
      return `shell operator "${op}" ${at(i)} is not supported: commands run without a shell (wrap pipelines in a script, or quote it)`;
    } else if ('$`*?['.includes(c) || (word === undefined && (c === '#' || c === '~'))) {
      return `"${c}" ${at(i)} means something special to a shell, but commands run without one; quote it to pass it literally`;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return `an unbalanced ${quote.char === '"' ? 'double' : 'single'} quote ${at(quote.at)}`;
  if (word !== undefined) argv.push(word);
  if (argv.length === 0) return 'the command is empty';
  return argv;
}

/** Replaces `{name}` placeholders in each argument; unknown placeholders (`{constructor}` too) are left as written. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z-]+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? values[key] : whole));
}

/**
 * Fills a URL template with every value percent-encoded: a version's `+` would read as a space in a
 * query string and its `/` would add a path segment (or end the host), so each value stays one value.
 */
export function fillUrl(template: string, values: Record<string, string>): string {
  return fillTemplate(template, Object.fromEntries(Object.entries(values).map(([key, value]) => [key, encodeURIComponent(value)])));
}

export function fillArgv(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((arg) => fillTemplate(arg, values));
}
