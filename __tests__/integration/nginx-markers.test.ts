// nginx switched by marker files: no reload, so no dropped request (the README's recommended setup).
// Real nginx with the README's server block, real app processes, the bundled action.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get, startApps, startNginx, waitFor } from '../../test-support/peers.mjs';
import { runAction } from '../../test-support/runner.mjs';
import { snapshotWorkers } from '../../src/routers/nginx/workers.js';

let apps: { ports: Record<string, number>; env: Record<string, string>; deployCommand: string; stop(): void };
let nginx: { url: string; marker: string; pidFile: string; testCommand: string; stop(): void };
let inputs: Record<string, string>;

beforeEach(async () => {
  apps = await startApps();
  nginx = await startNginx({ ports: apps.ports, initial: 'blue', markers: true });
  inputs = {
    router: 'nginx',
    'nginx-marker': nginx.marker,
    'nginx-pid-file': nginx.pidFile,
    'deploy-command': apps.deployCommand,
    'smoke-urls': `${nginx.url}/preview/{color}/`,
    'health-urls': `${nginx.url}/`,
    'health-interval': '250ms',
    'health-window': '1500ms',
    'lock-timeout': '1s',
  };
});
afterEach(() => {
  nginx.stop();
  apps.stop();
});

const markers = () => readdirSync(dirname(nginx.marker)).filter((name) => !name.startsWith('.')).sort();
const workers = async () => [...((await snapshotWorkers(nginx.pidFile))?.accepting ?? [])].sort();

/** Every answer through the public route while `body` runs, each on a fresh connection. */
async function everyAnswer(body: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const answer = await get(nginx.url);
      seen.push(`${answer.color ?? 'none'} ${answer.status}`);
    }
  })();
  await body();
  running = false;
  await loop;
  return seen;
}

describe('nginx markers: switching without a reload', () => {
  it('promotes by moving the marker; nginx keeps its workers (no reload) and the next request goes to green', async () => {
    const before = await workers();
    const run = await runAction({ ...inputs, version: 'v2' }, { env: apps.env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(markers()).toEqual(['green']);
    expect((await get(nginx.url)).color).toBe('green');
    expect(await workers()).toEqual(before);
    expect(existsSync(`${dirname(nginx.marker)}/.blue-green.lock`)).toBe(false);
  });

  it('never leaves a moment without a live color, flipping either way: no 503 among every answer', async () => {
    const seen = await everyAnswer(async () => {
      expect((await runAction({ ...inputs, version: 'v2', 'health-window': '0s' }, { env: apps.env })).outputs['active-color']).toBe('green');
      expect((await runAction({ ...inputs, mode: 'rollback' }, { env: apps.env })).outputs['active-color']).toBe('blue');
      expect((await runAction({ ...inputs, version: 'v3', 'health-window': '0s' }, { env: apps.env })).outputs['active-color']).toBe('green');
    });
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((answer) => !/^(blue|green) 200$/.test(answer))).toEqual([]);
    expect(seen.filter((answer, i) => i === 0 || seen[i - 1] !== answer)).toEqual(['blue 200', 'green 200', 'blue 200', 'green 200']);
  });

  it('rolls back by moving the marker back when the window fails', async () => {
    const run = await runAction({ ...inputs, version: 'v2-faulty', 'health-window': '10s' }, { env: { ...apps.env, FAULT_AFTER_MS: '500' } });
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(markers()).toEqual(['blue']);
    expect((await get(nginx.url)).color).toBe('blue');
  });

  it('refuses a marker folder that does not exist, and nginx-conf given as well, naming the inputs', async () => {
    const missing = await runAction({ ...inputs, 'nginx-marker': '/nonexistent/blue-green/{color}' }, { env: apps.env });
    expect(missing.outputs.result).toBe('aborted');
    expect(missing.stdout).toContain(`::error title=Invalid input::Input 'nginx-marker': the folder /nonexistent/blue-green does not exist`);
    const both = await runAction({ ...inputs, 'nginx-conf': '/etc/nginx/live.conf' }, { env: apps.env });
    expect(both.stdout).toContain(`::error title=Invalid input::Input 'nginx-marker': and nginx-conf are two ways to switch nginx; give one`);
    expect(markers()).toEqual(['blue']);
  });

  it('warns about open_file_cache in every run, from what nginx -T found for the running nginx; a reload is looked at again', async () => {
    nginx.stop();
    const started = await startNginx({ ports: apps.ports, initial: 'blue', markers: true, extra: 'open_file_cache max=100 inactive=20s;' });
    nginx = started;
    const own = { ...inputs, 'nginx-marker': nginx.marker, 'nginx-pid-file': nginx.pidFile, 'nginx-test-command': nginx.testCommand, 'health-urls': `${nginx.url}/`, 'smoke-urls': `${nginx.url}/preview/{color}/` };
    const warning = /::warning title=nginx markers::nginx's configuration has "open_file_cache max=100 inactive=20s;"/;
    const memo = join(dirname(nginx.marker), '.nginx-checked');
    // First run: nginx -T is asked, and what it found is kept for this nginx (master and workers).
    const status = await runAction({ ...own, mode: 'status' }, { env: apps.env });
    expect(status.outputs.result).toBe('unchanged');
    expect(status.stdout).toMatch(warning);
    expect(JSON.parse(readFileSync(memo, 'utf8')).directive).toBe('open_file_cache max=100 inactive=20s;');
    // Later runs warn from what was kept, before the flip.
    const released = await runAction({ ...own, version: 'v2' }, { env: apps.env });
    expect(released.outputs.result).toBe('promoted');
    expect(released.stdout.search(warning)).toBeGreaterThan(-1);
    expect(released.stdout.search(warning)).toBeLessThan(released.stdout.indexOf('nginx: traffic moved'));
    // A reload applies a configuration without the directive: new workers, so nginx -T is asked again.
    const conf = join(started.dir, 'nginx.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('open_file_cache max=100 inactive=20s;', ''));
    const before = await workers();
    execFileSync(started.baseArgs[0], [...started.baseArgs.slice(1), '-s', 'reload']);
    expect(await waitFor(async () => (await workers()).every((pid) => !before.includes(pid)) && (await workers()).length > 0, 5000)).toBe(true);
    const after = await runAction({ ...own, version: 'v3' }, { env: apps.env });
    expect(after.outputs.result).toBe('promoted');
    expect(after.stdout).not.toMatch(/open_file_cache/);
    expect(JSON.parse(readFileSync(memo, 'utf8')).directive).toBeUndefined();
    expect(markers()).toEqual(['blue']);
  });

  it("refuses markers that nginx's workers cannot see, naming the user; warns about open_file_cache", async () => {
    nginx.stop();
    // Workers as nobody, markers inside the 0700 folder nginx was started from: every -f would be false.
    nginx = await startNginx({ ports: apps.ports, initial: 'blue', markers: true, user: 'nobody nogroup', extra: 'open_file_cache max=100 inactive=20s;' });
    const run = await runAction({ ...inputs, 'nginx-marker': nginx.marker, 'nginx-pid-file': nginx.pidFile, 'nginx-test-command': nginx.testCommand }, { env: apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.stdout).toMatch(/::error title=Invalid input::Input 'nginx-marker': nginx's workers run as uid \d+, which cannot search \/\S+, so every marker would read as absent/);
    expect(run.stdout).toMatch(/::warning title=nginx markers::nginx's configuration has "open_file_cache max=100 inactive=20s;"/);
    expect(markers()).toEqual(['blue']);
  });
});
