// Which bundle chunks a run of the action loads: the run is started with test-support/module-log.mjs
// imported, and a chunk is recognised by a name only the SDK it bundles defines.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runAction } from './runner.mjs';

/**
 * `env` for runAction; `loadedHolding(name)` lists the modules loaded since the last `clear()` that
 * contain `name`; `nodeInternals()` the Node-internal modules those processes loaded (e.g. `internal/deps/undici/undici`).
 */
export function moduleLog() {
  const log = join(mkdtempSync(join(tmpdir(), 'bg-modules-')), 'loaded');
  writeFileSync(log, '');
  const loaded = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return {
    env: { NODE_OPTIONS: `--import=${join(ROOT, 'test-support/module-log.mjs')}`, BG_MODULE_LOG: log },
    loaded,
    loadedHolding: (name) => loaded().filter((url) => url.startsWith('file:') && readFileSync(new URL(url), 'utf8').includes(name)),
    nodeInternals: () => loaded().flatMap((line) => (line.startsWith('NativeModule ') ? [line.slice('NativeModule '.length)] : [])),
    clear: () => writeFileSync(log, ''),
  };
}

/** A promoting run of the command router (no peers needed), with `env` and any other `inputs`. */
export async function commandRouterRun(env, inputs = {}) {
  const routeFile = join(mkdtempSync(join(tmpdir(), 'bg-route-')), 'route');
  writeFileSync(routeFile, 'blue\n');
  const tool = `${process.execPath} ${join(ROOT, 'test-support/route-file.mjs')}`;
  return runAction({ router: 'command', 'router-get-command': `${tool} get ${routeFile}`, 'router-set-command': `${tool} set ${routeFile} {color} {weight}`, 'health-window': '0s', ...inputs }, { env });
}
