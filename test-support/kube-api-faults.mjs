// Faults on cue between the action and the test cluster's real kube-apiserver: an HTTPS proxy
// (test-support/kube-api-proxy.mjs, in a worker thread) that answers chosen requests with an API error
// (before or after letting them through), holds them for a while or for good, or freezes every request
// of a namespace, and records each request with its times, so a test can say which writes reached the
// apiserver and when. Also the health endpoint the runs check, and RBAC rights taken away mid-run.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * @typedef {{ namespace: string, verb?: string | string[], resource?: string, name?: string }} Match
 * @typedef {{ verb?: string | string[], resource?: string, name?: string }} After
 * @typedef {{ status?: number, landed?: boolean, hang?: boolean, delayMs?: number, freezeMs?: number }} Fault
 * @typedef {{ verb: string, namespace?: string, resource?: string, name?: string, method: string, url: string,
 *   receivedAt: number, forwardedAt?: number, landedAt?: number, upstreamStatus?: number, status?: number,
 *   fault?: string, clientGoneAt?: number }} ApiRecord
 */

/**
 * Starts the proxy in front of `cluster` (test-support/kube.mjs). `fault(rule)` adds a rule: the
 * requests of its namespace it matches (`{ verb, resource, name }`, only once a request matching
 * `after` was seen there), from the `skip+1`th, `times` of them, get its `fault`:
 *   { status: 503 }               answered with that API error, never sent on;
 *   { status: 503, landed: true } sent on (a write lands), then answered with the error instead;
 *   { hang: true }                never answered and never sent on (until the client gives up);
 *   { delayMs }                   sent on after that long (unless the client gave up first);
 *   { freezeMs }                  the namespace freezes from this request on: every request is held
 *                                 until then, then sent on if its client still waits.
 * `on(match, act)` calls `act(record)` once, when the first matching request arrives (after `after`).
 * `of(namespace)`: its requests (ApiRecord), in the order they arrived. `unfired(namespace)`: its rules
 * that never hit and triggers that never fired or failed. `health(namespace, code)`: what
 * `${healthUrl}/${namespace}` answers (200 until set).
 */
export async function startApiProxy(cluster) {
  const worker = new Worker(new URL('./kube-api-proxy.mjs', import.meta.url), { workerData: { server: cluster.server, caFile: cluster.caFile, pki: join(cluster.dir, 'pki') } });
  const pending = new Map();
  const acts = new Map();
  let next = 0;
  const ask = (type, fields = {}) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      worker.postMessage({ type, id, ...fields });
    });
  const started = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'answer') pending.get(message.id)?.(message.value);
      else if (message.type === 'hooked') {
        const hook = acts.get(message.hook);
        Promise.resolve(message.record)
          .then(hook.act)
          .catch((error) => (hook.error = error));
      }
    });
  });
  const { url, healthUrl } = await started;
  return {
    url,
    healthUrl,
    /** @param {Match & { after?: After, skip?: number, times?: number, fault: Fault }} rule */
    fault: ({ after, skip = 0, times = Infinity, fault, ...match }) => ask('fault', { rule: { match, after, skip, times, fault } }),
    /** @param {Match & { after?: After }} trigger @param {(record: ApiRecord) => unknown} act */
    on({ after, ...match }, act) {
      const hook = { id: ++next, act, error: undefined, match };
      acts.set(hook.id, hook);
      return ask('hook', { hook: { id: hook.id, match, after } });
    },
    /** @returns {Promise<ApiRecord[]>} */
    of: (namespace) => ask('records', { namespace }),
    /** @returns {Promise<string[]>} */
    async unfired(namespace) {
      const failed = [...acts.values()].filter((h) => h.match.namespace === namespace && h.error).map((h) => `trigger ${JSON.stringify(h.match)} failed: ${h.error}`);
      return [...(await ask('unfired', { namespace })), ...failed];
    },
    health: (namespace, code) => ask('health', { namespace, code }),
    /** The kubeconfig text with its cluster's server pointed at this proxy. */
    kubeconfig(text) {
      const config = parse(text);
      for (const entry of config.clusters) entry.cluster.server = url;
      return stringify(config);
    },
    async close() {
      await ask('close');
      await worker.terminate();
    },
  };
}

/**
 * Takes `verb` on `resource` (as a Role rule names it, e.g. `leases`) out of Role `role` in `namespace`,
 * as an administrator would mid-run, and waits until the apiserver refuses it to `subject`.
 */
export async function revokeRight(cluster, { namespace, role, subject, verb, resource, group = '' }) {
  const current = JSON.parse(await cluster.kubectlAsync(['get', 'role', role, '-n', namespace, '-o', 'json']));
  const rule = current.rules.find((r) => r.resources.includes(resource) && r.apiGroups.includes(group));
  if (!rule?.verbs.includes(verb)) throw new Error(`revokeRight: Role ${role} does not grant ${verb} on ${resource}`);
  rule.verbs = rule.verbs.filter((v) => v !== verb);
  await cluster.kubectlAsync(['replace', '-f', '-'], { input: JSON.stringify(current) });
  const qualified = group ? `${resource}.${group}` : resource;
  for (const end = Date.now() + 10_000; ; ) {
    const allowed = await cluster.kubectlAsync(['auth', 'can-i', verb, qualified, '-n', namespace, `--as=${subject}`]).then(
      () => true,
      () => false,
    );
    if (!allowed) return;
    if (Date.now() > end) throw new Error(`revokeRight: ${subject} may still ${verb} ${qualified} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
