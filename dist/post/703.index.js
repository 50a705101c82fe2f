export const id = 703;
export const ids = [703];
export const modules = {

/***/ 2703:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  HttpHealthSource: () => (/* binding */ HttpHealthSource)
});

// EXTERNAL MODULE: ./lib/infra/argv.js
var argv = __webpack_require__(2790);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: ./lib/infra/redirect.js
var infra_redirect = __webpack_require__(8296);
;// CONCATENATED MODULE: ./lib/probes/probe.js
// HTTP probes (smoke tests and `http` health checks) send smoke-headers, often secrets. Redirects are
// never followed, not even to the same origin: a probe judges the URL it was given, a 3xx is an answer
// like any other (a smoke test may expect 301), and a redirect to another origin can never carry the
// headers there. Following without the headers instead would judge a page the user did not name, so an
// unexpected redirect fails the probe and its detail says where it pointed.




/** A body larger than this is cut before `expect-body` is matched; probes check health, not payloads. */
const MAX_BODY_BYTES = 1 << 20;
/**
 * One request, judged against the probe's expectations. Every probe opens a fresh connection
 * (no keep-alive pool), so a sample after a flip never rides a connection made before it.
 */
async function runProbe(probe, vars, timeoutMs, signal) {
    const started = performance.now();
    try {
        const url = new URL((0,argv/* fillUrl */.T9)(probe.url, vars));
        const { status, body, location } = await send(url, probe, timeoutMs, signal);
        const latencyMs = Math.round(performance.now() - started);
        const statusOk = probe.expectStatus.length ? probe.expectStatus.includes(status) : status >= 200 && status < 300;
        if (!statusOk) {
            const expected = probe.expectStatus.length ? probe.expectStatus.join(' or ') : '2xx';
            const target = (0,infra_redirect/* redirectTarget */.E)(status, location, url);
            const redirect = target ? ` redirecting to ${(0,infra_redirect/* shownUrl */.z)(target)} (probes do not follow redirects)` : '';
            return { ok: false, status, latencyMs, detail: `expected ${expected}, got ${status}${redirect}` };
        }
        if (probe.expectBody && !probe.expectBody.test(body)) {
            return { ok: false, status, latencyMs, detail: `${status}, but the body does not match /${probe.expectBody.source}/` };
        }
        if (probe.maxLatencyMs !== undefined && latencyMs > probe.maxLatencyMs) {
            return { ok: false, status, latencyMs, detail: `${status} in ${latencyMs}ms, above max-latency ${probe.maxLatencyMs}ms` };
        }
        return { ok: true, status, latencyMs, detail: `${status} in ${latencyMs}ms` };
    }
    catch (error) {
        const latencyMs = Math.round(performance.now() - started);
        return { ok: false, latencyMs, detail: describeError(error, timeoutMs) };
    }
}
function send(url, probe, timeoutMs, signal) {
    const request = url.protocol === 'https:' ? external_node_https_.request : external_node_http_.request;
    return new Promise((resolve, reject) => {
        const req = request(url, { method: probe.method, headers: { 'user-agent': 'blue-green-action', ...probe.headers }, agent: false, timeout: timeoutMs, signal }, (res) => {
            const chunks = [];
            let size = 0;
            res.on('data', (chunk) => {
                if (size < MAX_BODY_BYTES)
                    chunks.push(chunk);
                size += chunk.length;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location }));
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        req.end(probe.body);
    });
}
function describeError(error, timeoutMs) {
    const code = error.code;
    if (code === 'ETIMEDOUT')
        return `no answer within ${timeoutMs}ms`;
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (code === 'ECONNRESET')
        return 'connection reset';
    if (code === 'ENOTFOUND')
        return 'host not found';
    if (error.name === 'AbortError')
        return 'cancelled';
    return error.message || String(error);
}

;// CONCATENATED MODULE: ./lib/health/http/source.js


/**
 * An HTTP health check judges the service itself, so any unexpected answer, including no answer, is a
 * `fail`. (`error` is for sources that observe the service from outside, like a metrics server.)
 */
class HttpHealthSource {
    probe;
    vars;
    timeoutMs;
    name;
    info;
    constructor(probe, vars, timeoutMs) {
        this.probe = probe;
        this.vars = vars;
        this.timeoutMs = timeoutMs;
        this.name = (0,argv/* fillTemplate */.ou)(probe.name, vars);
        this.info = { unit: 'latency ms', max: probe.maxLatencyMs };
    }
    async sample(signal) {
        const result = await runProbe(this.probe, this.vars, this.timeoutMs, signal);
        return { status: result.ok ? 'pass' : 'fail', value: result.latencyMs, detail: result.detail };
    }
}


/***/ }),

/***/ 8296:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ redirectTarget),
/* harmony export */   z: () => (/* binding */ shownUrl)
/* harmony export */ });
/** HTTP statuses that send the client elsewhere (RFC 9110 §15.4); 300 and 304 do not. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Where a redirect answer points, resolved against the URL asked; undefined when it is no redirect. */
function redirectTarget(status, location, asked) {
    if (!REDIRECTS.has(status) || !location)
        return undefined;
    try {
        return new URL(location, asked);
    }
    catch {
        return undefined;
    }
}
/**
 * A URL as messages may show it: origin and path only. A Location is written by the server and may carry
 * `user:password@` or a token in its query, so neither is ever printed.
 */
function shownUrl(url) {
    return url.origin === 'null' ? `${url.protocol}…` : `${url.origin}${url.pathname}`;
}


/***/ })

};
