// Renders the README's inputs and outputs tables from action.yml, and its measured figures from
// bench/results/*.json (script/measured.mjs), so neither drifts from its source.
// `node script/docs.mjs` rewrites README.md; a unit test fails when README.md is not what this renders.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readResults, renderMeasured } from './measured.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const escape = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').trim();

export function renderTables(actionYml) {
  const action = parse(actionYml);
  const inputs = Object.entries(action.inputs).map(([name, spec]) => {
    const value = spec.required ? '**required**' : spec.default === '' || spec.default === undefined ? '' : `\`${escape(spec.default)}\``;
    return `| \`${name}\` | ${value} | ${escape(spec.description)} |`;
  });
  const outputs = Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${escape(spec.description)} |`);
  return {
    inputs: ['| input | default | description |', '|---|---|---|', ...inputs].join('\n'),
    outputs: ['| output | description |', '|---|---|', ...outputs].join('\n'),
  };
}

export { readResults };

export function updateReadme(readme, actionYml, results) {
  const blocks = { ...renderTables(actionYml), ...renderMeasured(results) };
  let text = readme;
  for (const [name, table] of Object.entries(blocks)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README.md lacks the <!-- ${name}:start --> / <!-- ${name}:end --> markers`);
    // A function, not a string: a `$` in a figure's text must not be read as a group reference.
    text = text.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`);
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(root, 'README.md');
  const updated = updateReadme(readFileSync(readmePath, 'utf8'), readFileSync(join(root, 'action.yml'), 'utf8'), readResults(root));
  writeFileSync(readmePath, updated);
  console.log('README.md: tables updated from action.yml, figures from bench/results/');
}
