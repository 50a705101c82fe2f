// Each external call of a release failing, hanging or answering garbage, on every router: the deploy
// command, nginx's test and reload commands, its pid file and include file, HAProxy and its Runtime API,
// the command router's get and set commands. Every run must end on a known color: `active-color` is
// what the router serves the moment the run ended (empty only when the router cannot be read, and the
// reason says so), and the summary's "Router now shows" agrees. `untrue outputs` counts the breaches.
// One test file per router (__tests__/integration/faults-<router>.test.ts), so a failure names it.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routerEnv } from './cancel.mjs';
import { flaky, haproxyControl } from './faults.mjs';
import { post } from './peers.mjs';
import { runThenRead, untruths } from './truth.mjs';

type Env = Awaited<ReturnType<typeof routerEnv>>;
type Run = Awaited<ReturnType<typeof runThenRead>>['run'];
export type Kind = 'nginx' | 'haproxy' | 'command';
interface Case {
  name: string;
  inputs?: (env: Env) => Record<string, string>;
  /** Done once, when the log first shows `on[0]`. */
  on?: [string, (env: Env) => unknown];
  result: string;
  active: string;
  reason?: RegExp;
  check?: (run: Run) => void;
}

const WINDOW = '::group::watch health window';
const made: ReturnType<typeof flaky>[] = [];
/** `real` wrapped so the calls `when` picks do `what` (test-support/flaky.mjs). */
const wrap = (real: string, when: string, what: string) => {
  const f = flaky(real, when, what);
  made.push(f);
  return f.command;
};
const faultGreen = (env: Env) => post(`http://127.0.0.1:${env.apps.ports.green}/__fault`);
const tempFile = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'bg-faults-')), 'file');
  writeFileSync(path, content);
  return path;
};
const unreadable = /the router could not be read at the end/;

const DEPLOY: Case[] = [
  { name: 'deploy-command fails', inputs: (e) => ({ 'deploy-command': wrap(e.apps.deployCommand, 'always', 'fail') }), result: 'aborted', active: 'blue', reason: /^deploy-command exited with 1 for green: flaky: call 1 fails on purpose/ },
  {
    name: 'deploy-command hangs past ready-timeout 2s',
    inputs: (e) => ({ 'deploy-command': wrap(e.apps.deployCommand, 'always', 'stall:600000'), 'ready-timeout': '2s' }),
    result: 'aborted',
    active: 'blue',
    reason: /^deploy-command did not finish within ready-timeout \(2000ms\) and was stopped/,
    check: (run) => expect(Number(run.outputs['duration-seconds'])).toBeLessThan(10),
  },
  {
    name: 'deploy-command starts a background process (holding stdout) and exits: a success, with a note',
    inputs: (e) => ({ 'deploy-command': wrap(e.apps.deployCommand, 'always', 'background') }),
    result: 'promoted',
    active: 'green',
    check: (run) => {
      expect(run.stdout).toContain('deploy-command exited and left processes running');
      expect(run.report().phases.find((p: { name: string }) => p.name === 'deploy')).toMatchObject({ outcome: 'ok' });
    },
  },
];

