import type { Log } from '../infra/log.js';
import { createRouterDeployer, type RouterChoice } from '../routers/index.js';
import type { RouterDeps } from '../routers/module.js';
import type { Deployer } from '../types.js';

/** The parts of the settings a deployer is chosen from (the settings object fits it). */
export interface DeployerChoice extends RouterChoice {
  deploy: { command?: string[]; readyTimeoutMs: number };
}

/**
 * Who deploys the idle color: the router's own platform when its inputs ask for it (Kubernetes with
 * `image`, which shares the router's cluster, namespace and names), else `deploy-command`, else nobody
 * (the idle color is assumed deployed). Settings refuse asking for both.
 */
export async function createDeployer(settings: DeployerChoice, deps: Omit<RouterDeps, 'colors' | 'lockTimeoutMs' | 'readyTimeoutMs' | 'version'> & { log: Log }): Promise<Deployer | undefined> {
  const own = await createRouterDeployer(settings, deps);
  if (own) return own;
  const { command, readyTimeoutMs } = settings.deploy;
  if (!command) return undefined;
  const { CommandDeployer } = await import('./command.js');
  return new CommandDeployer(command, settings.version, readyTimeoutMs, deps.log, deps.fence);
}
