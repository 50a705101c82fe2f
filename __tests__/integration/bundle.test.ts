// The bundle's start-up path (script/bundle.mjs): what every run pays before its first log line.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandRouterRun, moduleLog } from '../../test-support/chunks.mjs';
import { NODE, ROOT } from '../../test-support/runner.mjs';

// An error code only undici (the npm package, which @actions/http-client loads) defines.
const NPM_UNDICI = 'UND_ERR_CONNECT_TIMEOUT';
// Node's own fetch and WebSocket, which an ES `import` of node:http loads through its WebSocket getter.
const NODE_UNDICI = 'internal/deps/undici/undici';

const chunksHolding = (text: string) =>
  readdirSync(join(ROOT, 'dist/chunks')).filter((file) => readFileSync(join(ROOT, 'dist/chunks', file), 'utf8').includes(text));

describe('the start-up path of the bundle', () => {
  it('an ES import of node:http loads Node-internal undici, and the module log sees it', () => {
    const modules = moduleLog();
    const run = spawnSync(NODE, ['--input-type=module', '-e', "await import('node:http');"], { env: { ...process.env, ...modules.env } });
    expect(run.status, String(run.stderr)).toBe(0);
    expect(modules.nodeInternals()).toContain(NODE_UNDICI);
  });

  it("a command-router run and its post step load neither undici: built-ins come through require(), @actions/http-client only where used", async () => {
    expect(chunksHolding(NPM_UNDICI).length).toBeGreaterThan(0);
    const modules = moduleLog();
    const run = await commandRouterRun(modules.env);
    expect(run.outputs, run.stdout).toMatchObject({ result: 'promoted' });
    expect((await run.post()).code).toBe(0);
    expect(modules.nodeInternals()).toContain('internal/child_process');
    expect(modules.nodeInternals()).not.toContain(NODE_UNDICI);
    expect(modules.loadedHolding(NPM_UNDICI)).toEqual([]);
  });

  it('loads the YAML parser only for a run whose inputs hold YAML, and parses them with it', async () => {
    // A name only the yaml package defines.
    const YAML = 'yaml.document';
    expect(chunksHolding(YAML).length).toBeGreaterThan(0);
    const modules = moduleLog();
    const plain = await commandRouterRun(modules.env);
    expect(plain.outputs, plain.stdout).toMatchObject({ result: 'promoted' });
    expect(modules.loadedHolding(YAML)).toEqual([]);
    modules.clear();
    const withYaml = await commandRouterRun(modules.env, { 'smoke-tests': '- name: refused\n  url: http://127.0.0.1:1/', 'smoke-timeout': '1s' });
    // The entry was parsed (its name reaches the reason), so the run stopped at the smoke test.
    expect(withYaml.outputs, withYaml.stdout).toMatchObject({ result: 'aborted' });
    expect(withYaml.outputs.reason).toMatch(/refused/);
    expect(modules.loadedHolding(YAML).length).toBe(1);
  });
});
