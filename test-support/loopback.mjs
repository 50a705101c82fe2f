// Extra addresses on `lo`, for app processes that stand behind Kubernetes EndpointSlices: the apiserver
// refuses loopback (127.0.0.0/8) endpoints, and an address on `lo` is as local as 127.0.0.1, so no
// traffic leaves this machine. Adding one needs root (CAP_NET_ADMIN): without it this fails loudly.
// Addresses come from 10.244.250.0/24 (outside the control plane's Service and pod ranges) and are
// claimed through a file per address, so concurrent test runs never share one, and each is removed by
// its claimer when done (or by the next claimer, once the claimer's process is gone).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RANGE = '10.244.250';
const CLAIMS = join(tmpdir(), 'blue-green-lo-addresses');
const held = new Set();
process.once('exit', () => {
  for (const address of held) release(address);
});

function ip(args) {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`ip ${args.join(' ')}: ${result.error.message} (the iproute2 package provides ip)`);
  return { code: result.status ?? 1, stderr: result.stderr.trim() };
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/** Claims the address's file unless a live process holds it; a dead claimer's address is taken over. */
function claim(address) {
  const file = join(CLAIMS, address);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  const owner = Number(readFileSync(file, 'utf8'));
  if (owner && alive(owner)) return false;
  rmSync(file, { force: true });
  return claim(address);
}

/**
 * `count` addresses of 10.244.250.0/24 on `lo`, claimed for this process: added when absent (a
 * leftover of a dead claimer is reused as it is), removed by `release` or when the process exits.
 */
export function claimLoopbackAddresses(count) {
  mkdirSync(CLAIMS, { recursive: true });
  const addresses = [];
  for (let host = 1; host < 255 && addresses.length < count; host++) {
    const address = `${RANGE}.${host}`;
    if (!claim(address)) continue;
    const added = ip(['addr', 'add', `${address}/32`, 'dev', 'lo']);
    if (added.code !== 0 && !/File exists/.test(added.stderr)) {
      rmSync(join(CLAIMS, address), { force: true });
      for (const taken of addresses) release(taken);
      throw new Error(`cannot add ${address}/32 to lo (${added.stderr}): the data-plane tests need root (CAP_NET_ADMIN) to give their app processes addresses an EndpointSlice accepts`);
    }
    held.add(address);
    addresses.push(address);
  }
  if (addresses.length < count) throw new Error(`only ${addresses.length} of ${count} addresses of ${RANGE}.0/24 are free on lo`);
  return addresses;
}

/** Removes the address from lo and gives up the claim; safe to call twice. */
export function release(address) {
  if (!held.delete(address)) return;
  ip(['addr', 'del', `${address}/32`, 'dev', 'lo']);
  rmSync(join(CLAIMS, address), { force: true });
}
