// Preloaded with `node --import`: prints every module file the process loads, to show which router
// chunks a run actually loads.
import { registerHooks } from 'node:module';

registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) process.stderr.write(`loaded ${url}\n`);
    return nextLoad(url, context);
  },
});
