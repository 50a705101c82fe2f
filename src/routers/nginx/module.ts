import * as parse from '../../infra/parse.js';
import type { RouterModule } from '../module.js';

export interface NginxSettings {
  conf: string;
  template: string;
  testCommand: string[];
  reloadCommand: string[];
  /** Master pid file, used to confirm the reload is serving; '' when it cannot be read locally. */
  pidFile: string;
}

export const nginxModule: RouterModule<NginxSettings> = {
  settings(input, problems) {
    const conf = input('nginx-conf');
    if (!conf) problems.note('nginx-conf', 'is required with router "nginx": the path of the include file the action owns.');
    const template = input('nginx-template') || 'proxy_pass http://{color};';
    if (!template.includes('{color}')) problems.add('nginx-template', template, 'text containing {color}');
    return {
      conf,
      template,
      testCommand: parse.command(problems, 'nginx-test-command', input('nginx-test-command') || 'nginx -t'),
      reloadCommand: parse.command(problems, 'nginx-reload-command', input('nginx-reload-command') || 'nginx -s reload'),
      pidFile: input('nginx-pid-file'),
    };
  },
  cannotSplit: () => 'router "nginx" cannot split traffic',
  async create(s, deps) {
    const { NginxRouter } = await import('./index.js');
    return new NginxRouter(s, deps);
  },
};
