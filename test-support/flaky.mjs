#!/usr/bin/env node
// A command that misbehaves on cue, for fault tests; no shell anywhere.
//   flaky.mjs COUNTER WHEN WHAT -- REAL COMMAND...
// COUNTER: a file that counts this wrapper's calls (COUNTER.log says what each call did).
// WHEN: a call number ("2"), that call and every later one ("5+"), "always", or "flag:FILE" (the first
//   call made once FILE exists; the file is removed, so the fault happens once).
// WHAT, on the calls WHEN picks: fail (exit 1, nothing run) | garbage (print junk, exit 0, nothing run) |
//   stall:MS (wait MS, then run the real command) | after-fail (run the real command, then exit 1) |
//   background (leave a process running that holds stdout open, then run the real command).
// Every other call runs the real command and exits with its status.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const [, , counter, when, what, ...rest] = process.argv;
const real = rest[0] === '--' ? rest.slice(1) : rest;
if (!counter || !when || !what) {
  console.error('usage: flaky.mjs COUNTER WHEN WHAT -- REAL COMMAND...');
  process.exit(2);
}
const call = Number(existsSync(counter) ? readFileSync(counter, 'utf8') : '0') + 1;
writeFileSync(counter, String(call));

function due() {
  if (when === 'always') return true;
  if (when.startsWith('flag:')) {
    const flag = when.slice('flag:'.length);
    if (!existsSync(flag)) return false;
    rmSync(flag, { force: true });
    return true;
  }
  if (when.endsWith('+')) return call >= Number(when.slice(0, -1));
  return call === Number(when);
}

function runReal() {
  if (!real.length) return 0;
  const result = spawnSync(real[0], real.slice(1), { stdio: 'inherit' });
  return result.status ?? 1;
}

const fault = due() ? what : 'none';
appendFileSync(`${counter}.log`, `${call} ${fault}\n`);
if (fault === 'none') process.exit(runReal());
if (fault === 'fail') {
  console.error(`flaky: call ${call} fails on purpose`);
  process.exit(1);
}
if (fault === 'garbage') {
  process.stdout.write('<html>502 Bad Gateway</html>\n\u0000\u00ff garbage\n');
  process.exit(0);
}
if (fault.startsWith('stall:')) {
  await new Promise((resolve) => setTimeout(resolve, Number(fault.slice('stall:'.length))));
  process.exit(runReal());
}
if (fault === 'after-fail') {
  runReal();
  console.error(`flaky: call ${call} did its work, then fails on purpose`);
  process.exit(1);
}
if (fault === 'background') {
  // Same process group, same stdout: the caller's pipes stay open after this process exits.
  const child = spawn('sleep', ['20'], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(`${counter}.bg`, String(child.pid));
  child.unref();
  console.log(`flaky: left sleep ${child.pid} running in the background`);
  process.exit(runReal());
}
console.error(`flaky: unknown fault ${fault}`);
process.exit(2);
