/**
 * The forms in which a credential given in the inputs could appear in text: the whole header value, its
 * credential after the scheme (`Bearer <token>`: servers echo the bare token), Basic credentials
 * decoded, and URL passwords both percent-encoded and decoded. Read from raw text, tolerantly, so
 * secrets are known (and masked) even when the inputs fail validation. Shared by the core's inputs and
 * the plug-ins' `secrets` hooks, so every input is masked as strongly.
 */

/** `Name: value` lines: every value, in each of its forms. */
export function headerLineSecrets(text: string): string[] {
  const values: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) values.push(...headerForms(line.slice(colon + 1).trim()));
  }
  return values;
}

/** `Bearer abc` → the value and `abc`; `Basic dXNlcjpwYXNz` → also `user:pass` and `pass`. */
export function headerForms(value: string): string[] {
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

/**
 * Every `scheme://user:password@` in the text: the password as written, decoded and re-encoded, and the
 * Basic credentials a client builds from it (base64 of `user:password`, as sent and as echoed).
 */
export function urlPasswords(text: string): string[] {
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
