import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, checkDistSize } from '../../script/dist-size.mjs';
import { bundledPackageDirs, thirdPartyLicenses } from '../../script/licenses.mjs';

function tree(files: Record<string, string | number>): string {
  const root = mkdtempSync(join(tmpdir(), 'bg-bundle-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'number' ? Buffer.alloc(content) : content);
  }
  return root;
}

describe('dist/ size budget (script/dist-size.mjs)', () => {
  it('lists every file, largest first, and the total; passes at the budget', () => {
    const dir = tree({ 'main.mjs': 300, 'chunks/a.mjs': 500, 'licenses.txt': 200 });
    const { ok, total, lines } = checkDistSize(dir, 1000);
    expect(ok).toBe(true);
    expect(total).toBe(1000);
    expect(lines.map((line) => line.trim())).toEqual([
      `500  ${dir}/chunks/a.mjs`,
      `300  ${dir}/main.mjs`,
      `200  ${dir}/licenses.txt`,
      '1000  total: 0.00 MB in 3 files; budget 0.00 MB',
    ]);
  });

  it('fails one byte over the budget, from the command line too (exit 1, sizes printed)', () => {
    const dir = tree({ 'main.mjs': 600, 'chunks/a.mjs': 401 });
    const { ok, lines } = checkDistSize(dir, 1000);
    expect(ok).toBe(false);
    expect(lines.at(-1)).toMatch(/over its budget/);
    const run = spawnSync(process.execPath, ['script/dist-size.mjs', dir, '1000'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`600  ${dir}/main.mjs`);
    expect(run.stderr).toContain('1001  total');
    expect(spawnSync(process.execPath, ['script/dist-size.mjs', dir, '1001'], { encoding: 'utf8' }).status).toBe(0);
  });

  it('the budget is 4 MB', () => {
    expect(BUDGET_BYTES).toBe(4_000_000);
  });
});

describe('third-party licenses (script/licenses.mjs)', () => {
  const root = tree({
    'node_modules/alpha/package.json': JSON.stringify({ name: 'alpha', version: '1.2.3', license: 'MIT' }),
    'node_modules/alpha/LICENSE': 'MIT License\nCopyright alpha\n',
    'node_modules/alpha/NOTICE.md': 'alpha notice',
    'node_modules/@scope/beta/package.json': JSON.stringify({ name: '@scope/beta', version: '2.0.0', license: 'MIT' }),
    'node_modules/@scope/beta/node_modules/gamma/package.json': JSON.stringify({ name: 'gamma', version: '0.1.0', license: 'Apache-2.0' }),
    'node_modules/@scope/beta/node_modules/gamma/license.txt': 'Apache License 2.0',
    'node_modules/zeta/package.json': JSON.stringify({ name: 'zeta', version: '9.0.0', license: 'MIT' }),
    'node_modules/zeta/LICENSE': 'MIT License\nCopyright zeta\n',
    'node_modules/types-only/package.json': JSON.stringify({ name: 'types-only', version: '1.0.0', license: 'MIT' }),
  });
  const metafile = {
    outputs: {
      'dist/main.mjs': { inputs: { 'src/main.ts': { bytesInOutput: 10 }, 'node_modules/alpha/lib/index.js': { bytesInOutput: 5 } } },
      'dist/chunks/x.mjs': {
        inputs: {
          'node_modules/alpha/lib/other.js': { bytesInOutput: 7 },
          'node_modules/@scope/beta/dist/index.js': { bytesInOutput: 3 },
          'node_modules/@scope/beta/node_modules/gamma/index.js': { bytesInOutput: 1 },
          'node_modules/types-only/index.js': { bytesInOutput: 0 },
          'node_modules/zeta/index.js': { bytesInOutput: 2 },
        },
      },
    },
  };

  it('names each package that put code in an output once, nested copies included, none that put in nothing', () => {
    expect(bundledPackageDirs(metafile).sort()).toEqual(['node_modules/@scope/beta', 'node_modules/@scope/beta/node_modules/gamma', 'node_modules/alpha', 'node_modules/zeta']);
  });

  it('gives name@version, the declared license and the texts shipped; a package without a file points to the same license', () => {
    const text = thirdPartyLicenses(metafile, root);
    expect(text).toContain('(4 packages)');
    expect(text).toContain('alpha@1.2.3\nMIT\nMIT License\nCopyright alpha\n\nalpha notice\n');
    expect(text).toContain('gamma@0.1.0\nApache-2.0\nApache License 2.0\n');
    expect(text).toContain('zeta@9.0.0\nMIT\nMIT License\nCopyright zeta\n');
    expect(text).toContain('@scope/beta@2.0.0\nMIT\n(The package ships no license file. The MIT text is in the entry of alpha@1.2.3.)\n');
    expect(text).not.toContain('types-only');
    expect(text.indexOf('@scope/beta@')).toBeLessThan(text.indexOf('alpha@'));
  });
});
