import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { haproxyInputs, startHaproxy } from '../../test-support/haproxy.mjs';
import { get, post, startApps } from '../../test-support/peers.mjs';
import { runAction } from '../../test-support/runner.mjs';

interface Haproxy {
  url: string;
  map: string;
  serverState: string;
  socket: string;
  operatorSocket: string;
  reload(): Promise<void>;
  stop(): void;
}
interface Apps {
  ports: Record<string, number>;
  env: Record<string, string>;
  stop(): void;
}

let haproxy: Haproxy;
let apps: Apps;
let inputs: Record<string, string>;
const steps = { 'haproxy-split-backend': 'split', 'traffic-steps': '10,50,100', 'step-window': '1s' };

beforeEach(async () => {
  apps = await startApps();
  haproxy = await startHaproxy({ ports: apps.ports });
  inputs = { ...haproxyInputs(haproxy, apps), 'health-window': '1s', 'health-interval': '250ms', 'lock-timeout': '1s' };
});
afterEach(() => {
  haproxy.stop();
  apps.stop();
});

/** What a client sees; a connection that fails outright is tried again, once, and reported if it fails twice. */
async function publicColor(): Promise<string> {
  let answer = await get(haproxy.url);
  if (answer.status === 0) answer = await get(haproxy.url);
  return `${answer.color ?? 'none'} ${answer.status}${answer.status === 0 ? ` (${answer.body})` : ''}`;
}

/** Shares of each color among `n` requests through the public route. */
async function shares(n = 200): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const answer = await get(haproxy.url);
    counts[answer.color ?? 'none'] = (counts[answer.color ?? 'none'] ?? 0) + 1;
  }
  return counts;
}

