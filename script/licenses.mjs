// The third-party license file of dist/: one entry per package whose code is in the bundle (from
// esbuild's metafile: every input that put bytes into an output), with its license as package.json
// declares it and the text of the license and NOTICE files the package ships.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

/** The folders of the packages that contribute bytes to any output, nested copies included. */
export function bundledPackageDirs(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (dir && bytesInOutput > 0) dirs.add(dir);
    }
  }
  return [...dirs];
}

function describe(dir, root) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN');
  const files = readdirSync(join(root, dir))
    .filter((name) => LICENSE_FILE.test(name))
    .sort();
  const texts = files.map((name) => readFileSync(join(root, dir, name), 'utf8').trim());
  return { id: `${pkg.name}@${pkg.version}`, license, texts };
}

/** The file's text: packages by name and version; one without a license file points to the same license's text. */
export function thirdPartyLicenses(metafile, root = process.cwd()) {
  const packages = bundledPackageDirs(metafile)
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => describe(dir, root))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const withText = new Map();
  for (const { license, id, texts } of packages) if (texts.length && !withText.has(license)) withText.set(license, id);
  const entries = packages.map(({ id, license, texts }) => {
    const pointer = withText.has(license) ? ` The ${license} text is in the entry of ${withText.get(license)}.` : '';
    const body = texts.length ? texts.join('\n\n') : `(The package ships no license file.${pointer})`;
    return `${id}\n${license}\n${body}\n`;
  });
  return `Third-party software bundled in dist/, with its licenses (${packages.length} packages).\n\n${entries.join('\n')}`;
}
