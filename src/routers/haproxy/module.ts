import type { RouterModule } from '../module.js';
import { ADDRESS_FORM, parseAddress, RUNTIME_API_WORD, type ApiAddress } from './syntax.js';

export interface HaproxySettings {
  address: ApiAddress;
  map: string;
  key: string;
  /** Backend name template holding {color}. */
  backend: string;
  /** Backend whose servers are named by color, for traffic steps; '' when steps are not used. */
  splitBackend: string;
  /** HAProxy's `server-state-file`, rewritten after each step so a reload keeps the weights; '' for none. */
  serverStateFile: string;
}

/** What HAProxy accepts in proxy names (its `invalid_char`): letters, digits and `-_.:`. */
const HAPROXY_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Every HAProxy value ends up in a Runtime API command line, where spaces separate arguments, `;` and
 * line breaks separate commands and `\` escapes: each is held to the grammar of what it names.
 */
export const haproxyModule: RouterModule<HaproxySettings> = {
  settings(input, problems) {
    const socket = input('haproxy-socket');
    const address = parseAddress(socket);
    if (!address) problems.add('haproxy-socket', socket, `the Runtime API address: ${ADDRESS_FORM}`);
    const map = input('haproxy-map');
    if (!map.startsWith('/') || !RUNTIME_API_WORD.test(map)) {
      problems.add('haproxy-map', map, 'the absolute path of the map file, as HAProxy loaded it (see `show map`), without spaces, quotes, ";", "#" or "\\"');
    }
    const key = input('haproxy-map-key') || 'active';
    if (!RUNTIME_API_WORD.test(key)) problems.add('haproxy-map-key', key, 'a map key of printable characters without spaces, quotes, ";", "#" or "\\"');
    const backend = input('haproxy-backend') || '{color}';
    if (!backend.includes('{color}') || !HAPROXY_NAME.test(backend.split('{color}').join('x'))) {
      problems.add('haproxy-backend', backend, 'a backend name template containing {color}, otherwise letters, digits and "-_.:" as HAProxy names allow');
    }
    const splitBackend = input('haproxy-split-backend');
    if (splitBackend && !HAPROXY_NAME.test(splitBackend)) problems.add('haproxy-split-backend', splitBackend, 'a backend name: letters, digits and "-_.:" as HAProxy names allow');
    const serverStateFile = input('haproxy-server-state-file');
    if (serverStateFile && !serverStateFile.startsWith('/')) {
      problems.add('haproxy-server-state-file', serverStateFile, 'the absolute path HAProxy names in its `server-state-file` directive');
    }
    return { address: address ?? { path: socket }, map, key, backend, splitBackend, serverStateFile };
  },
  cannotSplit: (s) => (s.splitBackend ? undefined : 'router "haproxy" splits traffic only through haproxy-split-backend (a backend whose servers are named by color)'),
  async create(s, deps) {
    const { HaproxyRouter } = await import('./index.js');
    return new HaproxyRouter(s, deps);
  },
};
