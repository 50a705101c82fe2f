export const id = 452;
export const ids = [452];
export const modules = {

/***/ 817:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vt: () => (/* binding */ execOrThrow)
/* harmony export */ });
/* unused harmony exports exec, tail */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);

/** How long a command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;
/** Runs argv directly (never through a shell) and collects its output. */
function exec(argv, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(argv[0], argv.slice(1), {
            shell: false,
            // A process group of its own, so a timeout also stops what a deploy script started.
            detached: true,
            env: { ...process.env, ...options.env },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out = [];
        const err = [];
        let timedOut = false;
        let aborted = false;
        const stop = () => {
            try {
                process.kill(-child.pid, 'SIGTERM');
            }
            catch {
                /* already gone */
            }
            setTimeout(() => {
                try {
                    process.kill(-child.pid, 'SIGKILL');
                }
                catch {
                    /* already gone */
                }
            }, KILL_GRACE_MS).unref();
        };
        const timer = options.timeoutMs
            ? setTimeout(() => {
                timedOut = true;
                stop();
            }, options.timeoutMs)
            : undefined;
        const onAbort = () => {
            aborted = true;
            stop();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        pipeLines(child.stdout, out, (line) => options.onLine?.(line, 'stdout'));
        pipeLines(child.stderr, err, (line) => options.onLine?.(line, 'stderr'));
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input ?? '');
        child.on('error', (error) => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            const hint = error.code === 'ENOENT' ? `command not found: ${argv[0]}` : error.message;
            reject(new Error(hint));
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            resolve({ code, stdout: out.join(''), stderr: err.join(''), timedOut, aborted });
        });
    });
}
function pipeLines(stream, sink, onLine) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
        sink.push(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            onLine(line);
    });
    stream.on('end', () => {
        if (pending)
            onLine(pending);
    });
}
/** The last lines of a command's output, for error messages. */
function tail(text, lines = 5) {
    return text.trim().split('\n').slice(-lines).join('\n');
}
/** Runs a command and throws with its output when it exits non-zero. */
async function execOrThrow(argv, what, options = {}) {
    const result = await exec(argv, options);
    if (result.code !== 0) {
        const why = result.timedOut ? `timed out after ${options.timeoutMs}ms` : `exited with ${result.code ?? 'a signal'}`;
        const output = tail(result.stderr || result.stdout);
        throw new Error(`${what}: \`${argv.join(' ')}\` ${why}${output ? `: ${output}` : ''}`);
    }
    return result;
}


/***/ }),

/***/ 5452:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CommandRouter: () => (/* binding */ CommandRouter)
/* harmony export */ });
/* unused harmony export parseRoute */
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2790);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(817);
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
