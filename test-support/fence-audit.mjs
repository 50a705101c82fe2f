// Judges, from the requests an API proxy recorded (test-support/kube-api-faults.mjs), whether the action
// wrote while it could no longer prove it held its Lease, and prints a fault matrix's figures.

/**
 * The Lease's terms as src/routers/kubernetes/lease.ts sets them: the holder vouches for itself until
 * its last confirmed renewal plus TERM_MS; a waiter may take over LEASE_MS after it saw that renewal.
 */
export const TERM_MS = 20_000;
export const LEASE_MS = 30_000;

const ok = (code) => code >= 200 && code < 300;
const isWrite = (record) => ['create', 'update', 'patch', 'delete'].includes(record.verb);

/**
 * Every write of the action (to anything but its Lease) that it sent after it could no longer vouch for
 * its Lease (its last confirmed renewal + TERM_MS, its own release, or `lostAt`: when someone else took
 * or removed the Lease), or that reached the apiserver after another run could have taken the Lease
 * over (the last confirmed renewal before it landed + LEASE_MS, or the release, or `lostAt`). A renewal
 * counts as confirmed when its client got a 2xx, from the moment it was sent.
 * Returns one line per such write.
 * @param {import('./kube-api-faults.mjs').ApiRecord[]} records
 * @param {{ lostAt?: number }} [options]
 */
export function writesAfterFenceLost(records, { lostAt = Infinity } = {}) {
  const lease = records.filter((r) => r.resource === 'leases');
  const confirmed = lease.filter((r) => ['create', 'patch', 'update'].includes(r.verb) && ok(r.status)).map((r) => r.receivedAt);
  const releasedAt = Math.min(Infinity, ...lease.filter((r) => r.verb === 'delete').map((r) => r.receivedAt));
  const lastBefore = (t) => Math.max(-Infinity, ...confirmed.filter((at) => at <= t));
  const found = [];
  for (const write of records.filter((r) => isWrite(r) && r.resource !== 'leases')) {
    const what = `${write.verb} ${write.resource}/${write.name}`;
    const sentBy = Math.min(lastBefore(write.receivedAt) + TERM_MS, releasedAt, lostAt);
    if (write.receivedAt > sentBy) found.push(`${what} sent ${write.receivedAt - sentBy} ms after this run could no longer vouch for its Lease`);
    else if (write.forwardedAt !== undefined) {
      const landed = write.landedAt ?? write.forwardedAt;
      const safeUntil = Math.min(lastBefore(landed) + LEASE_MS, releasedAt, lostAt);
      if (landed > safeUntil) found.push(`${what} reached the apiserver ${landed - safeUntil} ms after another run could have taken the Lease`);
    }
  }
  return found;
}

/** Prints one row per case and the totals of the two figures; returns the totals. */
export function printMatrix(rows) {
  const header = ['case', 'expected', 'got', 'untrue outputs', 'writes after the fence lost'];
  const cells = rows.map((r) => [r.name, r.expected, r.got, String(r.untrue.length), String(r.late.length)]);
  const totals = { 'untrue outputs': rows.reduce((n, r) => n + r.untrue.length, 0), 'writes after the fence lost': rows.reduce((n, r) => n + r.late.length, 0) };
  cells.push(['TOTAL', '', '', String(totals['untrue outputs']), String(totals['writes after the fence lost'])]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n'));
  for (const r of rows) for (const problem of [...r.untrue, ...r.late]) console.log(`${r.name}: ${problem}`);
  return totals;
}
