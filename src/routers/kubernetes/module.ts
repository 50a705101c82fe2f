import * as parse from '../../infra/parse.js';
import { parseYaml } from '../../infra/yaml.js';
import type { RouterModule } from '../module.js';

export interface KubernetesSettings {
  /** The live Service; with http-route, the base of the color Services' names (`{service}-{color}`). */
  service: string;
  /** '' for the current context's namespace. */
  namespace: string;
  /** Deployment name template, `{service}` and `{color}` filled in. */
  deployment: string;
  colorLabel: string;
  previewService: string;
  httpRoute: string;
  kubeconfig: string;
  /** Image set on the idle color's Deployment; '' when another deployer (or none) deploys. */
  image: string;
  container: string;
  /** After a verified promotion, wait this long, then scale the previous color to 0; 0: keep it warm. */
  scaleDownDelayMs: number;
}

/**
 * Names as the API checks them: a Service's is an RFC 1035 label (starts with a letter), a namespace's
 * an RFC 1123 label (may start with a digit: `1team`), other objects' an RFC 1123 subdomain.
 */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** A label key: an optional DNS prefix and `/`, then a name of letters, digits, `-_.`. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const IMAGE = /^[^\s@]+(@sha256:[a-f0-9]{64})?$/;

export const kubernetesModule: RouterModule<KubernetesSettings> = {
  settings(input, problems, common) {
    const service = input('service');
    if (!service) problems.note('service', 'is required with router "kubernetes": the name of the live Service, whose selector is flipped.');
    else if (!SERVICE_NAME.test(service)) problems.add('service', service, 'the name of the live Service (lowercase letters, digits and "-", starting with a letter)');
    const namespace = input('namespace');
    if (namespace && !NAMESPACE.test(namespace)) {
      problems.add('namespace', namespace, 'a namespace name (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit), or empty for the context\'s namespace');
    }
    const deployment = input('deployment') || '{service}-{color}';
    if (!deployment.includes('{color}') || !OBJECT_NAME.test(deployment.replaceAll('{service}', 'x').replaceAll('{color}', 'x'))) {
      problems.add('deployment', deployment, 'a Deployment name template containing {color} (and optionally {service}), e.g. {service}-{color}');
    }
    const colorLabel = input('color-label') || 'version';
    if (!LABEL_KEY.test(colorLabel)) problems.add('color-label', colorLabel, 'a label key such as "version" or "example.com/color"');
    const previewService = input('preview-service');
    if (previewService && !SERVICE_NAME.test(previewService)) problems.add('preview-service', previewService, 'a Service name, or empty');
    if (previewService && previewService === service) problems.note('preview-service', `names the live Service "${service}"; it must be another Service (pointed at the idle color).`);
    const httpRoute = input('http-route');
    if (httpRoute && !OBJECT_NAME.test(httpRoute)) problems.add('http-route', httpRoute, 'the name of a Gateway API HTTPRoute, or empty');
    const kubeconfig = input('kubeconfig');
    const doc = kubeconfig ? parseKubeconfig(kubeconfig) : undefined;
    if (kubeconfig && !Array.isArray(doc?.clusters)) {
      problems.note('kubeconfig', 'is not a kubeconfig: expected its YAML content (clusters, users, contexts), e.g. from a secret; not a path.');
    } else if (doc) {
      for (const program of credentialPrograms(doc)) problems.warn('kubeconfig', `${program} ${ENVIRONMENT_WARNING}`);
    }
    const image = input('image');
    if (image && !IMAGE.test(image)) problems.add('image', image, 'an image reference such as registry.example.com/app:1.2.3 (no spaces)');
    if (image && common.deployCommand) problems.note('image', 'and deploy-command both deploy the idle color; give one.');
    const container = input('container');
    if (container && !LABEL_KEY.test(container)) problems.add('container', container, 'a container name, or empty for the only container');
    const delay = input('scale-down-delay');
    const scaleDownDelayMs = delay ? parse.duration(problems, 'scale-down-delay', delay, 1000) : 0;
    return { service, namespace, deployment, colorLabel, previewService, httpRoute, kubeconfig, image, container, scaleDownDelayMs };
  },
  cannotSplit: (s) => (s.httpRoute ? undefined : 'a Service selector cannot split traffic; give http-route (a Gateway API HTTPRoute) for traffic steps'),
  // The whole kubeconfig too: an error may quote it.
  yamlInputs: ['kubeconfig'],
  secrets: (input) => [input('kubeconfig'), ...kubeconfigSecrets(input('kubeconfig'))],
  async create(s, deps) {
    const { createKubernetesRouter } = await import('./router.js');
    return createKubernetesRouter(s, deps);
  },
  async deployer(s, deps) {
    if (!s.image) return undefined;
    const { createKubernetesDeployer } = await import('./deployer.js');
    return createKubernetesDeployer(s, deps);
  },
};

type Doc = Record<string, unknown>;

/** The kubeconfig as a mapping, or undefined when it is not YAML of one. */
function parseKubeconfig(text: string): Doc | undefined {
  try {
    const doc = parseYaml(text) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Doc) : undefined;
  } catch {
    return undefined;
  }
}

