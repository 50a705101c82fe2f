// Secrets in every secret-bearing input, against servers that echo back everything they received (the
// Authorization header, the bare token, Basic credentials decoded, the URL password encoded and decoded)
// and try to inject workflow commands. No form of any canary may reach the log (outside the ::add-mask::
// lines themselves), the outputs, the summary or the JSON report; no echoed line may act as a command.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routerEnv } from '../../test-support/cancel.mjs';
import { NODE, runAction } from '../../test-support/runner.mjs';

type Env = Awaited<ReturnType<typeof routerEnv>>;
type Run = Awaited<ReturnType<typeof runAction>>;

const INJECTION = '\n::set-output name=result::promoted\n::error::injected\n##[set-output name=x;]y\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const rnd = randomBytes(6).toString('hex');
/** One canary per secret-bearing input; the passwords hold "@", written %40 in their URLs. */
const C = {
  bearer: `CANARY-bearer-${rnd}`,
  apiKey: `CANARY-apikey-${rnd}`,
  yaml: `CANARY-yaml-${rnd}`,
  yamlPass: `CANARY-ybasic-${rnd}`,
  prom: `CANARY-prom-${rnd}`,
  promPass: `CANARY-pp@${rnd}`,
  token: `ghs_CANARY-token-${rnd}`,
  smokePass: `CANARY-sp@${rnd}`,
};
const enc = encodeURIComponent;
/** Every form in which a canary could surface, by name; the last catches any fragment. */
const FORMS: Record<string, string> = {
  'smoke-headers Bearer value': `Bearer ${C.bearer}`,
  'smoke-headers bare token': C.bearer,
  'smoke-headers X-Api-Key': C.apiKey,
  'smoke-tests header': C.yaml,
  'smoke-tests Basic (base64)': b64(`yamluser:${C.yamlPass}`),
  'smoke-tests Basic (decoded)': `yamluser:${C.yamlPass}`,
  'prometheus-headers value': C.prom,
  'prometheus-url password (decoded)': C.promPass,
  'prometheus-url password (encoded)': enc(C.promPass),
  'prometheus-url credentials as Basic (base64)': b64(`promuser:${C.promPass}`),
  'github-token': C.token,
  'smoke URL password (decoded)': C.smokePass,
  'smoke URL password (encoded)': enc(C.smokePass),
  'smoke URL credentials as Basic (base64)': b64(`smokeuser:${C.smokePass}`),
  'any fragment of a canary': 'CANARY',
};

/** Everything a careless server would echo of a request: header values, bare tokens, Basic decoded, passwords both ways. */
function echoesOf(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(req.headers)) {
    const value = String(raw);
    out.push(`${name}: ${value}`);
    const bare = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (bare) out.push(bare);
    if (bare && /^basic /i.test(value)) {
      const decoded = Buffer.from(bare, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      out.push(decoded, password, enc(password));
    }
  }
  return out;
}

/**
 * Smoke target, health URL, Prometheus stand-in (`/api/v1/query`) and GitHub API stand-in (`/repos/`)
 * in one: every answer carries the echoes in its body and headers. `prom`: how Prometheus answers, after
 * `promOk` good answers; GitHub answers 401; anything else 500.
 */
