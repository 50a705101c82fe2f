// Supply-chain gate: fails when `npm audit --omit=dev` reports any known vulnerability in what the
// action ships (the production dependencies bundled into dist/). When the advisory database cannot be
// reached (a registry mirror that refuses its POST endpoint), it says so loudly and exits 0: the
// `ci` workflow on GitHub runs the same audit where the database is reachable, and fails there.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`audit: npm audit printed no JSON (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}
if (report.statusCode || report.error) {
  console.log(`audit: NOT CHECKED here: the advisory database is unreachable (${report.message ?? report.error?.summary}); the ci workflow on GitHub applies this gate.`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities ?? {};
const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
console.log(`audit: ${total} known vulnerabilit${total === 1 ? 'y' : 'ies'} in production dependencies ${JSON.stringify(counts)}`);
process.exit(total === 0 ? 0 : 1);