const ROUTER_CASES: Record<Kind, Case[]> = {
  nginx: [
    { name: 'nginx-test-command fails once (at the flip)', inputs: (e) => ({ 'nginx-test-command': wrap(e.inputs['nginx-test-command'], '1', 'fail') }), result: 'aborted', active: 'blue', reason: /nginx rejected the new configuration.*the previous file was restored.*Traffic stayed on blue/ },
    { name: 'nginx-test-command hangs 3s once', inputs: (e) => ({ 'nginx-test-command': wrap(e.inputs['nginx-test-command'], '1', 'stall:3000') }), result: 'promoted', active: 'green' },
    { name: 'nginx-reload-command fails once (at the flip)', inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '1', 'fail') }), result: 'aborted', active: 'blue', reason: /nginx reload failed.*Traffic stayed on blue/ },
    { name: 'nginx-reload-command reloads, then fails once', inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '1', 'after-fail') }), result: 'aborted', active: 'blue', reason: /nginx reload failed.*Traffic stayed on blue/ },
    { name: 'nginx-reload-command hangs 3s once', inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '1', 'stall:3000') }), result: 'promoted', active: 'green' },
    {
      name: 'nginx-reload-command answers garbage once (exit 0, reloads nothing)',
      inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '1', 'garbage') }),
      result: 'aborted',
      active: 'blue',
      reason: /nginx did not start workers with the new configuration within 10s/,
    },
    {
      name: 'nginx-reload-command fails once during the rollback',
      inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '2', 'fail') }),
      on: [WINDOW, faultGreen],
      result: 'rolled-back',
      active: 'blue',
    },
    {
      name: 'nginx-reload-command fails on every call from the rollback on',
      inputs: (e) => ({ 'nginx-reload-command': wrap(e.inputs['nginx-reload-command'], '2+', 'fail') }),
      on: [WINDOW, faultGreen],
      result: 'failed',
      active: 'green',
      reason: /then the rollback to blue failed/,
    },
    {
      name: 'nginx-pid-file holds garbage: the reload is not confirmed, and said so',
      inputs: () => ({ 'nginx-pid-file': tempFile('not a pid\n') }),
      result: 'promoted',
      active: 'green',
      check: (run) => expect(run.stdout).toContain('::warning title=nginx reload not confirmed::'),
    },
    { name: 'the include file is overwritten with garbage mid-window', on: [WINDOW, (e) => writeFileSync(e.inputs['nginx-conf'], 'garbage;\n')], result: 'failed', active: '', reason: unreadable },
  ],
  haproxy: [
    { name: 'HAProxy stopped mid-window', on: [WINDOW, (e) => haproxyControl(e).stop()], result: 'failed', active: '', reason: unreadable },
    { name: 'HAProxy reloaded (seamless) mid-window: the map file keeps green', inputs: () => ({ 'health-window': '3s' }), on: [WINDOW, (e) => haproxyControl(e).reload()], result: 'promoted', active: 'green' },
    {
      // HAProxy takes ~1.2 s to exit on SIGTERM: ~2 s without a listener, which 12 samples of 250ms outlast.
      name: 'HAProxy restarted cold mid-window (thresholds 12 x 250ms)',
      inputs: () => ({ 'health-window': '4s', 'failure-threshold': '12', 'error-threshold': '12' }),
      on: [WINDOW, (e) => haproxyControl(e).restart()],
      result: 'promoted',
      active: 'green',
    },
    {
      name: 'HAProxy frozen 6s mid-window (the Runtime API hangs once)',
      on: [WINDOW, (e) => haproxyControl(e).pause(6000)],
      result: 'promoted',
      active: 'green',
      check: (run) => {
        const samples: { status: string; detail: string }[] = run.report().samples;
        // Every sample in the message: this case has failed once without saying what the samples were.
        expect(samples.filter((s) => s.status === 'error').map((s) => s.detail), JSON.stringify(samples)).toContainEqual(expect.stringMatching(/no answer within 5000ms/));
      },
    },
    { name: 'the map key pointed at a garbage backend mid-window', on: [WINDOW, (e) => haproxyControl(e).send(`set map ${e.inputs['haproxy-map']} active nosuch`)], result: 'failed', active: '', reason: unreadable },
    { name: 'haproxy-socket is a plain file', inputs: () => ({ 'haproxy-socket': tempFile('') }), result: 'aborted', active: '', reason: /Input 'haproxy-socket': .* is not a socket.*could not be read/ },
    { name: 'a Runtime API that accepts and never answers', inputs: (e) => ({ 'haproxy-socket': e.silent.url.replace('http://', '') }), result: 'aborted', active: '', reason: /no answer within 5000ms.*could not be read/ },
  ],
  command: [
    { name: 'router-get-command prints garbage once mid-window', inputs: (e) => ({ 'router-get-command': wrap(e.inputs['router-get-command'], '6', 'garbage') }), result: 'promoted', active: 'green' },
    { name: 'router-get-command fails once mid-window', inputs: (e) => ({ 'router-get-command': wrap(e.inputs['router-get-command'], '6', 'fail') }), result: 'promoted', active: 'green' },
    { name: 'router-get-command hangs 3s once mid-window', inputs: (e) => ({ 'router-get-command': wrap(e.inputs['router-get-command'], '6', 'stall:3000') }), result: 'promoted', active: 'green' },
    { name: 'router-get-command prints garbage at discovery', inputs: (e) => ({ 'router-get-command': wrap(e.inputs['router-get-command'], '1', 'garbage') }), result: 'aborted', active: 'blue', reason: /^router-get-command printed "<html>502 Bad Gateway<\/html>/ },
    { name: 'router-get-command fails from the window on', inputs: (e) => ({ 'router-get-command': wrap(e.inputs['router-get-command'], '5+', 'fail') }), result: 'failed', active: '', reason: unreadable },
    // No health checks: the 5th read is the one at the end; it is tried again, so one lost read costs nothing.
    { name: 'router-get-command fails once, at the final read', inputs: (e) => ({ 'health-urls': '', 'router-get-command': wrap(e.inputs['router-get-command'], '5', 'fail') }), result: 'promoted', active: 'green' },
    { name: 'router-set-command fails once (at the flip)', inputs: (e) => ({ 'router-set-command': wrap(e.inputs['router-set-command'], '1', 'fail') }), result: 'aborted', active: 'blue', reason: /router-set-command failed to send 100% to green.*Traffic stayed on blue/ },
    { name: 'router-set-command applies, then fails once (at the flip)', inputs: (e) => ({ 'router-set-command': wrap(e.inputs['router-set-command'], '1', 'after-fail') }), result: 'rolled-back', active: 'blue' },
    { name: 'router-set-command hangs 3s once (at the flip)', inputs: (e) => ({ 'router-set-command': wrap(e.inputs['router-set-command'], '1', 'stall:3000') }), result: 'promoted', active: 'green' },
    { name: 'router-set-command fails once during the rollback', inputs: (e) => ({ 'router-set-command': wrap(e.inputs['router-set-command'], '2', 'fail') }), on: [WINDOW, faultGreen], result: 'rolled-back', active: 'blue' },
  ],
};