describe('haproxy: releases through the Runtime API, without reloads', () => {
  it('promotes, rewriting the map file so a reload keeps the color', async () => {
    const run = await runAction({ ...inputs, version: 'v2' }, { env: apps.env });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(await publicColor()).toBe('green 200');
    expect(readFileSync(haproxy.map, 'utf8')).toBe('# the live color\nactive green\n');
    await haproxy.reload();
    expect(await publicColor()).toBe('green 200');
  });

  it('says in the summary when the map file could not be rewritten', async () => {
    // HAProxy keeps the map in memory; a directory where the file was makes the rewrite fail.
    rmSync(haproxy.map);
    mkdirSync(haproxy.map);
    const run = await runAction({ ...inputs, version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('promoted');
    expect(await publicColor()).toBe('green 200');
    expect(run.summary()).toMatch(/### Notes\n\n- HAProxy serves "green", but the map file .*live\.map could not be rewritten: .*: a reload or restart of HAProxy would return to what the file says\./);
    expect(run.stdout).toMatch(/::warning title=Map file not updated::/);
  });

  it('shifts traffic in steps, watching each, and shows each step in the summary', async () => {
    const run = await runAction({ ...inputs, ...steps, 'step-window': '3s', version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('promoted');
    expect(run.stdout).toContain('haproxy: 10% of traffic to green, 90% to blue.');
    expect(run.stdout).toContain('haproxy: 50% of traffic to green, 50% to blue.');
    expect(run.summary()).toContain('| 10% | 3s | ✅ passed |');
    expect(run.summary()).toContain('| 50% | 3s | ✅ passed |');
    expect(run.summary()).toContain('| 100% | 1s | ✅ passed |');
    expect(await publicColor()).toBe('green 200');
  });

  it.each([
    ['with haproxy-server-state-file, a reload mid-step keeps the weights and the release goes on', true],
    ['without it, a reload mid-step returns to the configured weights: the watch notices and sends traffic back', false],
  ])('%s', async (_, persisted) => {
    let reloaded = false;
    const state = persisted ? { 'haproxy-server-state-file': haproxy.serverState } : {};
    const run = await runAction({ ...inputs, ...steps, ...state, 'traffic-steps': '10,100', 'step-window': '4s', version: 'v2' }, {
      env: apps.env,
      onOutput: (chunk: string) => {
        if (reloaded || !chunk.includes('::group::watch 10%25 step')) return;
        reloaded = true;
        setTimeout(() => void haproxy.reload(), 500);
      },
    });
    expect(reloaded).toBe(true);
    if (persisted) {
      expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green' });
      expect(readFileSync(haproxy.serverState, 'utf8')).toMatch(/ split \d+ green /);
    } else {
      expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
      expect(run.outputs.reason).toMatch(/^router \(haproxy .*\): no longer shows blue 90%, green 10%: it shows blue \(changed outside this run, or reverted by a reload\)/);
      expect(run.summary()).toMatch(/Set haproxy-server-state-file to keep them/);
    }
  });

  it('splits traffic by the weights of the split backend', async () => {
    const run = runAction({ ...inputs, ...steps, 'traffic-steps': '50,100', 'step-window': '6s', version: 'v2' }, { env: apps.env });
    // While the 50% step is watched, measure what clients get.
    let measured: Record<string, number> | undefined;
    for (let i = 0; i < 200 && !measured; i++) {
      const text = readFileSync(haproxy.map, 'utf8');
      if (text.includes('active split')) measured = await shares(200);
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(measured).toBeDefined();
    expect(measured!.green).toBeGreaterThanOrEqual(80);
    expect(measured!.blue).toBeGreaterThanOrEqual(80);
    expect((await run).outputs.result).toBe('promoted');
  });

  it('sends 100% back to the previous color when a middle step fails', async () => {
    let faulted = false;
    const run = await runAction(
      { ...inputs, ...steps, 'step-window': '3s', version: 'v2' },
      {
        env: apps.env,
        onOutput: (chunk: string) => {
          // The new color breaks once half the traffic reaches it.
          if (!faulted && chunk.includes('haproxy: 50% of traffic to green')) {
            faulted = true;
            void post(`http://127.0.0.1:${apps.ports.green}/__fault`);
          }
        },
      },
    );
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(run.outputs.reason).toMatch(/expected 2xx, got 503 .* during the 50% step/);
    expect(run.summary()).toContain('| 10% | 3s | ✅ passed |');
    expect(run.summary()).toContain('| 50% | 3s | ❌ failed |');
    expect(await shares(40)).toEqual({ blue: 40 });
    expect(readFileSync(haproxy.map, 'utf8')).toContain('active blue');
  });

  it('the post step flips back when the main step was killed mid-window', async () => {
    let killed = false;
    const run = await runAction(
      { ...inputs, 'health-window': '30s', version: 'v2' },
      {
        env: apps.env,
        onOutput: (chunk: string, child: { kill(s: string): void }) => {
          if (!killed && chunk.includes('::group::watch')) {
            killed = true;
            setTimeout(() => child.kill('SIGKILL'), 200);
          }
        },
      },
    );
    expect(run.signal).toBe('SIGKILL');
    expect(await publicColor()).toBe('green 200');
    const post = await run.post('cancelled');
    expect(post.code).toBe(0);
    expect(await publicColor()).toBe('blue 200');
    expect(readFileSync(haproxy.map, 'utf8')).toContain('active blue');
  });
});

describe('haproxy: clear errors before anything moves', () => {
  it('a refused socket', async () => {
    const run = await runAction({ ...inputs, 'haproxy-socket': '/nonexistent/admin.sock', version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/Could not reach the HAProxy Runtime API at \/nonexistent\/admin.sock: no such socket \(is HAProxy running with `stats socket <address> level admin`/);
    expect(await publicColor()).toBe('blue 200');
  });

  it('a permission level below admin, for traffic steps', async () => {
    const run = await runAction({ ...inputs, ...steps, 'haproxy-socket': haproxy.operatorSocket, version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/grants level "operator", but `set weight` \(traffic steps\) needs "admin": add `level admin`/);
  });

  it('another release holding the router lock', async () => {
    writeFileSync(`${haproxy.map}.lock`, JSON.stringify({ job: 'run 1 attempt 1, job other', pid: process.pid, host: hostname(), since: 'now' }));
    const run = await runAction({ ...inputs, version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/Another release holds the router lock .*live\.map\.lock \(run 1 attempt 1, job other, pid \d+/);
    expect(await publicColor()).toBe('blue 200');
  });

  it('an unknown map, and an unknown backend', async () => {
    const unknownMap = await runAction({ ...inputs, 'haproxy-map': '/etc/haproxy/nope.map', version: 'v2' }, { env: apps.env });
    expect(unknownMap.outputs.reason).toMatch(/HAProxy refused `show map \/etc\/haproxy\/nope.map`: Unknown map identifier/);
    const unknownBackend = await runAction({ ...inputs, ...steps, 'haproxy-split-backend': 'nosuch', version: 'v2' }, { env: apps.env });
    expect(unknownBackend.outputs.result).toBe('aborted');
    expect(unknownBackend.outputs.reason).toMatch(/HAProxy refused `set weight nosuch\/green 10`: No such backend/);
    expect(await publicColor()).toBe('blue 200');
  });
});
