export const id = 480;
export const ids = [480];
export const modules = {

/***/ 3480:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AuthError: () => (/* binding */ AuthError),
/* harmony export */   BadQueryError: () => (/* binding */ BadQueryError),
/* harmony export */   PrometheusClient: () => (/* binding */ PrometheusClient),
/* harmony export */   seriesName: () => (/* binding */ seriesName)
/* harmony export */ });
/* harmony import */ var _infra_redirect_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8296);

/** A query Prometheus refused as malformed: a bad input, not a failed measurement. */
class BadQueryError extends Error {
    name = 'BadQueryError';
}
/** Prometheus (or a proxy before it) refused the credentials. */
class AuthError extends Error {
    name = 'AuthError';
}
/** Same-origin redirects (a proxy adding a path prefix or a slash) are followed this many times at most. */
const MAX_REDIRECTS = 3;
/**
 * Talks to the Prometheus HTTP API (`/api/v1/query`). TLS is verified: fetch refuses bad certificates.
 * Redirects are followed by hand: fetch would follow one to any origin and take prometheus-headers
 * (custom ones such as X-API-Key included) with it, so only the origin of prometheus-url is ever asked.
 */
class PrometheusClient {
    baseUrl;
    headers;
    timeoutMs;
    constructor(baseUrl, headers, timeoutMs) {
        this.baseUrl = baseUrl;
        this.headers = headers;
        this.timeoutMs = timeoutMs;
    }
    async query(promql, signal) {
        const url = new URL(`${this.baseUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
        const timeout = AbortSignal.timeout(this.timeoutMs);
        const response = await this.get(url, timeout, signal ? AbortSignal.any([signal, timeout]) : timeout);
        const text = await response.text();
        if (response.status === 401 || response.status === 403) {
            throw new AuthError(`Prometheus at ${this.baseUrl} answered ${response.status} ${response.statusText || ''}`.trim() +
                ': the credentials were refused (set them in prometheus-headers, e.g. "Authorization: Bearer <token>", or as user:password@ in prometheus-url)');
        }
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            throw new Error(`Prometheus answered ${response.status} with a body that is not its API's JSON: ${text.slice(0, 120)}`);
        }
        if (body.status !== 'success' || !body.data) {
            const message = `Prometheus answered ${response.status}: ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 200)}`;
            if (body.errorType === 'bad_data')
                throw new BadQueryError(message);
            throw new Error(message);
        }
        return toSeries(body.data.resultType, body.data.result);
    }
    /** GET with the headers, following a redirect only within the origin of prometheus-url. */
    async get(url, timeout, signal) {
        for (let hops = 0;; hops++) {
            let response;
            try {
                response = await fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal, redirect: 'manual' });
            }
            catch (error) {
                const cause = error.cause;
                if (timeout.aborted)
                    throw new Error(`Prometheus did not answer within ${this.timeoutMs}ms`);
                throw new Error(`Prometheus unreachable at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? error.message}`);
            }
            const next = (0,_infra_redirect_js__WEBPACK_IMPORTED_MODULE_0__/* .redirectTarget */ .E)(response.status, response.headers.get('location'), url);
            if (!next)
                return response;
            await response.body?.cancel();
            if (next.origin !== url.origin) {
                throw new Error(`Prometheus at prometheus-url ${this.baseUrl} redirected to another origin, ${(0,_infra_redirect_js__WEBPACK_IMPORTED_MODULE_0__/* .shownUrl */ .z)(next)}; not followed, as prometheus-headers go only to prometheus-url's origin (set prometheus-url to where Prometheus answers)`);
            }
            if (hops === MAX_REDIRECTS)
                throw new Error(`Prometheus at prometheus-url ${this.baseUrl} redirected more than ${MAX_REDIRECTS} times (last to ${(0,_infra_redirect_js__WEBPACK_IMPORTED_MODULE_0__/* .shownUrl */ .z)(next)})`);
            url = next;
        }
    }
}
function toSeries(type, result) {
    if (type === 'scalar')
        return [{ labels: {}, value: Number(result[1]) }];
    if (type === 'vector') {
        return result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
    }
    throw new Error(`the query returns a ${type}; health checks need an instant vector or a scalar`);
}
/** `{color="green",status="503"}`, or `scalar` for a scalar result. */
function seriesName(series) {
    const labels = Object.entries(series.labels).filter(([key]) => key !== '__name__');
    return labels.length ? `{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}` : 'scalar';
}


/***/ })

};
