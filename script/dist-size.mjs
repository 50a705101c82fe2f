// The weight budget of dist/: prints every file's size and the total, and exits 1 when the total is
// over the budget. Every byte of dist/ is committed and downloaded by each job that uses the action.
// Usage: node script/dist-size.mjs [folder, default dist] [budget in bytes, default 4 MB]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET_BYTES = 4_000_000;

/** Every file under `dir`, largest first, with its size in bytes. */
export function distSizes(dir) {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { file: relative(dir, path), bytes: statSync(path).size };
    });
  return files.sort((a, b) => b.bytes - a.bytes || (a.file < b.file ? -1 : 1));
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

/** The report's lines and whether the total fits `budget`. */
export function checkDistSize(dir, budget = BUDGET_BYTES) {
  const files = distSizes(dir);
  const total = files.reduce((sum, { bytes }) => sum + bytes, 0);
  const width = Math.max(...files.map(({ bytes }) => String(bytes).length), String(total).length);
  const lines = files.map(({ file, bytes }) => `${String(bytes).padStart(width)}  ${dir}/${file}`);
  lines.push(`${String(total).padStart(width)}  total: ${mb(total)} in ${files.length} files; budget ${mb(budget)}`);
  const ok = total <= budget;
  if (!ok) lines.push(`${dir}/ is ${mb(total)}, over its budget of ${mb(budget)} (largest files first above).`);
  return { ok, total, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', budget] = process.argv.slice(2);
  const { ok, lines } = checkDistSize(dir, budget ? Number(budget) : BUDGET_BYTES);
  (ok ? console.log : console.error)(lines.join('\n'));
  process.exitCode = ok ? 0 : 1;
}
