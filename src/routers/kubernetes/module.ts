import { parse as parseYaml } from 'yaml';
import * as parse from '../../infra/parse.js';
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

/** A Service name (RFC 1035 label) and other object names (RFC 1123 subdomain), as the API checks them. */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** A label key: an optional DNS prefix and `/`, then a name of letters, digits, `-_.`. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const IMAGE = /^[^\s@]+(@sha256:[a-f0-9]{64})?$/;

export const kubernetesModule: RouterModule<KubernetesSettings> = {
  settings(input, problems) {
    const service = input('service');
    if (!SERVICE_NAME.test(service)) problems.add('service', service, 'the name of the live Service (lowercase letters, digits and "-", starting with a letter)');
    const namespace = input('namespace');
    if (namespace && !SERVICE_NAME.test(namespace)) problems.add('namespace', namespace, 'a namespace name (lowercase letters, digits and "-"), or empty for the context\'s namespace');
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
    if (kubeconfig && !looksLikeKubeconfig(kubeconfig)) {
      problems.note('kubeconfig', 'is not a kubeconfig: expected its YAML content (clusters, users, contexts), e.g. from a secret; not a path.');
    }
    const image = input('image');
    if (image && !IMAGE.test(image)) problems.add('image', image, 'an image reference such as registry.example.com/app:1.2.3 (no spaces)');
    if (image && input('deploy-command')) problems.note('image', 'and deploy-command both deploy the idle color; give one.');
    const container = input('container');
    if (container && !LABEL_KEY.test(container)) problems.add('container', container, 'a container name, or empty for the only container');
    const delay = input('scale-down-delay');
    const scaleDownDelayMs = delay ? parse.duration(problems, 'scale-down-delay', delay, 1000) : 0;
    return { service, namespace, deployment, colorLabel, previewService, httpRoute, kubeconfig, image, container, scaleDownDelayMs };
  },
  cannotSplit: (s) => (s.httpRoute ? undefined : 'a Service selector cannot split traffic; give http-route (a Gateway API HTTPRoute) for traffic steps'),
  secrets: (input) => kubeconfigSecrets(input('kubeconfig')),
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

function looksLikeKubeconfig(text: string): boolean {
  try {
    const doc = parseYaml(text, { logLevel: 'error' }) as Record<string, unknown> | null;
    return Boolean(doc && typeof doc === 'object' && Array.isArray(doc.clusters));
  } catch {
    return false;
  }
}

/** Keys under which a kubeconfig keeps credentials (tokens, keys, passwords, auth-provider secrets). */
const CREDENTIAL_KEYS = new Set(['token', 'client-key-data', 'password', 'id-token', 'refresh-token', 'access-token', 'client-secret']);

/** Every credential inside a kubeconfig, read tolerantly (also from one that fails validation). */
export function kubeconfigSecrets(text: string): string[] {
  if (!text) return [];
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
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
        } else walk(value);
      }
    }
  };
  walk(doc);
  return found;
}