/** Does `act` once, when the log first shows `text`. */
function when(text: string, act: () => unknown) {
  let seen = '';
  const state = { fired: false, error: undefined as unknown };
  const onOutput = (chunk: string) => {
    seen += chunk;
    if (!state.fired && seen.includes(text)) {
      state.fired = true;
      Promise.resolve()
        .then(act)
        .catch((error) => (state.error = error));
    }
  };
  return { onOutput, state };
}

/** The fault cases of one router (with the deploy cases), each a release through the bundled action. */
export function faultSuite(kind: Kind): void {
describe(`${kind}: external calls fail, hang or answer garbage`, () => {
  let env: Env;
  beforeEach(async () => {
    env = await routerEnv(kind);
  });
  afterEach(() => {
    for (const f of made.splice(0)) f.cleanup();
    // A garbage include keeps `nginx -s stop` from parsing the config: stop the master by its pid.
    if (kind === 'nginx') {
      try {
        process.kill(Number(readFileSync(env.inputs['nginx-pid-file'], 'utf8')), 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    env.stop();
  });

  for (const c of [...DEPLOY, ...ROUTER_CASES[kind]]) it(c.name, async () => {
    const trigger = c.on && when(c.on[0], () => c.on![1](env));
    const { run, serves } = await runThenRead(env, { ...env.inputs, 'health-window': '2s', ...c.inputs?.(env) }, trigger ? { onOutput: trigger.onOutput } : {});
    // The fault really happened: each wrapped command misbehaved at least once, each trigger ran.
    for (const f of made) expect(f.calls().filter((call) => !call.endsWith(' none')), `calls: ${f.calls().join(', ')}`).not.toEqual([]);
    if (trigger) expect(trigger.state).toEqual({ fired: true, error: undefined });
    // One diff for what must hold: the result, the color, and no output the router contradicts.
    expect({ result: run.outputs.result, 'active-color': run.outputs['active-color'], 'untrue outputs': untruths(run, serves) }, `${run.outputs.reason}\n${run.stdout}`).toEqual({
      result: c.result,
      'active-color': c.active,
      'untrue outputs': [],
    });
    if (c.reason) expect(run.outputs.reason).toMatch(c.reason);
    c.check?.(run);
    expect(env.lockHolder()).toBe('none');
  });
});
}
