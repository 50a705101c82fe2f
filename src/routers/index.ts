import type { InputReader } from '../infra/parse.js';
import type { Color, Deployer, Router } from '../types.js';
import { awsAlbModule } from './aws-alb/module.js';
import { commandModule } from './command/module.js';
import { haproxyModule } from './haproxy/module.js';
import { kubernetesModule } from './kubernetes/module.js';
import type { RouterDeps, RouterModule } from './module.js';
import { nginxModule } from './nginx/module.js';
import { route53Module } from './route53/module.js';

/**
 * The registry: the one place that lists the routers and matches a `router` value. Adding a router is
 * its folder plus one line here; the `router` input accepts exactly these keys, in this order.
 */
const MODULES = {
  kubernetes: kubernetesModule,
  'aws-alb': awsAlbModule,
  route53: route53Module,
  nginx: nginxModule,
  haproxy: haproxyModule,
  command: commandModule,
} satisfies Record<string, RouterModule<unknown>>;

export type RouterKind = keyof typeof MODULES;

/** The values the `router` input accepts. */
export const ROUTER_KINDS = Object.keys(MODULES) as RouterKind[];

export function routerModule(kind: RouterKind): RouterModule<unknown> {
  return MODULES[kind] as RouterModule<unknown>;
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
  return routerModule(settings.router).create(settings.routing, routerDeps(settings, deps));
}

/** The router's own deployer, when its inputs ask for one (Kubernetes with `image`); else undefined. */
export async function createRouterDeployer(settings: RouterChoice, deps: BaseDeps): Promise<Deployer | undefined> {
  return routerModule(settings.router).deployer?.(settings.routing, routerDeps(settings, deps));
}

/** Every credential any router would read from these raw inputs; each router reads its own. */
export function routerSecrets(input: InputReader): string[] {
  return ROUTER_KINDS.flatMap((kind) => routerModule(kind).secrets?.(input) ?? []);
}

/** The routers' inputs whose value is YAML. */
export function routerYamlInputs(): string[] {
  return ROUTER_KINDS.flatMap((kind) => routerModule(kind).yamlInputs ?? []);
}

/** What the entry steps hand to a router or deployer: the rest comes from the settings. */
export type BaseDeps = Omit<RouterDeps, 'colors' | 'lockTimeoutMs' | 'readyTimeoutMs' | 'version'>;

function routerDeps(settings: RouterChoice, deps: BaseDeps): RouterDeps {
  return { ...deps, colors: settings.colors, lockTimeoutMs: settings.lockTimeoutMs, readyTimeoutMs: settings.deploy.readyTimeoutMs, version: settings.version };
}
