import { fillTemplate } from '../../infra/argv.js';

/**
 * Where `{version}` may stand in a PromQL query, and how it is written there.
 *
 * The version comes from the workflow, so in PromQL it is only ever a value: inside a string literal,
 * as in a label matcher `version="{version}"`. Bare, `1+other_metric` would be PromQL of its own, so
 * a query with `{version}` outside a literal is refused. Inside one, the version's grammar (settings.ts:
 * letters, digits and `._+-/`) holds no quote, backtick or backslash, so it cannot end the literal.
 * In a regex matcher (`=~`, `!~`) the `.` and `+` it may hold are operators: there each is written as
 * a one-character class (`[.]`, `[+]`), which means the character itself under every quote style.
 */

interface Segment {
  text: string;
  /** `code` is PromQL itself (comments included); `regex` a literal right after `=~` or `!~`. */
  kind: 'code' | 'string' | 'regex';
}

/** The query cut into PromQL and string literals, as PromQL's lexer reads them. */
function segments(query: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '#') {
      // A comment runs to the end of the line; a quote in it opens nothing.
      const end = query.indexOf('\n', i);
      i = end < 0 ? query.length : end;
    } else if (c === '"' || c === "'" || c === '`') {
      const code = query.slice(start, i);
      const end = closingQuote(query, i);
      out.push({ text: code, kind: 'code' }, { text: query.slice(i, end + 1), kind: /[=!]~\s*$/.test(code) ? 'regex' : 'string' });
      start = end + 1;
      i = end;
    }
  }
  out.push({ text: query.slice(start), kind: 'code' });
  return out;
}

/** The index of the quote that ends the literal opened at `open` (the last index when it never ends). */
function closingQuote(query: string, open: number): number {
  const quote = query[open];
  for (let i = open + 1; i < query.length; i++) {
    if (query[i] === '\\' && quote !== '`') i++;
    else if (query[i] === quote) return i;
  }
  return query.length - 1;
}

/** True when `{version}` stands outside every string literal of the query. */
export function versionOutsideString(query: string): boolean {
  return segments(query).some((s) => s.kind === 'code' && s.text.includes('{version}'));
}

/** Fills the tokens of a query (only the exact `{name}`s given); `{version}` as its literal needs. */
export function fillQuery(query: string, values: Record<string, string> & { version: string }): string {
  const inRegex = { ...values, version: values.version.replace(/[.+]/g, '[$&]') };
  return segments(query)
    .map((s) => fillTemplate(s.text, s.kind === 'regex' ? inRegex : values))
    .join('');
}
