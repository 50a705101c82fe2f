// The worker thread behind test-support/kube-api-faults.mjs: an HTTPS proxy in front of the test
// cluster's real kube-apiserver that misbehaves on cue, and the health endpoint the runs check. A thread
// of its own, so that the test's synchronous kubectl calls (test-support/kube.mjs) never delay what it
// serves. It presents the apiserver's own certificate (signed by the cluster's CA, for IP 127.0.0.1), so
// a kubeconfig for the cluster trusts it once its server points here; credentials pass through untouched.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { Agent, createServer, request } from 'node:https';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

/** What a request does, in RBAC's words: `{ verb, namespace, resource, name }`. */
function classify(method, url) {
  const { pathname, searchParams } = new URL(url, 'https://apiserver');
  const m = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/?]+)(?:\/([^/?]+))?/.exec(pathname);
  const reads = m?.[3] ? 'get' : searchParams.get('watch') === 'true' ? 'watch' : 'list';
  const verb = { GET: reads, POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
  return { verb, namespace: m?.[1], resource: m?.[2], name: m?.[3] };
}

/** True when every field `match` gives (verb may be a list) equals the request's. */
function matches(match, req) {
  return ['namespace', 'resource', 'name'].every((key) => match[key] === undefined || match[key] === req[key]) && (match.verb === undefined || [match.verb].flat().includes(req.verb));
}

/** An API Status body, as the apiserver words an error. */
function status(code, message) {
  const reason = { 403: 'Forbidden', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' }[code] ?? 'Unknown';
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length'];
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([key]) => !HOP_BY_HOP.includes(key.toLowerCase())));

const { server: apiserver, caFile, pki } = workerData;
const upstream = new URL(apiserver);
const agent = new Agent({ ca: readFileSync(caFile), keepAlive: true });
const records = [];
const rules = [];
const hooks = [];
const frozenUntil = new Map();
const held = new Set();
const answers = new Map();

const seen = (namespace, match) => records.some((r) => r.namespace === namespace && matches(match, r));
const armed = (item, record) => item.match.namespace === record.namespace && matches(item.match, record) && (!item.after || seen(record.namespace, item.after));

function answer(res, record, code, message) {
  record.status = code;
  if (!res.writable) return;
  res.writeHead(code, { 'content-type': 'application/json', ...(code === 429 ? { 'retry-after': '1' } : {}) }).end(status(code, message));
}

/** Sends the request on; `instead`: an error status the client gets in place of the apiserver's answer. */
function forward(req, body, res, record, instead) {
  record.forwardedAt = Date.now();
  const headers = { ...endToEnd(req.headers), host: upstream.host, 'content-length': String(body.length) };
  const out = request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (answered) => {
    record.landedAt = Date.now();
    record.upstreamStatus = answered.statusCode;
    if (instead) {
      answered.resume();
      answered.on('end', () => answer(res, record, instead, `injected: the apiserver answered ${answered.statusCode}, this proxy says ${instead}`));
      return;
    }
    record.status = answered.statusCode;
    res.writeHead(answered.statusCode ?? 502, endToEnd(answered.headers));
    answered.pipe(res);
  });
  out.on('error', (error) => (res.headersSent ? res.destroy() : answer(res, record, 502, `proxy: ${error.message}`)));
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  out.end(body);
}

/** Holds the request `ms` (forever when Infinity); true when its client still waits afterwards. */
function hold(res, ms) {
  return new Promise((resolve) => {
    const entry = { timer: Number.isFinite(ms) ? setTimeout(() => done(true), ms) : undefined };
    const done = (waiting) => {
      clearTimeout(entry.timer);
      held.delete(entry);
      resolve(waiting && res.writable);
    };
    entry.release = () => done(false);
    held.add(entry);
    res.on('close', () => done(false));
  });
}

/** The first rule the request meets (counted by every rule it is armed for), and the triggers it fires. */
function judge(record) {
  const rule = rules.find((r) => armed(r, record) && r.seen++ >= r.skip && r.hits < r.times);
  for (const hook of hooks.filter((h) => !h.fired && armed(h, record))) {
    hook.fired = true;
    parentPort.postMessage({ type: 'hooked', hook: hook.id, record });
  }
  if (rule) {
    rule.hits++;
    record.fault = JSON.stringify(rule.fault);
  }
  return rule?.fault ?? {};
}

async function handle(req, res) {
  const record = { ...classify(req.method, req.url), method: req.method, url: req.url, receivedAt: Date.now() };
  res.on('close', () => {
    if (!res.writableFinished) record.clientGoneAt = Date.now();
  });
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const fault = judge(record);
  records.push(record);
  if (fault.freezeMs) frozenUntil.set(record.namespace, Date.now() + fault.freezeMs);
  const frozen = (frozenUntil.get(record.namespace) ?? 0) - Date.now();
  const wait = fault.hang ? Infinity : Math.max(fault.delayMs ?? 0, frozen);
  if (wait > 0 && !(await hold(res, wait))) return;
  if (fault.status && !fault.landed) return answer(res, record, fault.status, `injected: ${fault.status} for ${record.verb} ${record.resource}`);
  forward(req, body, res, record, fault.landed ? fault.status : undefined);
}

const proxy = createServer({ cert: readFileSync(join(pki, 'apiserver.crt')), key: readFileSync(join(pki, 'apiserver.key')) }, (req, res) => {
  handle(req, res).catch((error) => answer(res, {}, 502, `proxy: ${error.message}`));
});
/** `/<namespace>`: 200, or what the test set for that namespace. */
const health = createHttpServer((req, res) => void res.writeHead(answers.get(req.url?.slice(1)) ?? 200).end('answer'));

const requests = {
  fault: ({ rule }) => void rules.push({ ...rule, seen: 0, hits: 0 }),
  hook: ({ hook }) => void hooks.push({ ...hook, fired: false }),
  health: ({ namespace, code }) => void answers.set(namespace, code),
  records: ({ namespace }) => records.filter((r) => r.namespace === namespace),
  unfired: ({ namespace }) => [
    ...rules.filter((r) => r.match.namespace === namespace && r.hits === 0).map((r) => `rule ${JSON.stringify({ ...r.match, after: r.after })} never hit`),
    ...hooks.filter((h) => h.match.namespace === namespace && !h.fired).map((h) => `trigger ${JSON.stringify({ ...h.match, after: h.after })} never fired`),
  ],
  close() {
    for (const entry of held) entry.release();
    for (const server of [proxy, health]) {
      server.closeAllConnections();
      server.close();
    }
    agent.destroy();
  },
};
parentPort.on('message', (message) => parentPort.postMessage({ type: 'answer', id: message.id, value: requests[message.type](message) }));

await Promise.all([proxy, health].map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))));
parentPort.postMessage({ type: 'ready', url: `https://127.0.0.1:${proxy.address().port}`, healthUrl: `http://127.0.0.1:${health.address().port}` });
