// What the HAProxy Runtime API accepts, checked without a connection: the settings of every run read
// this file, so it stays free of node:net (whose load cost every run, HAProxy or not, ~4 ms of start-up).

/** An address as `haproxy-socket` takes it: a unix socket path, or `host:port`. */
export type ApiAddress = { path: string } | { host: string; port: number };

/** `haproxy-socket`'s accepted form, for the message that refuses another. */
export const ADDRESS_FORM = 'an absolute unix socket path (/run/haproxy/admin.sock) or host:port, the host a hostname, an IPv4 address or an [IPv6] address and the port 1-65535';

/** A dotted quad without leading zeros, as node:net's isIPv4 takes it. */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** RFC 1123 host names: dot-separated labels of letters, digits and inner dashes. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Checked here, not by the connection: `http://127.0.0.1:1` or `a b:1234` would otherwise fail later
 * as a connection error that does not name the input.
 */
export function parseAddress(text: string): ApiAddress | undefined {
  // eslint-disable-next-line no-control-regex
  if (text.startsWith('/')) return /[\u0000-\u001f\u007f]/.test(text) ? undefined : { path: text };
  const tcp = /^(?:\[([^\]]*)\]|([^:[\]]*)):([1-9]\d{0,4})$/.exec(text);
  if (!tcp || Number(tcp[3]) > 65535) return undefined;
  const [host, bracketed] = tcp[1] !== undefined ? [tcp[1], true] : [tcp[2], false];
  const valid = bracketed ? isIPv6(host) : /^[\d.]+$/.test(host) ? IPV4.test(host) : HOSTNAME.test(host);
  return valid ? { host, port: Number(tcp[3]) } : undefined;
}

export function describeAddress(address: ApiAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

/**
 * One argument of a Runtime API command. The CLI splits on spaces, ends a command at `;` or a line
 * break and treats `\\` as an escape: a word with any of those (or quotes, `#`, control characters)
 * would become a different command, so it is refused here, whatever validated it before.
 */
export const RUNTIME_API_WORD = /^(?:(?![;#\\'"])[\x21-\x7e]){1,256}$/;

/** An IPv6 address as a URL's host takes it: the WHATWG parser validates every form (`::`, embedded IPv4). */
function isIPv6(host: string): boolean {
  if (!host.includes(':')) return false;
  try {
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false;
  }
}
