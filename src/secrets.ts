import { healthSecrets } from './health/index.js';
import { headerForms, headerLineSecrets, urlPasswords } from './infra/secret-forms.js';
import { shown } from './infra/parse.js';
import { parseYaml } from './infra/yaml.js';
import { routerSecrets, routerYamlInputs } from './routers/index.js';

/** The core's inputs whose whole value is a credential. */
const SECRET_INPUTS = ['github-token'];
/** The core's inputs of `Name: value` lines; every value is a secret. */
const HEADER_INPUTS = ['smoke-headers'];
/** The core's YAML lists, whose entries may carry a `headers:` mapping and URLs. */
const YAML_INPUTS = ['smoke-tests', 'health-checks'];
/** Every input, the core's and the routers', whose value is YAML: a run loads the parser only for them. */
export function yamlInputs(): string[] {
  return [...YAML_INPUTS, ...routerYamlInputs()];
}
/** The core's inputs holding URLs, which may carry `user:password@`. */
const URL_INPUTS = ['smoke-urls', 'warmup-urls', 'environment-url', ...YAML_INPUTS];
/** Shorter values would mask ordinary words in every log line. */
const MIN_SECRET_LENGTH = 4;

/**
 * Every form in which a credential given in the inputs could appear in text (see secret-forms.ts),
 * from the core's inputs and from every router and health type, each of which names its own: all of
 * them, chosen or not, since the inputs may fail validation before a choice is known.
 */
export function secretsOf(input: (name: string) => string): string[] {
  const values: string[] = SECRET_INPUTS.map(input);
  for (const name of HEADER_INPUTS) values.push(...headerLineSecrets(input(name)));
  for (const name of YAML_INPUTS) values.push(...yamlHeaderValues(input(name)).flatMap(headerForms));
  for (const name of URL_INPUTS) values.push(...urlPasswords(input(name)));
  values.push(...routerSecrets(input), ...healthSecrets(input));
  return [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))];
}

function yamlHeaderValues(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  if (!Array.isArray(doc)) return [];
  return doc.flatMap((entry) => {
    const headers = (entry as { headers?: unknown } | null)?.headers;
    return headers && typeof headers === 'object' ? Object.values(headers).map((v) => shown(v).trim()) : [];
  });
}
