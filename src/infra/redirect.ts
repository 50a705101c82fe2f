/** HTTP statuses that send the client elsewhere (RFC 9110 §15.4); 300 and 304 do not. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Where a redirect answer points, resolved against the URL asked; undefined when it is no redirect. */
export function redirectTarget(status: number, location: string | null | undefined, asked: URL): URL | undefined {
  if (!REDIRECTS.has(status) || !location) return undefined;
  try {
    return new URL(location, asked);
  } catch {
    return undefined;
  }
}

/**
 * A URL as messages may show it: origin and path only. A Location is written by the server and may carry
 * `user:password@` or a token in its query, so neither is ever printed.
 */
export function shownUrl(url: URL): string {
  return url.origin === 'null' ? `${url.protocol}…` : `${url.origin}${url.pathname}`;
}
