import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../test-support/runner.mjs';
import { type Env, fileStamp, nginxEnv, publicColor } from '../../test-support/nginx-env.js';

let env: Env;
beforeEach(async () => {
  env = await nginxEnv();
});
afterEach(() => env.stop());

/** Sends `signal` to the main step once it has started watching the window. */
function cancelDuringWindow(signal: NodeJS.Signals) {
  let sent = false;
  return (chunk: string, child: { kill(s: NodeJS.Signals): void }) => {
    if (!sent && chunk.includes('::group::watch')) {
      sent = true;
      setTimeout(() => child.kill(signal), 300);
    }
  };
}

describe('nginx: cancellation', () => {
  it('flips back at once on SIGINT in the main step; the post step then has nothing to do', async () => {
    const run = await runAction({ ...env.inputs, version: 'v2', 'health-window': '30s' }, { env: env.apps.env, onOutput: cancelDuringWindow('SIGINT') });
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(run.outputs.reason).toBe('The run was cancelled (received SIGINT)');
    expect(await publicColor(env)).toBe('blue 200');
    const post = await run.post('cancelled');
    expect(post.code).toBe(0);
    expect(post.stdout).toBe('');
  });

  it('the post step flips back when the main step was killed mid-window', async () => {
    const run = await runAction({ ...env.inputs, version: 'v2', 'health-window': '30s' }, { env: env.apps.env, onOutput: cancelDuringWindow('SIGKILL') });
    expect(run.signal).toBe('SIGKILL');
    expect(run.state.phase).toBe('watching');
    expect(await publicColor(env)).toBe('green 200');
    const post = await run.post('cancelled');
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/::warning title=Post step::The main step stopped while green was live and not yet proven \(the job is cancelled\); flipping back to blue/);
    expect(await publicColor(env)).toBe('blue 200');
    expect(run.summary()).toMatch(/## ↩️ Rolled back by the post step — blue/);
    expect(existsSync(`${env.nginx.live}.lock`)).toBe(false);
  });
});

