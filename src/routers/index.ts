import type { Color, Deployer, Router, RouterKind } from '../types.js';
import { awsAlbModule } from './aws-alb/module.js';
import { commandModule } from './command/module.js';
import { haproxyModule } from './haproxy/module.js';
import { kubernetesModule } from './kubernetes/module.js';
import type { RouterDeps, RouterModule } from './module.js';
import { nginxModule } from './nginx/module.js';

/**
 * The registry: the one place that lists the routers and matches a `router` value. Adding a router is
 * its folder plus one line here. Kinds declared in ROUTER_KINDS but missing here are refused clearly.
 */
const MODULES: Partial<Record<RouterKind, RouterModule<never>>> = {
  nginx: nginxModule as RouterModule<never>,
  haproxy: haproxyModule as RouterModule<never>,
  command: commandModule as RouterModule<never>,
  kubernetes: kubernetesModule as RouterModule<never>,
  'aws-alb': awsAlbModule as RouterModule<never>,
};

export const AVAILABLE_ROUTERS = Object.keys(MODULES) as RouterKind[];

export function routerModule(kind: RouterKind): RouterModule<unknown> | undefined {
  return MODULES[kind] as RouterModule<unknown> | undefined;
}

/** The parts of the settings a router is built from (the settings object fits it). */
export interface RouterChoice {
  router: RouterKind;
  routing: unknown;
  colors: readonly Color[];
  lockTimeoutMs: number;
  version: string;
  deploy: { readyTimeoutMs: number };
}

/** Builds the chosen router; its implementation is imported only now. */
export async function createRouter(settings: RouterChoice, deps: BaseDeps): Promise<Router> {
  return chosen(settings).create(settings.routing, routerDeps(settings, deps));
}

/** The router's own deployer, when its inputs ask for one (Kubernetes with `image`); else undefined. */
export async function createRouterDeployer(settings: RouterChoice, deps: BaseDeps): Promise<Deployer | undefined> {
  return chosen(settings).deployer?.(settings.routing, routerDeps(settings, deps));
}

/** Every credential any router would read from these raw inputs; each router reads its own. */
export function routerSecrets(input: (name: string) => string): string[] {
  return Object.values(MODULES).flatMap((module) => module.secrets?.(input) ?? []);
}

type BaseDeps = Omit<RouterDeps, 'colors' | 'lockTimeoutMs' | 'readyTimeoutMs' | 'version'>;

function chosen(settings: RouterChoice): RouterModule<unknown> {
  const module = routerModule(settings.router);
  // Settings refuse routers that are not built; reaching here is a programming error.
  if (!module) throw new Error(`router "${settings.router}" is not available in this version`);
  return module;
}

function routerDeps(settings: RouterChoice, deps: BaseDeps): RouterDeps {
  return { ...deps, colors: settings.colors, lockTimeoutMs: settings.lockTimeoutMs, readyTimeoutMs: settings.deploy.readyTimeoutMs, version: settings.version };
}
