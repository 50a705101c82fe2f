import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log } from '../../src/infra/log.js';
import { DeploymentRecord, finalState, logUrl, type DeploymentPlan, type GitHubContext } from '../../src/github/deployment.js';
import { describeApiError, octokitDeployments, type DeploymentsApi, type NewStatus } from '../../src/github/api.js';

const context: GitHubContext = { serverUrl: 'https://github.example', repository: 'o/r', sha: 'abc', runId: '7', runAttempt: '2' };
const plan: DeploymentPlan = { environment: 'production', environmentUrl: 'https://app.example', mode: 'deploy', version: 'v2', target: 'green', active: 'blue' };

/** Deployments in memory, newest first; records every call as `verb id state`. */
class FakeDeployments implements DeploymentsApi {
  calls: string[] = [];
  statuses = new Map<number, NewStatus[]>();
  payloads = new Map<number, Record<string, string>>();
  private next = 100;
  constructor(seed: Record<number, string> = {}) {
    for (const [id, state] of Object.entries(seed)) this.statuses.set(Number(id), [{ state: state as NewStatus['state'], description: '', logUrl: '' }]);
  }
  async create(deployment: { payload: Record<string, string> }): Promise<number> {
    const id = this.next++;
    this.calls.push(`create ${id}`);
    this.statuses.set(id, []);
    this.payloads.set(id, deployment.payload);
    return id;
  }
  async setStatus(id: number, status: NewStatus): Promise<void> {
    this.calls.push(`status ${id} ${status.state}`);
    this.statuses.get(id)!.push(status);
  }
  async recent(): Promise<number[]> {
    this.calls.push('list');
    return [...this.statuses.keys()].sort((a, b) => b - a);
  }
  async latestState(id: number): Promise<string | undefined> {
    return this.statuses.get(id)!.at(-1)?.state;
  }
}

const live = () => new AbortController().signal;

describe('GitHub deployment record', () => {
  it('starts in progress with the plan in the payload, and links this attempt of the run', async () => {
    const api = new FakeDeployments();
    const record = new DeploymentRecord(api, context, plan);
    await record.start(live());
    expect(record.deploymentId).toBe('100');
    expect(api.payloads.get(100)).toEqual({ version: 'v2', mode: 'deploy', color: 'green', previous: 'blue' });
    expect(api.statuses.get(100)![0]).toMatchObject({
      state: 'in_progress',
      description: 'deploy v2 to green',
      environmentUrl: 'https://app.example',
      logUrl: 'https://github.example/o/r/actions/runs/7/attempts/2',
    });
  });

  it('after a promotion, marks the deployment that was serving inactive, and only that one', async () => {
    const api = new FakeDeployments({ 1: 'success', 2: 'success', 3: 'failure' });
    const record = new DeploymentRecord(api, context, plan);
    await record.start(live());
    await record.finish('promoted', 'promoted', live());
    expect(api.calls).toEqual(['create 100', 'status 100 in_progress', 'status 100 success', 'list', 'status 2 inactive']);
  });

  it('after a rollback, leaves the previous deployment as it was', async () => {
    const api = new FakeDeployments({ 1: 'success' });
    const record = new DeploymentRecord(api, context, plan);
    await record.start(live());
    await record.finish('rolled-back', 'health failed', live());
    expect(api.calls).toEqual(['create 100', 'status 100 in_progress', 'status 100 failure']);
  });

  it('maps every result to a state, and a cancel before the verdict to error', () => {
    expect(finalState('deploy', 'promoted', false)).toEqual({ state: 'success', serving: true });
    expect(finalState('rollback', 'rolled-back', false)).toEqual({ state: 'success', serving: true });
    expect(finalState('promote', 'promoted', true)).toEqual({ state: 'success', serving: true });
    expect(finalState('stage', 'staged', false)).toEqual({ state: 'queued', serving: false });
    expect(finalState('deploy', 'rolled-back', false)).toEqual({ state: 'failure', serving: false });
    expect(finalState('deploy', 'aborted', false)).toEqual({ state: 'failure', serving: false });
    expect(finalState('deploy', 'rolled-back', true)).toEqual({ state: 'error', serving: false });
    expect(finalState('deploy', 'failed', false)).toEqual({ state: 'error', serving: false });
  });

  it('links the run itself when the attempt is unknown', () => {
    expect(logUrl({ ...context, runAttempt: '' })).toBe('https://github.example/o/r/actions/runs/7');
  });

  it('names the call that failed and, for a 403, the permission', () => {
    const forbidden = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    expect(describeApiError('Could not create a GitHub deployment for production', forbidden)).toBe(
      'Could not create a GitHub deployment for production: GitHub answered 403: Resource not accessible by integration. ' +
        'The token cannot write deployments: give the job `permissions: deployments: write` (or pass a github-token that may)',
    );
    const limited = Object.assign(new Error('API rate limit exceeded'), { status: 403 });
    expect(describeApiError('Could not list', limited)).not.toContain('permissions');
  });
});

describe('Octokit deployments client', () => {
  let server: Server | undefined;
  afterEach(() => void server?.close());

  it('stops at once when cancelled while a retry of a 5xx is only scheduled', async () => {
    let calls = 0;
    server = createServer((_req, res) => {
      calls++;
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Bad Gateway"}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    // @actions/github reads the API address from the environment when it is first imported.
    process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const log: Log = { info: () => {}, warning: () => {}, error: () => {}, group: (_n, body) => body() };
    const api = await octokitDeployments('o/r', 'tok', log);
    const cancel = new AbortController();
    const started = Date.now();
    const failed = api.recent('production', cancel.signal).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    cancel.abort(new Error('received SIGTERM'));
    const error = await failed;
    expect(Date.now() - started).toBeLessThan(900);
    expect(calls).toBe(1);
    expect(String(error)).toContain('stopped: received SIGTERM');
  });

  it('refuses a GITHUB_REPOSITORY that is not owner/name', async () => {
    const log: Log = { info: () => {}, warning: () => {}, error: () => {}, group: (_n, body) => body() };
    await expect(octokitDeployments('nope', 'tok', log)).rejects.toThrow('GITHUB_REPOSITORY is "nope"; expected owner/name');
  });
});
