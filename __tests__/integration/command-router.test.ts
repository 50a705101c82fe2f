import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, NODE, ROOT } from '../../test-support/runner.mjs';
import { startApps } from '../../test-support/peers.mjs';

let apps: { ports: Record<string, number>; env: Record<string, string>; deployCommand: string; stop(): void };
let routeFile: string;
let inputs: Record<string, string>;

beforeEach(async () => {
  apps = await startApps();
  routeFile = join(mkdtempSync(join(tmpdir(), 'bg-route-')), 'route');
  writeFileSync(routeFile, 'blue\n');
  const tool = `${NODE} ${join(ROOT, 'test-support/route-file.mjs')}`;
  inputs = {
    router: 'command',
    'router-get-command': `${tool} get ${routeFile}`,
    'router-set-command': `${tool} set ${routeFile} {color} {weight}`,
    'deploy-command': apps.deployCommand,
    // No proxy here: health is read from the new color's own port (green: it is the idle one).
    'health-urls': `http://127.0.0.1:${apps.ports.green}/`,
    'health-interval': '200ms',
    'health-window': '1s',
  };
});
afterEach(() => apps.stop());

describe('command router through the bundled action', () => {
  it('shifts in steps through router-set-command and promotes', async () => {
    const run = await runAction({ ...inputs, 'traffic-steps': '20,100', 'step-window': '600ms', version: 'v2' }, { env: apps.env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(readFileSync(routeFile, 'utf8')).toBe('green\n');
    expect(run.summary()).toContain('| 20% | 600ms | ✅ passed |');
    expect(run.report().phases.map((p: { name: string }) => p.name)).toEqual(['discover', 'deploy', 'shift 20%', 'watch 20% step', 'flip', 'watch health window']);
  });

  it('sends everything back when the new color fails at a step', async () => {
    const run = await runAction({ ...inputs, 'traffic-steps': '20,100', 'step-window': '2s', version: 'v2-broken' }, { env: apps.env });
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(run.outputs.reason).toMatch(/during the 20% step/);
    expect(readFileSync(routeFile, 'utf8')).toBe('blue\n');
  });

  it('mode rollback refuses a color that no longer answers its smoke tests, unless emergency', async () => {
    writeFileSync(routeFile, 'green\n');
    apps.stop(); // nothing serves blue any more
    const rollback = { ...inputs, mode: 'rollback', 'deploy-command': '', 'health-urls': '', 'smoke-urls': 'http://127.0.0.1:9/{color}', 'smoke-retries': '1' };
    const refused = await runAction(rollback, { env: apps.env });
    expect(refused.outputs.result).toBe('aborted');
    expect(refused.outputs.reason).toMatch(/^Smoke test failed on blue: .*Live traffic was not touched\. Set emergency: true to roll back without this check\.$/);
    expect(readFileSync(routeFile, 'utf8')).toBe('green\n');
    const forced = await runAction({ ...rollback, emergency: 'true' }, { env: apps.env });
    expect(forced.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(readFileSync(routeFile, 'utf8')).toBe('blue\n');
  });

  it('refuses to run when router-get-command prints something it cannot read', async () => {
    writeFileSync(routeFile, 'purple\n');
    const run = await runAction({ ...inputs, 'health-urls': '', version: 'v2' }, { env: apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/router-get-command printed "purple"; expected one of blue, green/);
  });
});
