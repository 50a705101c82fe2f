// Loaded with `node --import`: appends the URL of every module the process loads to $BG_MODULE_LOG,
// so a test can prove which bundle chunks a run loaded (a plug-in's SDK only when it is chosen), and,
// as the process exits, the Node-internal modules it loaded (`NativeModule internal/...` lines), which
// never reach the hooks.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const log = process.env.BG_MODULE_LOG;
if (log) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => appendFileSync(log, process.moduleLoadList.map((name) => `${name}\n`).join('')));
}
