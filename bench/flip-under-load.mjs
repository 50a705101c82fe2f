// Flip under load: wrk sends traffic through HAProxy and through nginx on 127.0.0.1 while the bundled
// action deploys, shifts in steps and rolls back; failed requests (socket errors + non-2xx) are counted
// per router change. For nginx, bare `nginx -s reload` flips in the same run are the baseline; nginx's
// count varies a lot from run to run, so action and baseline segments alternate over several rounds.
// nginx is measured both ways it can switch: marker files (no reload) and include + reload.
// Usage: node bench/flip-under-load.mjs [nginx rounds, default 3] [marker flips on request, default 100]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyInputs, startHaproxy } from '../test-support/haproxy.mjs';
import { nginxInputs, startApps, startNginx } from '../test-support/peers.mjs';
import { ROOT, runAction } from '../test-support/runner.mjs';
import { startWrk } from './wrk.mjs';

const NGINX_ROUNDS = Number(process.argv[2] ?? 3);
const MARKER_FLIPS = Number(process.argv[3] ?? 100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quiet = { 'deploy-command': '', 'smoke-urls': '' };
/** `-sick` versions fail only /healthz after FAULT_AFTER_MS: rolled back, while clients never see an error. */
const sick = { FAULT_AFTER_MS: '1200' };

const RELEASES = {
  haproxy: [
    { label: 'deploy', inputs: { version: 'v2' }, expect: 'promoted' },
    { label: 'deploy in steps 10,50,100', inputs: { version: 'v3', 'traffic-steps': '10,50,100', 'step-window': '700ms' }, expect: 'promoted' },
    { label: 'deploy, fails the window, rolled back', inputs: { version: 'v4-sick' }, env: sick, expect: 'rolled-back' },
    { label: 'deploy in steps, fails at 25%, rolled back', inputs: { version: 'v5-sick', 'traffic-steps': '25,100', 'step-window': '2s' }, env: sick, expect: 'rolled-back' },
    { label: 'rollback on request', inputs: { mode: 'rollback', ...quiet }, expect: 'rolled-back' },
    { label: 'deploy in steps 50,100', inputs: { version: 'v6', 'traffic-steps': '50,100', 'step-window': '700ms' }, expect: 'promoted' },
    { label: 'deploy', inputs: { version: 'v7' }, expect: 'promoted' },
  ],
  nginx: [
    { label: 'deploy', inputs: { version: 'v2' }, expect: 'promoted' },
    { label: 'deploy, fails the window, rolled back', inputs: { version: 'v3-sick' }, env: sick, expect: 'rolled-back' },
    { label: 'rollback on request', inputs: { mode: 'rollback', ...quiet }, expect: 'rolled-back' },
    { label: 'deploy', inputs: { version: 'v4' }, expect: 'promoted' },
    { label: 'deploy, fails the window, rolled back', inputs: { version: 'v5-sick' }, env: sick, expect: 'rolled-back' },
    { label: 'deploy', inputs: { version: 'v6' }, expect: 'promoted' },
  ],
};

RELEASES['nginx markers'] = RELEASES.nginx;

/** Router changes a run made: flips, traffic steps and rollbacks, from its JSON report. */
const changesOf = (report) => report.phases.filter((p) => p.name === 'flip' || p.name === 'rollback' || p.name.startsWith('shift ')).length;

async function underLoad(url, body) {
  const wrk = startWrk(url);
  await sleep(500);
  const info = await body();
  await sleep(500);
  return { ...(await wrk.stop()), ...info };
}

async function actionRows(kind, proxy, apps, inputs) {
  const rows = [];
  for (const release of RELEASES[kind]) {
    const row = await underLoad(proxy.url, async () => {
      const run = await runAction({ ...inputs, ...release.inputs }, { env: { ...apps.env, ...release.env } });
      if (run.outputs.result !== release.expect) throw new Error(`${kind} ${release.label}: expected ${release.expect}, got ${run.outputs.result}: ${run.outputs.reason}`);
      return { changes: changesOf(run.report()) };
    });
    rows.push({ router: kind, what: `action: ${release.label}`, ...row });
  }
  return rows;
}

/** The baseline: rewrite the include and `nginx -s reload`, as by hand, the same number of times. */
async function bareReloads(nginx, flips) {
  return underLoad(nginx.url, async () => {
    for (let i = 0; i < flips; i++) {
      writeFileSync(nginx.live, `proxy_pass http://${i % 2 === 0 ? 'green' : 'blue'};\n`);
      execFileSync(nginx.baseArgs[0], [...nginx.baseArgs.slice(1), '-s', 'reload']);
      await sleep(700);
    }
    return { changes: flips };
  });
}

const common = { 'health-window': '1.5s', 'health-interval': '100ms', 'smoke-retries': '1' };
const rows = [];

{
  const apps = await startApps();
  const haproxy = await startHaproxy({ ports: apps.ports });
  try {
    const inputs = { ...haproxyInputs(haproxy, apps), ...common, 'haproxy-split-backend': 'split', 'health-urls': `${haproxy.url}/preview/{color}/healthz` };
    rows.push(...(await actionRows('haproxy', haproxy, apps, inputs)));
  } finally {
    haproxy.stop();
    apps.stop();
  }
}
{
  const apps = await startApps();
  const nginx = await startNginx({ ports: apps.ports, initial: 'blue', markers: true });
  try {
    const { 'nginx-conf': _conf, 'nginx-test-command': _test, 'nginx-reload-command': _reload, ...rest } = nginxInputs(nginx, apps);
    const inputs = { ...rest, 'nginx-marker': nginx.marker, ...common, 'health-urls': `${nginx.url}/preview/{color}/healthz` };
    rows.push(...(await actionRows('nginx markers', nginx, apps, inputs)));
    const flips = await underLoad(nginx.url, async () => {
      for (let i = 0; i < MARKER_FLIPS; i++) {
        const run = await runAction({ ...inputs, mode: 'rollback', ...quiet });
        if (run.outputs.result !== 'rolled-back') throw new Error(`nginx markers flip ${i + 1}: ${run.outputs.result}: ${run.outputs.reason}`);
      }
      return { changes: MARKER_FLIPS };
    });
    rows.push({ router: 'nginx markers', what: `action: ${MARKER_FLIPS} flips on request (mode rollback)`, ...flips });
  } finally {
    nginx.stop();
    apps.stop();
  }
}
{
  const apps = await startApps();
  const nginx = await startNginx({ ports: apps.ports, initial: 'proxy_pass http://blue;' });
  try {
    const inputs = { ...nginxInputs(nginx, apps), ...common, 'health-urls': `${nginx.url}/preview/{color}/healthz` };
    for (let round = 1; round <= NGINX_ROUNDS; round++) {
      const actionSide = await actionRows('nginx', nginx, apps, inputs);
      rows.push(...actionSide.map((r) => ({ ...r, what: `${r.what} (round ${round})` })));
      const flips = actionSide.reduce((sum, r) => sum + r.changes, 0);
      // Which color the baseline starts from does not matter: it alternates and ends where it began.
      rows.push({ router: 'nginx', what: `baseline: bare nginx -s reload (round ${round})`, ...(await bareReloads(nginx, flips)) });
      writeFileSync(nginx.live, '# Live color: blue\nproxy_pass http://blue;\n');
      execFileSync(nginx.baseArgs[0], [...nginx.baseArgs.slice(1), '-s', 'reload']);
      await sleep(500);
    }
  } finally {
    nginx.stop();
    apps.stop();
  }
}

const totals = {};
for (const r of rows) {
  const key = r.what.startsWith('baseline') ? `${r.router} baseline` : `${r.router} action`;
  const t = (totals[key] ??= { requests: 0, failed: 0, changes: 0, rates: [] });
  t.requests += r.requests;
  t.failed += r.failed;
  t.changes += r.changes;
  t.rates.push(r.rate);
}

console.log('\nFlip under load (wrk -t2 -c32 through the proxy while the router changes)');
console.log('| router | what | router changes | requests | failed (socket + non-2xx) | req/s |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.router} | ${r.what} | ${r.changes} | ${r.requests} | ${r.failed} (${r.socketErrors} + ${r.non2xx}) | ${Math.round(r.rate)} |`);
console.log('\n| totals | router changes | requests | failed | failed per change | mean req/s |');
console.log('|---|---|---|---|---|---|');
for (const [key, t] of Object.entries(totals)) {
  console.log(`| ${key} | ${t.changes} | ${t.requests} | ${t.failed} | ${(t.failed / t.changes).toFixed(2)} | ${Math.round(t.rates.reduce((a, b) => a + b, 0) / t.rates.length)} |`);
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results/flip-under-load.json');
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), wrk: '-t2 -c32', rows: rows.map(({ raw: _raw, ...r }) => r), totals }, null, 2) + '\n');
console.log(`\nwritten: ${out}`);
