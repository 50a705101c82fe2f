import { urlPasswords } from '../../infra/secret-forms.js';
import { probeFromFields, probesFromUrls } from '../../probes/parse.js';
import type { HttpProbe } from '../../probes/probe.js';
import type { HealthTypeModule } from '../module.js';

/** `type: http` (the default) and `health-urls`: the probes of smoke-tests, judged on every sample. */
export const httpModule: HealthTypeModule<HttpProbe, Record<string, string>> = {
  check: (problems, where, fields) => probeFromFields(problems, where, fields),
  inputChecks: (input, problems) => probesFromUrls(problems, 'health-urls', input('health-urls')),
  // smoke-headers go with every smoke and health request; a check's own headers win.
  shared: (_input, _problems, _checks, common) => common.smokeHeaders,
  secrets: (input) => urlPasswords(input('health-urls')),
  async create(probes, headers, deps) {
    const { HttpHealthSource } = await import('./source.js');
    return probes.map((probe) => new HttpHealthSource({ ...probe, headers: { ...headers, ...probe.headers } }, deps.vars, deps.timeoutMs));
  },
};
