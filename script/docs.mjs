// Renders the README's inputs and outputs tables from action.yml, so the two never drift apart.
// `node script/docs.mjs` rewrites README.md; a unit test fails when README.md is not what this renders.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

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

export function updateReadme(readme, actionYml) {
  const tables = renderTables(actionYml);
  let text = readme;
  for (const [name, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README.md lacks the <!-- ${name}:start --> / <!-- ${name}:end --> markers`);
    text = text.replace(pattern, `$1\n${table}\n$2`);
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(root, 'README.md');
  const updated = updateReadme(readFileSync(readmePath, 'utf8'), readFileSync(join(root, 'action.yml'), 'utf8'));
  writeFileSync(readmePath, updated);
  console.log('README.md tables updated from action.yml');
}
