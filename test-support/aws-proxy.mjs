// A recording, fault-injecting HTTP proxy in front of moto: the action reaches "AWS" through
// AWS_ENDPOINT_URL, so every ELBv2 call it makes passes here. Each call is recorded (the query
// protocol's form body names it: `Action=ModifyListener&…`), attributed to a client by the access key
// in its signature, and placed in a phase of that client's release (see `phaseOf`). Rules act on the
// calls they match: hold a request for a while, answer it with an AWS error instead of forwarding it,
// rewrite moto's answer (target states moto does not know), or act around it (a foreign write right
// after the action's own one, before the action sees its answer).
import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import { URLSearchParams } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** AWS error codes with the HTTP status the service answers them with. */
const STATUS = { ServiceUnavailable: 503, InternalFailure: 500, Throttling: 400, AccessDenied: 403 };

/** The query protocol's error document, as ELBv2 answers it. */
export function errorAnswer(code, message = `${code} (injected by the test proxy)`) {
  const body = `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>${code === 'Throttling' || code === 'AccessDenied' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: STATUS[code] ?? 500, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/** Every target in a DescribeTargetHealth answer as the load balancer shows one still registering. */
export function registering(xml) {
  return xml.replace(/<State>healthy<\/State>/g, '<State>initial</State><Reason>Elb.RegistrationInProgress</Reason><Description>Target registration is in progress</Description>');
}

/** Every target in a DescribeTargetHealth answer failing its health checks. */
export function failingChecks(xml) {
  return xml.replace(/<State>healthy<\/State>/g, '<State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [502]</Description>');
}

const accessKey = (authorization = '') => /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';
const readBody = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/**
 * Where a client's release is, from its own earlier calls: `preflight` before its first CreateRule,
 * `lock` from then until a CreateRule of the lock (priority 50000) succeeded (that one included, and
 * the waiter's reads between attempts), `before-flip` until moto accepted
 * its first ModifyListener or ModifyRule (that write itself is `flip`), then `window`, and `rollback`
 * from its next write on.
 */
function phaseOf(history, action) {
  const write = action === 'ModifyListener' || action === 'ModifyRule';
  if (!history.some((c) => c.action === 'CreateRule')) return action === 'CreateRule' ? 'lock' : 'preflight';
  if (!history.some((c) => c.action === 'CreateRule' && c.params.get('Priority') === '50000' && c.upstream === 200)) return 'lock';
  const applied = history.findIndex((c) => (c.action === 'ModifyListener' || c.action === 'ModifyRule') && c.upstream === 200);
  if (applied < 0) return write ? 'flip' : 'before-flip';
  const later = history.slice(applied + 1).some((c) => c.action === 'ModifyListener' || c.action === 'ModifyRule');
  return write || later ? 'rollback' : 'window';
}

/**
 * Starts the proxy in front of `upstream` (moto's endpoint). `env(key)` is what a run needs to go
 * through it as client `key`. `rule({ match, hold, answer, rewrite, after, times })` adds a rule:
 * `match(call)` picks calls (`call.action`, `.params`, `.client`, `.phase`, `.nth` = this client's
 * how-many-th call of that action); `hold` ms before anything else; `answer` an AWS error code to answer
 * instead of forwarding (`{ code, applied: true }` forwards first, then answers the error); `rewrite(xml)`
 * changes moto's answer; `after(call)` runs once moto answered, before the client sees it; `times` how
 * many calls the rule acts on (all when unset). Calls are recorded with `at` (arrival), `landed` (when
 * forwarded to moto, or undefined when not), `attempt` (the SDK's retry count, 1 first), `upstream`
 * (moto's status) and `status` (the client's).
 */
export async function startAwsProxy(upstream) {
  const target = new URL(upstream);
  /** @type {any[]} */
  const calls = [];
  let rules = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`test proxy: ${error}`);
    });
  });
  const handle = async (req, res) => {
    const body = await readBody(req);
    const params = new URLSearchParams(body.toString());
    const client = accessKey(req.headers.authorization);
    const action = params.get('Action') ?? '';
    const history = calls.filter((c) => c.client === client);
    // The SDK numbers the attempts of one call (`amz-sdk-request: attempt=2; max=5`): a retry is no new decision.
    const attempt = Number(/attempt=(\d+)/.exec(req.headers['amz-sdk-request'] ?? '')?.[1] ?? 1);
    const call = { action, params, client, attempt, phase: phaseOf(history, action), nth: history.filter((c) => c.action === action).length + 1, at: performance.now(), landed: undefined, upstream: 0, status: 0, answer: '' };
    calls.push(call);
    let gone = false;
    res.on('close', () => (gone = !res.writableFinished));
    const acting = rules.filter((r) => r.acted < r.times && r.match(call));
    for (const r of acting) r.acted++;
    for (const r of acting) if (r.hold) await sleep(r.hold);
    // A client that gave up while its request was held never had it delivered.
    if (gone) return;
    const refusal = acting.find((r) => r.answer);
    let reply;
    if (!refusal || refusal.answer.applied) {
      call.landed = performance.now();
      reply = await forward(target, req, body);
      call.upstream = reply.status;
      for (const r of acting) if (r.rewrite) reply.body = Buffer.from(r.rewrite(reply.body.toString(), call));
      for (const r of acting) if (r.after) await r.after(call);
    }
    if (refusal) reply = errorAnswer(refusal.answer.code ?? refusal.answer);
    call.status = reply.status;
    call.answer = reply.body.toString();
    res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length });
    res.end(reply.body);
  };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  return {
    endpoint,
    calls,
    /** Environment for a run that reaches moto through the proxy, signing as client `key`. */
    env: (key) => ({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'testing', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }),
    rule(spec) {
      const r = { match: () => true, ...spec, times: spec.times ?? Infinity, acted: 0 };
      rules.push(r);
      return { remove: () => (rules = rules.filter((x) => x !== r)), acted: () => r.acted };
    },
    /** This client's calls of these actions. */
    of: (client, ...actions) => calls.filter((c) => c.client === client && (!actions.length || actions.includes(c.action))),
    clear() {
      calls.length = 0;
      rules = [];
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

function forward(target, req, body) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': body.length };
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      readBody(answer).then((data) => {
        const { 'content-length': _, 'transfer-encoding': __, connection: ___, ...rest } = answer.headers;
        resolve({ status: answer.statusCode ?? 0, headers: rest, body: data });
      }, reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
