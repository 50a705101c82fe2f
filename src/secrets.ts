import { parse as parseYaml } from 'yaml';
import { shown } from './infra/parse.js';
import { routerSecrets } from './routers/index.js';

/** Inputs whose whole value is a credential. */
const SECRET_INPUTS = ['github-token', 'kubeconfig'];
/** Inputs of `Name: value` lines; every value is a secret. */
const HEADER_INPUTS = ['smoke-headers', 'prometheus-headers'];
/** YAML inputs whose entries may carry a `headers:` mapping and URLs. */
const YAML_INPUTS = ['smoke-tests', 'health-checks'];
/** Inputs holding URLs, which may carry `user:password@`. */
const URL_INPUTS = ['prometheus-url', 'smoke-urls', 'health-urls', 'environment-url', ...YAML_INPUTS];
/** Shorter values would mask ordinary words in every log line. */
const MIN_SECRET_LENGTH = 4;

/**
 * Every form in which a credential given in the inputs could appear in text: the whole header value,
 * its credential after the scheme (`Bearer <token>`: servers echo the bare token), Basic credentials
 * decoded, and URL passwords both percent-encoded and decoded. Read from the raw inputs, tolerantly,
 * so secrets are known (and masked) even when the inputs fail validation.
 */
export function secretsOf(input: (name: string) => string): string[] {
  const values: string[] = SECRET_INPUTS.map(input);
  for (const name of HEADER_INPUTS) {
    for (const line of input(name).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) values.push(...headerForms(line.slice(colon + 1).trim()));
    }
  }
  for (const name of YAML_INPUTS) values.push(...yamlHeaderValues(input(name)).flatMap(headerForms));
  for (const name of URL_INPUTS) values.push(...urlPasswords(input(name)));
  values.push(...routerSecrets(input));
  return [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))];
}

/** `Bearer abc` → the value and `abc`; `Basic dXNlcjpwYXNz` → also `user:pass` and `pass`. */
function headerForms(value: string): string[] {
  const forms = [value];
  const scheme = /^(\S+)\s+(\S.*)$/.exec(value);
  if (!scheme) return forms;
  forms.push(scheme[2]);
  if (scheme[1].toLowerCase() === 'basic') {
    const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
    if (decoded.includes(':')) forms.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
  }
  return forms;
}

function yamlHeaderValues(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
  } catch {
    return [];
  }
  if (!Array.isArray(doc)) return [];
  return doc.flatMap((entry) => {
    const headers = (entry as { headers?: unknown } | null)?.headers;
    return headers && typeof headers === 'object' ? Object.values(headers).map((v) => shown(v).trim()) : [];
  });
}

/**
 * Every `scheme://user:password@` in the text: the password as written, decoded and re-encoded, and the
 * Basic credentials a client builds from it (base64 of `user:password`, as sent and as echoed).
 */
function urlPasswords(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/@]*)@/gi)) {
    const colon = match[1].indexOf(':');
    if (colon < 0) continue;
    const [user, raw] = [match[1].slice(0, colon), match[1].slice(colon + 1)];
    found.push(raw, ...basic(`${user}:${raw}`));
    try {
      const decoded = decodeURIComponent(raw);
      found.push(decoded, encodeURIComponent(decoded), ...basic(`${decodeURIComponent(user)}:${decoded}`));
    } catch {
      /* not valid percent-encoding: the raw forms are enough */
    }
  }
  return found;
}

function basic(credentials: string): string[] {
  const token = Buffer.from(credentials, 'utf8').toString('base64');
  return [token, `Basic ${token}`];
}
