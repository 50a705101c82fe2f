// The YAML parser (0.12 MB minified, about 10 ms to load) is needed only by runs whose inputs hold YAML
// (`smoke-tests`, `health-checks`, a `kubeconfig`), so the entry loads it on demand, once, before the
// inputs are read; parsing stays synchronous after that, as the settings are.
type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

export async function loadYaml(): Promise<void> {
  // The package is CommonJS: in the bundle, a dynamic import of it has only a default export.
  const loaded = (await import('yaml')) as Yaml & { default?: Yaml };
  yaml ??= loaded.default ?? loaded;
}

/** Parses YAML; warnings (unknown directives and tags) would print to the log, errors throw. */
export function parseYaml(text: string): unknown {
  if (!yaml) throw new Error('internal error: YAML parsed before loadYaml()');
  return yaml.parse(text, { logLevel: 'error' });
}
