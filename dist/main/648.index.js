export const id = 648;
export const ids = [648];
export const modules = {

/***/ 1648:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CommandDeployer: () => (/* binding */ CommandDeployer)
/* harmony export */ });
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2790);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(817);


/** Runs `deploy-command` for the idle color, without a shell, bounded by `ready-timeout`. */
class CommandDeployer {
    argv;
    version;
    timeoutMs;
    log;
    fence;
    description;
    constructor(argv, version, timeoutMs, log, fence) {
        this.argv = argv;
        this.version = version;
        this.timeoutMs = timeoutMs;
        this.log = log;
        this.fence = fence;
        this.description = `deploy-command \`${argv.join(' ')}\``;
    }
    async deploy(target, active, signal) {
        const argv = (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_1__/* .fillArgv */ .AS)(this.argv, { color: target, version: this.version });
        const env = { BG_COLOR: target, BG_ACTIVE_COLOR: active ?? '', BG_VERSION: this.version };
        await this.fence.check(`deploy-command for ${target}`);
        const result = await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_0__/* .exec */ .m0)(argv, { env, timeoutMs: this.timeoutMs, signal, onLine: (line) => this.log.info(line) });
        if (result.aborted)
            throw signal?.reason ?? new Error('deploy-command was stopped: the run was cancelled');
        if (result.timedOut)
            throw new Error(`deploy-command did not finish within ready-timeout (${this.timeoutMs}ms) and was stopped`);
        if (result.code !== 0) {
            throw new Error(`deploy-command exited with ${result.code ?? 'a signal'} for ${target}: ${(0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_0__/* .tail */ .RT)(result.stderr || result.stdout, 3)}`);
        }
        if (result.leftRunning) {
            this.log.info('deploy-command exited and left processes running (it started them in the background); they keep running, and their output is not shown here.');
        }
    }
}


/***/ }),

/***/ 817:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RT: () => (/* binding */ tail),
/* harmony export */   Vt: () => (/* binding */ execOrThrow),
/* harmony export */   m0: () => (/* binding */ exec)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);

/** How long a command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;
/**
 * Runs argv directly (never through a shell) and collects its output. Resolves when the process exits,
 * not when its output closes: a command that starts a background process and exits is done, and the
 * result says it left processes running. A signal that is already aborted runs nothing.
 */
function exec(argv, options = {}) {
    if (options.signal?.aborted)
        return Promise.resolve({ code: null, stdout: '', stderr: '', timedOut: false, aborted: true, leftRunning: false });
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(argv[0], argv.slice(1), {
            shell: false,
            // A process group of its own, so a timeout or a cancel also stops what a deploy script started.
            detached: true,
            env: { ...process.env, ...options.env },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out = [];
        const err = [];
        let timedOut = false;
        let aborted = false;
        const stop = () => {
            signalGroup(child.pid, 'SIGTERM');
            setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
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
        const closed = Promise.all([pipeLines(child.stdout, out, (line) => options.onLine?.(line, 'stdout')), pipeLines(child.stderr, err, (line) => options.onLine?.(line, 'stderr'))]);
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input ?? '');
        child.on('error', (error) => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            const hint = error.code === 'ENOENT' ? `command not found: ${argv[0]}` : error.message;
            reject(new Error(hint));
        });
        child.on('exit', async (code) => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            // Output written just before the exit is still in the pipes: give it a moment to arrive.
            const drained = await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), DRAIN_MS))]);
            const leftRunning = groupAlive(child.pid);
            if (!drained) {
                // A process it left behind holds the pipes open; stop reading them so we do not wait for it.
                child.stdout.destroy();
                child.stderr.destroy();
            }
            resolve({ code, stdout: out.join(''), stderr: err.join(''), timedOut, aborted, leftRunning });
        });
    });
}
/** How long output may keep arriving after the process exited. */
const DRAIN_MS = 200;
function signalGroup(pid, signal) {
    try {
        if (pid)
            process.kill(-pid, signal);
    }
    catch {
        /* already gone */
    }
}
function groupAlive(pid) {
    try {
        if (pid)
            process.kill(-pid, 0);
        return Boolean(pid);
    }
    catch {
        return false;
    }
}
/** Collects a stream and hands on each line; resolves when it ends. */
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
    return new Promise((resolve) => {
        stream.on('end', () => {
            if (pending)
                onLine(pending);
            resolve();
        });
        stream.on('close', () => resolve());
    });
}
/** The last lines of a command's output, for error messages. */
function tail(text, lines = 5) {
    return text.trim().split('\n').slice(-lines).join('\n');
}
/** Runs a command and throws with its output when it exits non-zero. */
async function execOrThrow(argv, what, options = {}) {
    const result = await exec(argv, options);
    if (result.aborted)
        throw options.signal?.reason ?? new Error(`${what}: cancelled`);
    if (result.code !== 0) {
        const why = result.timedOut ? `timed out after ${options.timeoutMs}ms` : `exited with ${result.code ?? 'a signal'}`;
        const output = tail(result.stderr || result.stdout);
        throw new Error(`${what}: \`${argv.join(' ')}\` ${why}${output ? `: ${output}` : ''}`);
    }
    return result;
}


/***/ })

};
