export const id = 452;
export const ids = [452];
export const modules = {

/***/ 5452:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CommandRouter: () => (/* binding */ CommandRouter)
/* harmony export */ });
/* unused harmony export parseRoute */
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2790);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1191);
/* harmony import */ var _compare_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9369);



/** User commands are expected to be quick API calls; a minute means something is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;
/**
 * Any router the user can drive from the command line. `router-get-command` prints the live color
 * (nothing before the first release) or weights as `blue=90 green=10`; `router-set-command` receives
 * `{color}` and `{weight}` (the percent for that color).
 */
class CommandRouter {
    settings;
    colors;
    description = 'command router';
    constructor(settings, colors) {
        this.settings = settings;
        this.colors = colors;
    }
    async read() {
        const { stdout } = await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_1__/* .execOrThrow */ .Vt)(this.settings.get, 'router-get-command failed', { timeoutMs: COMMAND_TIMEOUT_MS });
        return parseRoute(stdout.trim(), this.colors);
    }
    async flip(to, expected) {
        await this.set(to, 100, expected);
        const after = await this.read();
        if (after.active !== to || (after.weights && after.weights[to] !== 100)) {
            throw new Error(`router-get-command prints "${(0,_compare_js__WEBPACK_IMPORTED_MODULE_2__/* .describeRoute */ .fx)(after)}" after the flip to ${to}.`);
        }
    }
    async setWeights(to, percent, expected) {
        await this.set(to, percent, expected);
        const after = await this.read();
        if ((after.weights?.[to] ?? (after.active === to ? 100 : 0)) !== percent) {
            throw new Error(`router-get-command prints "${(0,_compare_js__WEBPACK_IMPORTED_MODULE_2__/* .describeRoute */ .fx)(after)}" after sending ${percent}% to ${to}.`);
        }
    }
    async set(to, percent, expected) {
        (0,_compare_js__WEBPACK_IMPORTED_MODULE_2__/* .assertExpected */ .FV)(this.description, await this.read(), expected);
        const argv = (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_0__/* .fillArgv */ .AS)(this.settings.set, { color: to, weight: String(percent) });
        await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_1__/* .execOrThrow */ .Vt)(argv, `router-set-command failed to send ${percent}% to ${to}`, { timeoutMs: COMMAND_TIMEOUT_MS });
    }
}
function parseRoute(text, colors) {
    if (!text)
        return {};
    if (colors.includes(text))
        return { active: text };
    const pairs = text.split(/[\s,]+/).map((pair) => pair.split('='));
    const weights = {};
    for (const [color, value] of pairs) {
        if (!colors.includes(color) || !/^\d+$/.test(value ?? '')) {
            throw new Error(`router-get-command printed "${text}"; expected one of ${colors.join(', ')}, weights like "${colors[0]}=90 ${colors[1]}=10", or nothing before the first release.`);
        }
        weights[color] = Number(value);
    }
    const [top] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
    if (top[1] === 100)
        return { active: top[0] };
    return { active: top[0], weights };
}


/***/ })

};
