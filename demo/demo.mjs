// Two releases through the bundled action, as the runner runs it, against a real nginx on 127.0.0.1
// switched by marker files: v2 is healthy and is promoted; v3 starts failing after the flip and is rolled back by itself.
import { get, nginxInputs, startApps, startNginx } from '../test-support/peers.mjs';
import { runAction } from '../test-support/runner.mjs';

const apps = await startApps(['blue', 'green'], 'v1');
// The way the README recommends: marker files that the server block tests, so a flip reloads nothing
// and drops no request (the include file and its reload, `nginx-conf`, is the other way).
const nginx = await startNginx({ ports: apps.ports, initial: 'blue', markers: true });
const { 'nginx-conf': _conf, 'nginx-test-command': _test, 'nginx-reload-command': _reload, ...common } = nginxInputs(nginx, apps);
const inputs = {
  ...common,
  'nginx-marker': nginx.marker,
  'health-window': '4s',
  'health-interval': '250ms',
};

const seen = async () => {
  const answer = await get(nginx.url);
  return `${answer.body.trim()} (HTTP ${answer.status})`;
};

let ok = true;
try {
  console.log(`nginx on ${nginx.url} serves: ${await seen()}\n`);
  const releases = [
    { title: 'Release 1: v2, healthy', version: 'v2', expect: 'promoted', env: {} },
    { title: 'Release 2: v3, fails 1.5s after it starts', version: 'v3-faulty', expect: 'rolled-back', env: { FAULT_AFTER_MS: '1500' } },
  ];
  for (const release of releases) {
    console.log(`==================== ${release.title} ====================`);
    const run = await runAction({ ...inputs, version: release.version }, { env: { ...apps.env, ...release.env } });
    const post = await run.post();
    console.log(`exit code ${run.code}; outputs:`);
    for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name}: ${value}`);
    console.log(`post step exit code ${post.code}`);
    console.log(`\n---- job summary ----\n${run.summary()}`);
    console.log(`a client now sees: ${await seen()}\n`);
    if (run.outputs.result !== release.expect) {
      ok = false;
      console.error(`expected result ${release.expect}, got ${run.outputs.result}\n${run.stdout}\n${run.stderr}`);
    }
  }
} finally {
  nginx.stop();
  apps.stop();
}
console.log(ok ? 'demo: both releases behaved as expected' : 'demo: FAILED');
process.exit(ok ? 0 : 1);
