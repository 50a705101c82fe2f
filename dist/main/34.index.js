export const id = 34;
export const ids = [34];
export const modules = {

/***/ 3034:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HttpHealthSource: () => (/* binding */ HttpHealthSource)
/* harmony export */ });
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2790);
/* harmony import */ var _probes_probe_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(377);


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
        this.name = (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_1__/* .fillTemplate */ .ou)(probe.name, vars);
        this.info = { unit: 'latency ms', max: probe.maxLatencyMs };
    }
    async sample(signal) {
        const result = await (0,_probes_probe_js__WEBPACK_IMPORTED_MODULE_0__/* .runProbe */ .m)(this.probe, this.vars, this.timeoutMs, signal);
        return { status: result.ok ? 'pass' : 'fail', value: result.latencyMs, detail: result.detail };
    }
}


/***/ })

};
