// The GitHub deployment record through the bundled action, against a stand-in for GitHub's REST API on
// 127.0.0.1 (reached as on GitHub Enterprise Server, through GITHUB_API_URL) that records every call in
// order. The release itself uses the command router and two real app processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApps } from '../../test-support/peers.mjs';
import { NODE, ROOT, runAction } from '../../test-support/runner.mjs';

interface Deployment {
  id: number;
  environment: string;
  body: Record<string, unknown>;
  statuses: Record<string, unknown>[];
}
interface Call {
  line: string;
  body?: Record<string, unknown>;
  authorization?: string;
}

/**
 * Just enough of GitHub's deployments API. `failures` holds answers to give instead, in order, for calls
 * whose `METHOD /path` line starts with the key.
 */
async function startGitHub(seed: { environment: string; state: string }[] = []) {
  const deployments: Deployment[] = seed.map((s, i) => ({ id: i + 1, environment: s.environment, body: {}, statuses: [{ id: i + 1, state: s.state }] }));
  const calls: Call[] = [];
  const failures = new Map<string, { status: number; message: string }[]>();
  /** Calls whose line starts with this get no answer at all. */
  let hang = '';
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://github.test');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const line = `${req.method} ${url.pathname}${url.search}${body?.state ? ` ${body.state}` : ''}`;
      calls.push({ line, body, authorization: req.headers.authorization });
      if (hang && line.startsWith(hang)) return;
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const failure = [...failures].find(([prefix, queue]) => line.startsWith(prefix) && queue.length)?.[1].shift();
      if (failure) return json(failure.status, { message: failure.message, documentation_url: 'https://docs.github.com/rest' });
      const path = url.pathname.match(/^\/repos\/o\/r\/deployments(?:\/(\d+)(\/statuses)?)?$/);
      const deployment = path?.[1] ? deployments.find((d) => d.id === Number(path[1])) : undefined;
      if (!path || (path[1] && !deployment)) return json(404, { message: 'Not Found' });
      if (req.method === 'POST' && !path[1]) {
        const created = { id: deployments.length + 1, environment: String(body!.environment), body: body!, statuses: [] };
        deployments.push(created);
        return json(201, { id: created.id, environment: created.environment });
      }
      if (req.method === 'POST' && deployment) {
        const status = { id: 1000 + calls.length, ...body };
        deployment.statuses.push(status);
        return json(201, status);
      }
      if (req.method === 'GET' && deployment) return json(200, [...deployment.statuses].reverse());
      const environment = url.searchParams.get('environment');
      return json(200, deployments.filter((d) => !environment || d.environment === environment).reverse().map(({ id, environment }) => ({ id, environment })));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    deployments,
    fail(prefix: string, ...answers: { status: number; message: string }[]) {
      failures.set(prefix, answers);
    },
    hang(prefix: string) {
      hang = prefix;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const TOKEN = `ghs_canary${randomBytes(12).toString('hex')}`;
let apps: Awaited<ReturnType<typeof startApps>>;
let github: Awaited<ReturnType<typeof startGitHub>>;
let routeFile: string;
let inputs: Record<string, string>;
let env: Record<string, string>;

beforeEach(async () => {
  apps = await startApps();
  github = await startGitHub([{ environment: 'production', state: 'success' }]);
  routeFile = join(mkdtempSync(join(tmpdir(), 'bg-route-')), 'route');
  writeFileSync(routeFile, 'blue\n');
  const tool = `${NODE} ${join(ROOT, 'test-support/route-file.mjs')}`;
  inputs = {
    router: 'command',
    'router-get-command': `${tool} get ${routeFile}`,
    'router-set-command': `${tool} set ${routeFile} {color} {weight}`,
    'deploy-command': apps.deployCommand,
    'health-urls': `http://127.0.0.1:${apps.ports.green}/`,
    'health-interval': '200ms',
    'health-window': '1s',
    environment: 'production',
    'environment-url': 'https://app.example',
    'github-token': TOKEN,
  };
  env = {
    ...apps.env,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123abcd',
  };
});
afterEach(async () => {
  apps.stop();
  await github.close();
});

const lines = () => github.calls.map((c) => c.line);

/** The token may appear only where the runner reads it to mask it. */
function expectNoToken(run: Awaited<ReturnType<typeof runAction>>) {
  const stdout = run.stdout.split('\n').filter((line: string) => !line.startsWith('::add-mask::')).join('\n');
  for (const [where, text] of Object.entries({ stdout, stderr: run.stderr, summary: run.summary(), outputs: JSON.stringify(run.outputs), report: JSON.stringify(run.report()) })) {
    expect(text, where).not.toContain(TOKEN);
  }
}

describe('GitHub deployment record through the bundled action', () => {
  it('promotes: in_progress, success, then the deployment that was serving becomes inactive', async () => {
    const run = await runAction({ ...inputs, version: 'v2' }, { env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'deployment-id': '2' });
    expect(lines()).toEqual([
      'POST /repos/o/r/deployments',
      'POST /repos/o/r/deployments/2/statuses in_progress',
      'POST /repos/o/r/deployments/2/statuses success',
      'GET /repos/o/r/deployments?environment=production&per_page=10',
      'GET /repos/o/r/deployments/1/statuses?per_page=1',
      'POST /repos/o/r/deployments/1/statuses inactive',
    ]);
    const [create, inProgress, success] = github.calls.map((c) => c.body);
    expect(create).toEqual({
      ref: '0123abcd',
      environment: 'production',
      description: 'deploy v2 to green',
      payload: { version: 'v2', mode: 'deploy', color: 'green', previous: 'blue' },
      required_contexts: [],
      auto_merge: false,
    });
    expect(inProgress).toMatchObject({
      environment_url: 'https://app.example',
      log_url: 'https://github.example/o/r/actions/runs/4242/attempts/1',
      auto_inactive: false,
    });
    expect(success).toMatchObject({ state: 'success', auto_inactive: false });
    expect(github.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
    expectNoToken(run);
  });

  it('rolls back: failure, and the previous deployment stays as it was', async () => {
    const run = await runAction({ ...inputs, version: 'v2-broken' }, { env });
    expect(run.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(lines()).toEqual([
      'POST /repos/o/r/deployments',
      'POST /repos/o/r/deployments/2/statuses in_progress',
      'POST /repos/o/r/deployments/2/statuses failure',
    ]);
    expect(github.deployments[0].statuses.at(-1)).toMatchObject({ state: 'success' });
    expectNoToken(run);
  });

  it('without deployments: write, warns with the permission and still promotes', async () => {
    github.fail('POST /repos/o/r/deployments', { status: 403, message: 'Resource not accessible by integration' });
    const run = await runAction({ ...inputs, version: 'v2' }, { env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'deployment-id': '' });
    expect(readFileSync(routeFile, 'utf8')).toBe('green\n');
    expect(lines()).toEqual(['POST /repos/o/r/deployments']);
    expect(run.stdout).toMatch(/::warning title=Deployment record::.*403: Resource not accessible by integration.*`permissions: deployments: write`/);
    expectNoToken(run);
  });

  it('retries a 5xx, then records as usual', async () => {
    github.fail('POST /repos/o/r/deployments', { status: 502, message: 'Server Error' });
    const run = await runAction({ ...inputs, version: 'v2' }, { env });
    expect(run.outputs).toMatchObject({ result: 'promoted', 'deployment-id': '2' });
    expect(lines().slice(0, 3)).toEqual(['POST /repos/o/r/deployments', 'POST /repos/o/r/deployments', 'POST /repos/o/r/deployments/2/statuses in_progress']);
    expect(lines().at(-1)).toBe('POST /repos/o/r/deployments/1/statuses inactive');
    expect(run.stdout).not.toContain('::warning title=Deployment record');
    expectNoToken(run);
  });

  it('a cancel stops the wait for a GitHub that does not answer', async () => {
    github.hang('POST /repos/o/r/deployments');
    let planned = false;
    let signalledAt = 0;
    const run = await runAction(
      { ...inputs, version: 'v2' },
      {
        env,
        onOutput: (chunk: string, child: { kill(signal: string): void }) => {
          if (!planned && chunk.includes('Plan (deploy)')) {
            planned = true;
            // The plan is printed just before the record is started: give the call a moment to be on its way.
            setTimeout(() => {
              signalledAt = Date.now();
              child.kill('SIGINT');
            }, 300);
          }
        },
      },
    );
    expect(signalledAt).toBeGreaterThan(0);
    expect(Date.now() - signalledAt).toBeLessThan(1500);
    expect(lines()).toEqual(['POST /repos/o/r/deployments']);
    expect(run.outputs).toMatchObject({ result: 'aborted', 'active-color': 'blue', 'deployment-id': '' });
    expect(readFileSync(routeFile, 'utf8')).toBe('blue\n');
    expectNoToken(run);
  });
});
