import type { Clock } from '../infra/clock.js';
import type { LockOwner } from '../infra/lock.js';
import type { Log } from '../infra/log.js';
import type { Settings } from '../settings.js';
import type { Router } from '../types.js';

export interface RouterDeps {
  clock: Clock;
  log: Log;
  owner: LockOwner;
}

/**
 * The one place that turns the `router` setting into an implementation. Each router is imported only
 * when chosen, so the SDKs of unused routers are never loaded.
 */
export async function createRouter(settings: Settings, deps: RouterDeps): Promise<Router> {
  switch (settings.router) {
    case 'nginx': {
      const { NginxRouter } = await import('./nginx/index.js');
      return new NginxRouter(settings.nginx!, { ...deps, colors: settings.colors, lockTimeoutMs: settings.lockTimeoutMs });
    }
    case 'haproxy': {
      const { HaproxyRouter } = await import('./haproxy/index.js');
      return new HaproxyRouter(settings.haproxy!, { ...deps, colors: settings.colors, lockTimeoutMs: settings.lockTimeoutMs });
    }
    case 'command': {
      const { CommandRouter } = await import('./command/index.js');
      return new CommandRouter(settings.command!, { ...deps, colors: settings.colors, lockTimeoutMs: settings.lockTimeoutMs });
    }
    default:
      // Settings refuse routers that are not built; reaching here is a programming error.
      throw new Error(`router "${settings.router}" is not available in this version`);
  }
}