const ENVIRONMENT_WARNING =
  'with the whole environment of this step: every input of the action (github-token, this kubeconfig) and the job\'s variables and secrets. Use such a kubeconfig only if you trust that program; a token or a client certificate runs nothing.';

/**
 * The programs the current context's user runs for its credential, said for a warning: an exec plugin
 * (the client spawns it), or an auth-provider's cmd-path (the client runs it through a shell). The
 * client runs them with its own environment; an auth-provider without cmd-path runs nothing.
 */
function credentialPrograms(doc: Doc): string[] {
  const named = (list: unknown, name: unknown) => (Array.isArray(list) ? list.find((entry) => entry?.name === name) : undefined);
  const userName = named(doc.contexts, doc['current-context'])?.context?.user;
  const user = named(doc.users, userName)?.user;
  if (!user || typeof user !== 'object') return [];
  const provider = user['auth-provider'];
  const exec = user.exec ?? provider?.config?.exec;
  const programs: string[] = [];
  if (exec?.command) programs.push(`user "${userName}" runs the program "${exec.command}" (an exec credential plugin) to get its credential,`);
  else if (provider?.config?.['cmd-path']) {
    programs.push(`user "${userName}" runs "${provider.config['cmd-path']}" through a shell (auth-provider "${provider.name}") to refresh its token,`);
  }
  return programs;
}

/** Keys under which a kubeconfig keeps credentials (tokens, keys, passwords, auth-provider secrets). */
const CREDENTIAL_KEYS = new Set(['token', 'client-key-data', 'password', 'id-token', 'refresh-token', 'access-token', 'client-secret']);

/**
 * The words that make a flag or an auth-provider key name a credential, when its LAST word is one:
 * `--token`, `--client-secret`, `--api-key`, `access-token`. The last word, because it says what the
 * value is: `--token-file PATH` and `--password-stdin` name a path and a switch, and masking their
 * values would blank ordinary words (a path, "true") in every log line.
 */
const CREDENTIAL_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pass', 'pwd', 'key', 'apikey', 'credential', 'credentials']);

function namesCredential(name: string): boolean {
  const words = name.replace(/^-+/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().split(/[-_.]/);
  return CREDENTIAL_WORDS.has(words[words.length - 1]);
}

/** The values of credential flags among arguments: `--token=abc`, `--token abc`, `-password abc`. */
function flagValues(args: unknown[]): string[] {
  const found: string[] = [];
  args.map(String).forEach((arg, i, all) => {
    const flag = /^(--?[^=\s]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!flag || !namesCredential(flag[1])) return;
    if (flag[2] !== undefined) found.push(flag[2]);
    // A next argument that is itself a flag is not this one's value.
    else if (i + 1 < all.length && !all[i + 1].startsWith('-')) found.push(all[i + 1]);
  });
  return found;
}

/** A switch or a number carries no secret, and masking "true" would blank it in every log line. */
const PLAIN_VALUE = /^(true|false|yes|no|on|off|\d+)$/i;

/**
 * Credentials an exec plugin is given: every env value (env is how secrets reach a plugin, and an
 * env name does not reliably say which values are secret) and the values of credential flags.
 */
function execSecrets(exec: Record<string, unknown>): string[] {
  const env = Array.isArray(exec.env) ? exec.env : [];
  const values = env.map((entry) => (entry as { value?: unknown } | null)?.value).filter((v): v is string => typeof v === 'string' && !PLAIN_VALUE.test(v));
  return [...values, ...flagValues(Array.isArray(exec.args) ? exec.args : [])];
}

/** Credentials in an auth-provider's config: values of credential-named keys, and of flags in cmd-args. */
function authProviderSecrets(provider: Record<string, unknown>): string[] {
  const config = provider.config && typeof provider.config === 'object' ? (provider.config as Record<string, unknown>) : {};
  const values = Object.entries(config).flatMap(([key, value]) => (namesCredential(key) && typeof value === 'string' ? [value] : []));
  const args = typeof config['cmd-args'] === 'string' ? config['cmd-args'].split(/\s+/) : [];
  return [...values, ...flagValues(args)];
}

/** Every credential inside a kubeconfig, read tolerantly (also from one that fails validation). */
export function kubeconfigSecrets(text: string): string[] {
  if (!text) return [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  // YAML aliases can make a document refer to itself: each node is visited once.
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      if (seen.has(node)) return;
      seen.add(node);
    }
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (CREDENTIAL_KEYS.has(key) && typeof value === 'string') {
          found.push(value);
          // A key given as base64 data also appears decoded (PEM) in error messages of TLS libraries.
          if (key.endsWith('-data')) found.push(...Buffer.from(value, 'base64').toString('utf8').split('\n').filter((line) => line.length > 16 && !line.startsWith('-----')));
          continue;
        }
        const mapping = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
        if (mapping && key === 'exec') found.push(...execSecrets(mapping));
        if (mapping && key === 'auth-provider') found.push(...authProviderSecrets(mapping));
        walk(value);
      }
    }
  };
  walk(doc);
  return found;
}
