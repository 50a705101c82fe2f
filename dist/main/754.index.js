export const id = 754;
export const ids = [754,480];
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


/***/ }),

/***/ 6754:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PrometheusHealthSource: () => (/* binding */ PrometheusHealthSource)
/* harmony export */ });
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3480);
/* harmony import */ var _promql_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);


/**
 * A `prometheus` health check. Every series of the result is judged; the sample's value is the worst
 * one, and its detail names the offending series. With `baseline`, the same query for the previous
 * color just before the flip sets a reference that `max-increase` / `max-ratio` judge against.
 */
class PrometheusHealthSource {
    check;
    client;
    vars;
    now;
    name;
    requiresData;
    baselineValue;
    /** When traffic first moved to the new color (clock time); until then `{since-flip}` is its floor. */
    flippedAt;
    constructor(check, client, vars, now = Date.now) {
        this.check = check;
        this.client = client;
        this.vars = vars;
        this.now = now;
        this.name = check.name;
        this.requiresData = check.onNoData === 'wait';
    }
    /** The fixed thresholds, and once the baseline is known, the limit derived from it. */
    get info() {
        return { unit: 'value', max: this.check.max, min: this.check.min, limit: this.limit() };
    }
    /**
     * Asks Prometheus once, before anything is touched: a query it cannot parse, an unreachable server or
     * refused credentials would only be found after the flip, so each is a bad input now.
     */
    async validate(signal) {
        try {
            await this.client.query(this.query(this.vars.color), signal);
            return undefined;
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            if (error instanceof _client_js__WEBPACK_IMPORTED_MODULE_0__.BadQueryError)
                return `Input 'health-checks': the query of check "${this.name}" was refused by Prometheus (${error.message}).`;
            const input = error instanceof _client_js__WEBPACK_IMPORTED_MODULE_0__.AuthError ? 'prometheus-headers' : 'prometheus-url';
            return `Input '${input}': check "${this.name}" cannot query Prometheus: ${error.message}.`;
        }
    }
    async beforeFlip(signal) {
        if (!this.check.baseline || !this.vars.previous)
            return undefined;
        const values = (await this.client.query(this.query(this.vars.previous), signal)).map((s) => s.value).filter((v) => !Number.isNaN(v));
        this.baselineValue = values.length ? Math.max(...values) : undefined;
        return this.baselineValue === undefined
            ? `${this.name}: the previous color (${this.vars.previous}) had no data, so only the fixed thresholds apply.`
            : `${this.name}: baseline from ${this.vars.previous} is ${format(this.baselineValue)}; limit ${format(this.limit())}.`;
    }
    async sample(signal) {
        if (this.warmingUp()) {
            // Any range this early would reach back before the flip: wait, neutrally, for two scrapes.
            return { status: 'no-data', detail: `waiting for two scrapes since the flip ({since-flip} is at least ${this.check.scrapeIntervalMs / 500}s)` };
        }
        const series = (await this.client.query(this.query(this.vars.color), signal)).filter((s) => !Number.isNaN(s.value));
        if (series.length === 0) {
            const detail = `no data (on-no-data: ${this.check.onNoData})`;
            return { status: this.check.onNoData === 'wait' ? 'no-data' : this.check.onNoData, detail };
        }
        const judged = series.map((s) => ({ series: s, breach: this.breach(s.value) }));
        const worst = judged.find((j) => j.breach) ?? judged.reduce((a, b) => (this.badness(b.series) > this.badness(a.series) ? b : a));
        const where = series.length > 1 || Object.keys(worst.series.labels).length ? ` for ${(0,_client_js__WEBPACK_IMPORTED_MODULE_0__.seriesName)(worst.series)}` : '';
        if (worst.breach)
            return { status: 'fail', value: worst.series.value, detail: `${format(worst.series.value)} ${worst.breach}${where}` };
        return { status: 'pass', value: worst.series.value, detail: `${format(worst.series.value)}${where}` };
    }
    trafficMoved(at) {
        this.flippedAt ??= at;
    }
    /** Only the exact tokens: PromQL itself is full of braces. */
    query(color) {
        return (0,_promql_js__WEBPACK_IMPORTED_MODULE_1__/* .fillQuery */ .g)(this.check.query, { color, previous: this.vars.previous, version: this.vars.version, 'since-flip': this.sinceFlip() });
    }
    /** True while a `{since-flip}` range could not yet start at the flip (less than two scrapes since). */
    warmingUp() {
        if (this.flippedAt === undefined || !this.check.query.includes('{since-flip}'))
            return false;
        return this.now() - this.flippedAt < 2 * this.check.scrapeIntervalMs;
    }
    /** Whole seconds since the flip, never below two scrape intervals (a rate needs two samples). */
    sinceFlip() {
        const floor = 2 * this.check.scrapeIntervalMs;
        const elapsed = this.flippedAt === undefined ? 0 : this.now() - this.flippedAt;
        return `${Math.ceil(Math.max(floor, elapsed) / 1000)}s`;
    }
    /** The most lenient of the relative bounds, so max-increase gives a floor when the baseline is ~0. */
    limit() {
        if (this.baselineValue === undefined)
            return undefined;
        const bounds = [];
        if (this.check.maxIncrease !== undefined)
            bounds.push(this.baselineValue + this.check.maxIncrease);
        if (this.check.maxRatio !== undefined)
            bounds.push(this.baselineValue * this.check.maxRatio);
        return bounds.length ? Math.max(...bounds) : undefined;
    }
    breach(value) {
        const { max, min } = this.check;
        if (max !== undefined && value > max)
            return `> max ${format(max)}`;
        if (min !== undefined && value < min)
            return `< min ${format(min)}`;
        const limit = this.limit();
        if (limit !== undefined && value > limit)
            return `> ${format(limit)}, the limit from the previous color's baseline ${format(this.baselineValue)}`;
        return undefined;
    }
    /** How close a passing series is to breaching, to show the most telling one. */
    badness(series) {
        return this.check.max === undefined && this.check.min !== undefined ? -series.value : series.value;
    }
}
function format(value) {
    return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}


/***/ })

};
