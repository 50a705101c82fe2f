#!/usr/bin/env node
// The deploy command of tests and the demo: `appctl.mjs deploy <color> <version>` (re)starts that
// color's app process and waits until it answers. Ports and pids live in $APP_STATE_DIR.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , verb, color, version] = process.argv;
const stateDir = process.env.APP_STATE_DIR;
if (verb !== 'deploy' || !color || !version || !stateDir) {
  console.error('usage: APP_STATE_DIR=dir appctl.mjs deploy <color> <version>');
  process.exit(2);
}
/** What the port answered last, for the error. */
let lastSeen = 'no answer';
const ports = JSON.parse(readFileSync(join(stateDir, 'ports.json'), 'utf8'));
const pidFile = join(stateDir, `${color}.pid`);
try {
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
  await waitFor(() => probe(ports[color]).then((up) => !up), 5000);
} catch {
  /* nothing running */
}
const log = openSync(join(stateDir, `${color}.log`), 'a');
const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'app.mjs')], {
  env: { ...process.env, APP_COLOR: color, APP_VERSION: version, APP_PORT: String(ports[color]) },
  detached: true,
  stdio: ['ignore', log, log],
});
child.unref();
writeFileSync(pidFile, String(child.pid));
console.log(`started ${color} ${version} (pid ${child.pid}) on port ${ports[color]}`);
// Ready means this app answers: another process on the port (it was free when chosen, then released)
// would otherwise pass for it.
if (!(await waitFor(() => probe(ports[color], { color, version }), 10000))) {
  console.error(`${color} ${version} did not start answering on ${ports[color]}: ${lastSeen}`);
  process.exit(1);
}
console.log(`${color} is listening`);

/** Whether anything answers on `port`; with `want`, whether it is that color and version. */
function probe(port, want) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 500 }, (res) => {
      res.resume();
      lastSeen = `answered as ${res.headers['x-color']} ${res.headers['x-version']}`;
      resolve(!want || (res.headers['x-color'] === want.color && res.headers['x-version'] === want.version));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
