import * as parse from '../../infra/parse.js';
import type { RouterModule } from '../module.js';

export interface NginxSettings {
  /** Marker path template with {color}: switch by marker files instead of the include file. */
  marker: string;
  conf: string;
  template: string;
  testCommand: string[];
  reloadCommand: string[];
  /** Master pid file, used to confirm the reload is serving; '' when it cannot be read locally. */
  pidFile: string;
}

/** An absolute path, `{color}` in the file name only (all markers in one folder), no other placeholder. */
const MARKER = /^\/(?:[^{}\0\n]*\/)?[^/{}\0\n]*\{color\}[^/{}\0\n]*$/;

export const nginxModule: RouterModule<NginxSettings> = {
  settings(input, problems) {
    const conf = input('nginx-conf');
    const marker = input('nginx-marker');
    if (marker && conf) problems.note('nginx-marker', 'and nginx-conf are two ways to switch nginx; give one (nginx-marker needs no reload).');
    if (marker && !MARKER.test(marker)) {
      problems.add('nginx-marker', marker, 'an absolute path whose file name holds {color}, e.g. /var/lib/blue-green/app/{color}');
    }
    if (!conf && !marker) {
      problems.note('nginx-conf', 'is required with router "nginx" (or nginx-marker): the path of the include file the action owns.');
    }
    const template = input('nginx-template') || 'proxy_pass http://{color};';
    if (!template.includes('{color}')) problems.add('nginx-template', template, 'text containing {color}');
    return {
      marker,
      conf,
      template,
      testCommand: parse.command(problems, 'nginx-test-command', input('nginx-test-command') || 'nginx -t'),
      reloadCommand: parse.command(problems, 'nginx-reload-command', input('nginx-reload-command') || 'nginx -s reload'),
      pidFile: input('nginx-pid-file'),
    };
  },
  cannotSplit: () => 'router "nginx" cannot split traffic',
  async create(s, deps) {
    if (s.marker) {
      const { NginxMarkerRouter } = await import('./markers.js');
      return new NginxMarkerRouter(s, deps);
    }
    const { NginxRouter } = await import('./index.js');
    return new NginxRouter(s, deps);
  },
};
