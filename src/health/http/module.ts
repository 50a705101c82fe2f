import { headerLines, Problems } from '../../infra/parse.js';
import { probeFromFields, type HttpProbe } from '../../settings-probes.js';
import type { HealthTypeModule } from '../module.js';

/** `type: http` (the default): the keys of smoke-tests, judged on every sample. */
export const httpModule: HealthTypeModule<HttpProbe, Record<string, string>> = {
  check: (problems, where, fields) => probeFromFields(problems, where, fields),
  // smoke-headers go with every smoke and health request; the settings report its problems, once.
  shared: (input) => headerLines(new Problems(), 'smoke-headers', input('smoke-headers')),
  async create(probes, headers, deps) {
    const { HttpHealthSource } = await import('./source.js');
    return probes.map((probe) => new HttpHealthSource({ ...probe, headers: { ...headers, ...probe.headers } }, deps.vars, deps.timeoutMs));
  },
};
