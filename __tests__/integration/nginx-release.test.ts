import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { post } from '../../test-support/peers.mjs';
import { runAction } from '../../test-support/runner.mjs';
import { type Env, fileStamp, nginxEnv, pollPublic, publicColor, transitions } from '../../test-support/nginx-env.js';

let env: Env;
afterEach(() => env?.stop());

describe('nginx: releases through the bundled action', () => {
  beforeEach(async () => {
    env = await nginxEnv();
  });

  it('promotes a healthy release: deploy, smoke through the preview route, flip, watch', async () => {
    expect(await publicColor(env)).toBe('blue 200');
    const poll = pollPublic(env);
    const run = await runAction({ ...env.inputs, version: 'v2' }, { env: env.apps.env });
    const seen = await poll.stop();
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue', 'target-color': 'green', 'rolled-back': 'false', reason: '' });
    expect(run.outputs['flipped-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await publicColor(env)).toBe('green 200');
    // No failed request; while nginx swaps workers both generations answer, but once the flip is
    // reported done, every new connection reaches green.
    expect(seen.every((s) => s.answer.endsWith(' 200'))).toBe(true);
    expect(transitions(seen)[0]).toBe('blue 200');
    const flippedAt = Date.parse(run.outputs['flipped-at']);
    const after = seen.filter((s) => s.startedAt > flippedAt);
    expect(after.length).toBeGreaterThan(10);
    expect(new Set(after.map((s) => s.answer))).toEqual(new Set(['green 200']));
    expect(run.summary()).toMatch(/^## ✅ Promoted — green/);
    const report = run.report();
    expect(report.samples.length).toBeGreaterThanOrEqual(8);
    expect(report.smoke[0]).toMatchObject({ ok: true, status: 200 });
    expect(run.stdout).toContain('::group::flip');
    expect(run.state.phase).toBe('done');
    expect((await run.post()).stdout).toBe('');
  });

  it('rolls back when the new color starts failing during the window', async () => {
    let faulted = false;
    const run = await runAction(
      { ...env.inputs, version: 'v2', 'health-window': '10s' },
      {
        env: env.apps.env,
        onOutput: (chunk: string) => {
          // The new color breaks a moment into its health window.
          if (!faulted && chunk.includes('::group::watch')) {
            faulted = true;
            setTimeout(() => void post(`http://127.0.0.1:${env.apps.ports.green}/__fault`), 500);
          }
        },
      },
    );
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back': 'true', 'active-color': 'blue', 'target-color': 'green' });
    expect(run.outputs.reason).toMatch(/expected 2xx, got 503 \(1 failing sample\(s\) in a row during the health window\)/);
    expect(await publicColor(env)).toBe('blue 200');
    expect(run.stdout).toMatch(/::error title=Blue-green release rolled-back; router shows blue::.*expected 2xx, got 503/);
    expect(run.summary()).toMatch(/^## ↩️ Rolled back — blue/);
    expect(run.summary()).toContain('| Router now shows | **blue** |');
  });

  it('aborts on a failing smoke test, never touching live traffic', async () => {
    const before = fileStamp(env.nginx.live);
    const poll = pollPublic(env);
    const run = await runAction({ ...env.inputs, version: 'v2-broken', 'smoke-retries': '2' }, { env: env.apps.env });
    const seen = await poll.stop();
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: 'aborted', 'active-color': 'blue', 'rolled-back': 'false', 'flipped-at': '' });
    expect(run.outputs.reason).toMatch(/Smoke test failed on green: .*expected 2xx, got 503\. Live traffic was not touched/);
    expect(fileStamp(env.nginx.live)).toBe(before);
    expect(transitions(seen)).toEqual(['blue 200']);
    expect(run.report().smoke[0]).toMatchObject({ ok: false, attempts: 2 });
  });

  it('stages, then promotes the staged color in a second run', async () => {
    const stage = await runAction({ ...env.inputs, mode: 'stage', version: 'v2' }, { env: env.apps.env });
    expect(stage.outputs).toMatchObject({ result: 'staged', 'active-color': 'blue', 'target-color': 'green' });
    expect(await publicColor(env)).toBe('blue 200');
    const { 'deploy-command': _, ...promoteInputs } = env.inputs;
    const promote = await runAction({ ...promoteInputs, mode: 'promote', version: 'v2' });
    expect(promote.code).toBe(0);
    expect(promote.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-color': 'blue' });
    expect(await publicColor(env)).toBe('green 200');
  });

  it('refuses to promote another version than the one staged (someone staged again after the approval)', async () => {
    await runAction({ ...env.inputs, mode: 'stage', version: 'v2' }, { env: { ...env.apps.env, GITHUB_RUN_ID: '7', GITHUB_JOB: 'stage' } });
    await runAction({ ...env.inputs, mode: 'stage', version: 'v3' }, { env: { ...env.apps.env, GITHUB_RUN_ID: '8', GITHUB_JOB: 'stage' } });
    const { 'deploy-command': _, ...promoteInputs } = env.inputs;
    const promote = await runAction({ ...promoteInputs, mode: 'promote', version: 'v2' });
    expect(promote.outputs.result).toBe('aborted');
    expect(promote.outputs.reason).toMatch(/^green holds v3 \(staged at \S+ by run 8 attempt 1, job stage, step [0-9a-f]{8}\), not v2, the version this run was asked to promote/);
    expect(await publicColor(env)).toBe('blue 200');
    expect(readFileSync(`${env.nginx.live}.green.staged`, 'utf8')).toMatch(/"version":"v3"/);
  });

  it('rolls back on request, and that is a success', async () => {
    await runAction({ ...env.inputs, version: 'v2' }, { env: env.apps.env });
    const back = await runAction({ ...env.inputs, mode: 'rollback', 'deploy-command': '' });
    expect(back.code).toBe(0);
    expect(back.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue', 'previous-color': 'green' });
    expect(await publicColor(env)).toBe('blue 200');
  });

  it('restores the previous file and explains when nginx rejects the new configuration', async () => {
    await runAction({ ...env.inputs, version: 'v2', 'health-window': '0s' }, { env: env.apps.env });
    const before = fileStamp(env.nginx.live);
    const run = await runAction({ ...env.inputs, version: 'v3', 'nginx-template': 'proxy_pass http://{color}' }, { env: env.apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/nginx rejected the new configuration: .*(unexpected|expecting)/);
    expect(run.outputs.reason).toMatch(/Traffic stayed on green/);
    const content = (stamp: string) => stamp.slice(stamp.indexOf(' ') + 1);
    expect(content(fileStamp(env.nginx.live))).toBe(content(before));
    expect(await publicColor(env)).toBe('green 200');
  });
});

describe('nginx: first release', () => {
  it('sends the first release to the first color', async () => {
    env = await nginxEnv(null);
    const run = await runAction({ ...env.inputs, version: 'v1' }, { env: env.apps.env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'blue', 'previous-color': '', 'target-color': 'blue' });
    expect(await publicColor(env)).toBe('blue 200');
  });
});