describe('nginx: the verdict is what nginx serves', () => {
  it('notices a person flipping nginx back mid-window: the window fails at once, and the outputs say what nginx serves', async () => {
    let flipped = false;
    const run = await runAction({ ...env.inputs, version: 'v2', 'health-window': '30s', 'health-urls': `${env.nginx.url}/` }, {
      env: env.apps.env,
      onOutput: (chunk: string) => {
        if (flipped || !chunk.includes('::group::watch')) return;
        flipped = true;
        // As a person would: rewrite the include by hand and reload.
        setTimeout(() => {
          writeFileSync(env.nginx.live, 'proxy_pass http://blue;\n');
          execFileSync(env.nginx.reloadCommand.split(' ')[0], env.nginx.reloadCommand.split(' ').slice(1));
        }, 300);
      },
    });
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(run.outputs.reason).toMatch(/^router \(nginx include .*\): no longer shows green: it shows blue \(changed outside this run, or reverted by a reload\)/);
    expect(await publicColor(env)).toBe('blue 200');
    expect(run.summary()).toMatch(/\| Router now shows \| \*\*blue\*\* \|/);
  });

  it('refuses an nginx-conf that is a directory, naming the input, before anything is touched', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'bg-marker-')), 'deployed');
    const run = await runAction({ ...env.inputs, 'nginx-conf': env.nginx.dir, 'deploy-command': `touch ${marker}` });
    expect(run.outputs.result).toBe('aborted');
    expect(run.stdout).toContain(`::error title=Invalid input::Input 'nginx-conf': ${env.nginx.dir} is a directory; expected the path of the include file the action owns.`);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('nginx: touching nothing', () => {
  it.each([{ 'dry-run': 'true' }, { mode: 'status' }])('%j reports and touches nothing', async (given) => {
    const marker = join(mkdtempSync(join(tmpdir(), 'bg-marker-')), 'deployed');
    const before = fileStamp(env.nginx.live);
    const run = await runAction({ ...env.inputs, ...given, 'deploy-command': `touch ${marker}` });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'unchanged', 'active-color': 'blue' });
    expect(fileStamp(env.nginx.live)).toBe(before);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${env.nginx.live}.lock`)).toBe(false);
  });

  it('bad inputs fail before anything is touched, each named with the accepted form', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'bg-marker-')), 'deployed');
    const before = fileStamp(env.nginx.live);
    const run = await runAction({ ...env.inputs, 'deploy-command': `touch ${marker}`, 'health-interval': '5', 'traffic-steps': '10,100', 'smoke-headers': 'Authorization Bearer hidden-value' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error title=Invalid input::Input 'health-interval': got "5"; expected a number with a unit, e.g. 500ms, 30s, 5m, 1h, at least 50ms and at most 1h.`);
    expect(run.stdout).toContain(`::error title=Invalid input::Input 'traffic-steps': got "10,100", but router "nginx" cannot split traffic; use "100".`);
    expect(run.stdout).toContain(`::error title=Invalid input::Input 'smoke-headers': a line without "Name: value"`);
    expect(run.stdout + run.summary() + JSON.stringify(run.outputs)).not.toContain('hidden-value');
    expect(run.outputs.result).toBe('aborted');
    expect(run.summary()).toMatch(/Aborted before the flip/);
    expect(existsSync(marker)).toBe(false);
    expect(fileStamp(env.nginx.live)).toBe(before);
  });

  it('refuses, naming the holder, while another release holds the router lock', async () => {
    writeFileSync(`${env.nginx.live}.lock`, JSON.stringify({ job: 'run 1 attempt 1, job other', pid: process.pid, host: hostname(), since: 'now' }));
    const before = fileStamp(env.nginx.live);
    const run = await runAction({ ...env.inputs, version: 'v2' }, { env: env.apps.env });
    expect(run.outputs.result).toBe('aborted');
    expect(run.outputs.reason).toMatch(/Another release holds the router lock .*live\.conf\.lock \(run 1 attempt 1, job other, pid \d+ on .*\); waited 1s \(lock-timeout\)/);
    expect(fileStamp(env.nginx.live)).toBe(before);
  });

  it('writes a GitHub deployment record and its final status (GitHub API stood in by a local recorder)', async () => {
    const { createServer } = await import('node:http');
    const calls: { url: string; body: Record<string, unknown> }[] = [];
    const api = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        // Reads (the environment's deployments, looked through after a promotion) find none here.
        if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
        calls.push({ url: req.url!, body: JSON.parse(body) });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 7001 }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const { port } = api.address() as { port: number };
    try {
      const run = await runAction(
        { ...env.inputs, version: 'v2', 'health-window': '0s', environment: 'production', 'environment-url': 'https://app.example', 'github-token': 'ghs_secret_token' },
        { env: { ...env.apps.env, GITHUB_API_URL: `http://127.0.0.1:${port}`, GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' } },
      );
      expect(run.outputs).toMatchObject({ result: 'promoted', 'deployment-id': '7001' });
      expect(calls.map((c) => `${c.url} ${c.body.state ?? c.body.environment}`)).toEqual([
        '/repos/o/r/deployments production',
        '/repos/o/r/deployments/7001/statuses in_progress',
        '/repos/o/r/deployments/7001/statuses success',
      ]);
      expect(run.stdout).toContain('::add-mask::ghs_secret_token');
      expect(run.summary() + JSON.stringify(run.report())).not.toContain('ghs_secret_token');
    } finally {
      api.close();
    }
  });

  it('masks smoke header values everywhere', async () => {
    const run = await runAction({ ...env.inputs, version: 'v2', 'health-window': '0s', 'smoke-headers': 'X-Token: very-secret-value' }, { env: env.apps.env });
    expect(run.outputs.result).toBe('promoted');
    expect(run.stdout).toContain('::add-mask::very-secret-value');
    const everything = run.stdout.replace('::add-mask::very-secret-value', '') + run.summary() + JSON.stringify(run.outputs) + JSON.stringify(run.report());
    expect(everything).not.toContain('very-secret-value');
  });
});
