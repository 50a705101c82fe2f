// Faults on cue for the external calls of a release: commands wrapped in test-support/flaky.mjs, and a
// real HAProxy stopped, restarted, paused or pointed at garbage while a run watches it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { haproxyBinary } from './haproxy.mjs';
import { waitFor } from './peers.mjs';
import { NODE, ROOT } from './runner.mjs';

export const FLAKY = join(ROOT, 'test-support/flaky.mjs');

/**
 * `real` (a command line as an input takes it) wrapped so that the calls `when` picks do `what`
 * (see flaky.mjs). `when: 'flag'` waits for `raise()`. `calls()` says what each call did.
 */
export function flaky(real, when, what) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-flaky-'));
  const counter = join(dir, 'calls');
  const flag = join(dir, 'flag');
  const picked = when === 'flag' ? `flag:${flag}` : when;
  return {
    command: `${NODE} ${FLAKY} ${counter} ${picked} ${what} -- ${real}`,
    raise: () => writeFileSync(flag, ''),
    calls: () => (existsSync(`${counter}.log`) ? readFileSync(`${counter}.log`, 'utf8').trim().split('\n') : []),
    /** Ends a process the `background` fault left behind. */
    cleanup() {
      try {
        if (existsSync(`${counter}.bg`)) process.kill(Number(readFileSync(`${counter}.bg`, 'utf8')), 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
  };
}

/** The HAProxy of a `routerEnv('haproxy')`, found from its map file's folder (startHaproxy's layout). */
export function haproxyControl(env) {
  const dir = dirname(env.inputs['haproxy-map']);
  const config = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'admin.sock');
  const pid = () => Number(readFileSync(join(dir, 'haproxy.pid'), 'utf8').trim());
  const alive = (p) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  const control = {
    socket,
    async stop() {
      const old = pid();
      process.kill(old, 'SIGTERM');
      await waitFor(() => !alive(old), 5000);
    },
    /** A cold restart: stopped, then started again from its config and map file. */
    async restart() {
      await control.stop();
      execFileSync(haproxyBinary(), ['-D', '-f', config], { stdio: 'pipe' });
      await waitFor(() => existsSync(socket), 5000);
    },
    /** A seamless reload: a new process reads the config and map file and takes over the listeners. */
    async reload() {
      const old = pid();
      execFileSync(haproxyBinary(), ['-D', '-f', config, '-x', socket, '-sf', String(old)], { stdio: 'pipe' });
      await waitFor(() => pid() !== old, 5000);
    },
    /** Frozen (SIGSTOP) for `ms`: connections are accepted by the kernel and nothing answers. */
    async pause(ms) {
      const p = pid();
      process.kill(p, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      process.kill(p, 'SIGCONT');
    },
    /** One Runtime API command over the admin socket, as another operator would send it. */
    send(command) {
      return new Promise((resolve, reject) => {
        const client = connect(socket, () => client.end(`${command}\n`));
        let answer = '';
        client.on('data', (chunk) => (answer += chunk));
        client.on('end', () => resolve(answer));
        client.on('error', reject);
      });
    },
  };
  return control;
}
