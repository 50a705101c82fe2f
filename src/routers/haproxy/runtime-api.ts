import { connect, isIPv4, isIPv6, type Socket } from 'node:net';

/** The Runtime API answers at once; five seconds means HAProxy is stuck or the address is wrong. */
const TIMEOUT_MS = 5000;

/** Answers that mean the command failed; HAProxy reports them as text, not as a status. */
const FAILURES = [
  'Unknown map identifier',
  'No such backend',
  'No such server',
  'Permission denied',
  'Unknown command',
  'Require',
  'Missing',
  'Invalid',
  'Failed',
  'Unable',
];

/** An address as `haproxy-socket` takes it: a unix socket path, or `host:port`. */
export type ApiAddress = { path: string } | { host: string; port: number };

/** `haproxy-socket`'s accepted form, for the message that refuses another. */
export const ADDRESS_FORM = 'an absolute unix socket path (/run/haproxy/admin.sock) or host:port, the host a hostname, an IPv4 address or an [IPv6] address and the port 1-65535';

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
  const valid = bracketed ? isIPv6(host) : /^[\d.]+$/.test(host) ? isIPv4(host) : HOSTNAME.test(host);
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

/** One command per connection (the API's non-interactive mode): send, read until HAProxy closes. */
export class RuntimeApi {
  constructor(private readonly address: ApiAddress) {}

  /** Runs one command given as words; every word is checked against the CLI's grammar first. */
  async run(words: readonly string[], signal?: AbortSignal): Promise<string> {
    const bad = words.find((word) => !RUNTIME_API_WORD.test(word));
    if (bad !== undefined) throw new Error(`Refusing to send ${JSON.stringify(bad)} to the HAProxy Runtime API: it would change the command.`);
    const command = words.join(' ');
    const answer = (await this.send(command, signal)).trim();
    const failure = FAILURES.find((prefix) => answer.startsWith(prefix));
    if (failure) throw new Error(`HAProxy refused \`${command}\`: ${answer.split('\n')[0]}`);
    return answer;
  }

  private send(command: string, signal?: AbortSignal): Promise<string> {
    const where = describeAddress(this.address);
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(this.address as never);
      const chunks: Buffer[] = [];
      const onAbort = () => socket.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('close', () => signal?.removeEventListener('abort', onAbort));
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS}ms`), { code: 'ETIMEDOUT' })));
      socket.on('connect', () => socket.write(`${command}\n`));
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(signal.reason);
        reject(new Error(`Could not reach the HAProxy Runtime API at ${where}: ${hint(error)}`));
      });
    });
  }
}

function hint(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return `${error.code === 'ENOENT' ? 'no such socket' : 'connection refused'} (is HAProxy running with \`stats socket <address> level admin\` in its global section?)`;
    case 'EACCES':
      return 'permission denied on the socket file (run the step as a user that may open it)';
    default:
      return error.message;
  }
}