async function startEcho() {
  const state = { prom: 500 as 200 | 401 | 500, promOk: 0 };
  const server: Server = createServer((req, res) => {
    const echoes = echoesOf(req);
    const auth = String(req.headers.authorization ?? '');
    res.setHeader('x-echo-authorization', auth);
    res.setHeader('x-echo', echoes.filter((e) => !/[^\x20-\x7e]/.test(e)).join(' | '));
    if (req.url!.startsWith('/api/v1/query')) {
      if (state.promOk > 0 || state.prom === 200) {
        state.promOk--;
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0'] }] } }));
      }
      const body = JSON.stringify({ status: 'error', errorType: 'echo', error: `${echoes.join(' | ')}${INJECTION}` });
      return void res.writeHead(state.prom, { 'content-type': 'application/json', 'www-authenticate': `Basic realm="${auth}"` }).end(body);
    }
    const status = req.url!.startsWith('/repos/') ? 401 : 500;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`${auth} ${echoes.join(' | ')}${INJECTION}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { state, port, url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
type Echo = Awaited<ReturnType<typeof startEcho>>;

/** Every secret-bearing input, each with its canary; smoke requests go to `smokeAt` (host:port). */
function secretInputs(echo: Echo, smokeAt: string): Record<string, string> {
  return {
    'smoke-headers': `Authorization: Bearer ${C.bearer}\nX-Api-Key: ${C.apiKey}`,
    'smoke-urls': `http://smokeuser:${enc(C.smokePass)}@${smokeAt}/smoke`,
    'smoke-tests': [
      '- name: yaml probe',
      `  url: http://${smokeAt}/yaml`,
      '  headers:',
      `    X-Yaml-Token: ${C.yaml}`,
      `    Authorization: Basic ${b64(`yamluser:${C.yamlPass}`)}`,
    ].join('\n'),
    'health-checks': ['- name: up', '  type: prometheus', '  query: up', '  max: 1'].join('\n'),
    'prometheus-url': `http://promuser:${enc(C.promPass)}@127.0.0.1:${echo.port}`,
    'prometheus-headers': `X-Prom-Key: ${C.prom}`,
    'github-token': C.token,
    environment: 'production',
    'smoke-retries': '1',
  };
}

/** The names of the canary forms found in everything the run wrote, outside the ::add-mask:: lines. */
function leaks(run: Run): string[] {
  const log = run.stdout
    .split('\n')
    .filter((line: string) => !line.startsWith('::add-mask::'))
    .join('\n');
  let report = '';
  try {
    report = JSON.stringify(run.report());
  } catch {
    report = '(no report)';
  }
  const places = { log, outputs: JSON.stringify(run.outputs), summary: run.summary(), report };
  return Object.entries(FORMS).flatMap(([form, text]) =>
    Object.entries(places)
      .filter(([, written]) => written.includes(text))
      .map(([place]) => `${form} in the ${place}`),
  );
}

/** No echoed line acts as a workflow command; our own titled annotations are there. */
function expectInert(run: Run) {
  const lines = run.stdout.split('\n');
  expect(lines.filter((line: string) => /^\s*::set-output/.test(line) || /^\s*::error::injected/.test(line))).toEqual([]);
  expect(run.stdout).not.toContain('##[set-output');
  expect(run.stdout).toMatch(/^::error title=[^:]+::/m);
  expect(run.outputs.x).toBeUndefined();
}

let env: Env;
let echo: Echo;
beforeEach(async () => {
  env = await routerEnv('command');
  echo = await startEcho();
});
afterEach(() => {
  echo.stop();
  env.stop();
});

const github = () => ({ ...env.apps.env, GITHUB_API_URL: echo.url, GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '77' });
const run = (inputs: Record<string, string>) => runAction({ ...env.inputs, version: 'v2', 'health-window': '2s', ...inputs }, { env: github() });

describe('secrets: echoed back by every server, masked in every form', () => {
  it('Prometheus refuses the credentials (401) at the pre-flip check', async () => {
    echo.state.prom = 401;
    const r = await run(secretInputs(echo, `127.0.0.1:${echo.port}`));
    expect(r.outputs.result).toBe('aborted');
    expect(r.outputs.reason).toMatch(/Input 'prometheus-headers': check "up" cannot query Prometheus: .* answered 401/);
    expect(r.stdout).toMatch(/::warning title=Deployment record::Could not create a GitHub deployment .*answered 401/);
    expect(leaks(r)).toEqual([]);
    expectInert(r);
  });

  it('Prometheus answers 500 echoing what it received, at the pre-flip check', async () => {
    const r = await run(secretInputs(echo, `127.0.0.1:${echo.port}`));
    expect(r.outputs.result).toBe('aborted');
    expect(r.outputs.reason).toMatch(/Input 'prometheus-url': check "up" cannot query Prometheus: Prometheus answered 500: echo: /);
    expect(leaks(r)).toEqual([]);
    expectInert(r);
  });

  it('a smoke test fails with a body that echoes the request; the deploy prints workflow commands', async () => {
    echo.state.prom = 200;
    const deploy = `${NODE} -e 'process.stdout.write("deploying${INJECTION.replace(/\n/g, '\\n')}")'`;
    const r = await run({ ...secretInputs(echo, `127.0.0.1:${echo.port}`), 'deploy-command': deploy });
    expect(r.outputs.result).toBe('aborted');
    expect(r.outputs.reason).toMatch(/^Smoke test failed on green: .*expected 2xx, got 500/);
    expect(r.stdout).toContain('set-output name=result::promoted');
    expect(leaks(r)).toEqual([]);
    expectInert(r);
  });

  it('Prometheus starts echoing during the health window: rolled back, nothing leaks from the samples', async () => {
    echo.state.promOk = 1;
    const r = await run(secretInputs(echo, `127.0.0.1:${env.apps.ports.green}`));
    expect(r.outputs).toMatchObject({ result: 'rolled-back', 'active-color': 'blue' });
    expect(r.outputs.reason).toMatch(/^up: could not be measured 3 time\(s\) in a row during the health window: Prometheus answered 500/);
    expect(leaks(r)).toEqual([]);
    expectInert(r);
  });
});

describe('secrets: masked even when the inputs fail validation', () => {
  const masks = (r: Run) => r.stdout.split('\n').filter((line: string) => line.startsWith('::add-mask::'));

  it('smoke-headers with a valid canary line, while other inputs are invalid', async () => {
    const r = await run({ ...secretInputs(echo, `127.0.0.1:${echo.port}`), 'smoke-headers': `Authorization: Bearer ${C.bearer}\nX-Api-Key ${C.apiKey}`, 'health-interval': '5' });
    expect(r.outputs.result).toBe('aborted');
    expect(r.stdout).toContain(`::error title=Invalid input::Input 'health-interval': got "5"`);
    expect(masks(r)).toEqual(expect.arrayContaining([`::add-mask::Bearer ${C.bearer}`, `::add-mask::${C.bearer}`, `::add-mask::${C.token}`, `::add-mask::${C.yaml}`]));
    expect(leaks(r)).toEqual([]);
  });

  it('prometheus-url with a canary password, while health-interval is invalid', async () => {
    const r = await run({ 'health-checks': secretInputs(echo, '')['health-checks'], 'prometheus-url': `http://promuser:${enc(C.promPass)}@127.0.0.1:${echo.port}`, 'health-interval': 'soon' });
    expect(r.outputs.result).toBe('aborted');
    expect(r.stdout).toContain(`::error title=Invalid input::Input 'health-interval': got "soon"`);
    expect(masks(r)).toEqual(expect.arrayContaining([`::add-mask::${C.promPass}`, `::add-mask::${enc(C.promPass).replace(/%/g, '%25')}`]));
    expect(leaks(r)).toEqual([]);
  });

  it('URL inputs refused for their scheme, quoted in the problem with their password', async () => {
    const r = await run({ 'smoke-urls': `htp://smokeuser:${enc(C.smokePass)}@127.0.0.1/`, 'prometheus-url': `ftp://promuser:${enc(C.promPass)}@127.0.0.1/` });
    expect(r.outputs.result).toBe('aborted');
    expect(r.stdout).toContain(`::error title=Invalid input::Input 'smoke-urls': got "htp://smokeuser:***@127.0.0.1/"`);
    expect(r.stdout).toContain(`::error title=Invalid input::Input 'prometheus-url': got "ftp://promuser:***@127.0.0.1/"`);
    expect(leaks(r)).toEqual([]);
  });

  it('a long refused URL, cut where its password is, shows no part of the password', async () => {
    const r = await run({ 'smoke-urls': `htp://${'u'.repeat(100)}:${enc(C.smokePass)}@127.0.0.1/` });
    expect(r.outputs.result).toBe('aborted');
    expect(r.stdout).toMatch(/Input 'smoke-urls': got "htp:\/\/u+:/);
    expect(leaks(r)).toEqual([]);
  });
});
