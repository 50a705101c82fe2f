import * as parse from '../../infra/parse.js';
import type { RouterModule } from '../module.js';

export interface CommandRouterSettings {
  get: string[];
  set: string[];
}

export const commandModule: RouterModule<CommandRouterSettings> = {
  settings(input, problems) {
    const get = input('router-get-command');
    const set = input('router-set-command');
    if (!get) problems.note('router-get-command', 'is required with router "command": a command that prints the live color.');
    if (!set) problems.note('router-set-command', 'is required with router "command": a command that points traffic at {color}.');
    else if (!set.includes('{color}')) problems.add('router-set-command', set, 'a command containing {color}');
    return {
      get: get ? parse.command(problems, 'router-get-command', get) : [],
      set: set ? parse.command(problems, 'router-set-command', set) : [],
    };
  },
  cannotSplit: (s) => (s.set.some((arg) => arg.includes('{weight}')) ? undefined : 'router "command" splits traffic only when router-set-command contains {weight}'),
  async create(s, deps) {
    const { CommandRouter } = await import('./index.js');
    return new CommandRouter(s, deps);
  },
};
