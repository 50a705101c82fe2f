import { connect, type Socket } from 'node:net';
import { describeAddress, RUNTIME_API_WORD, type ApiAddress } from './syntax.js';

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
