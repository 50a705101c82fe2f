export const id = 452;
export const ids = [452];
export const modules = {

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


/***/ }),

/***/ 4883:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ acquireFileLock)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);



const POLL_MS = 250;
/** A holder writes its details right after creating the file; an unreadable file older than this is debris. */
const UNREADABLE_GRACE_MS = 5000;
/** Breaking a stale lock takes milliseconds; a breaker file older than this was left by a dead process. */
const BREAKER_STALE_MS = 10_000;
/**
 * An exclusive lock file created with O_EXCL, so two releases never interleave on one router.
 * A lock left by a dead process on this host, or by an earlier step of the same job, is taken over
 * safely: under a second O_EXCL file, and only if the lock still holds the very holder judged stale,
 * so two waiters that both saw it stale can never remove a lock the other just took. The fence is the
 * file itself: a write is allowed while the lock file still holds exactly what this run wrote there.
 */
async function acquireFileLock(path, owner, timeoutMs, clock, onWait, signal) {
    const deadline = clock.now() + timeoutMs;
    const mine = { ...owner, host: (0,node_os__WEBPACK_IMPORTED_MODULE_1__.hostname)(), since: new Date(clock.now()).toISOString(), started: await processStart(owner.pid) };
    let announced = false;
    for (;;) {
        signal?.throwIfAborted();
        const holder = await tryCreate(path, mine);
        if (!holder)
            return releaser(path, mine);
        if ((await isStale(holder.holder, mine)) && (await breakStale(path, holder.text)))
            continue;
        const who = describeHolder(holder.holder);
        if (clock.now() >= deadline) {
            throw new Error(`Another release holds the router lock ${path} (${who}); waited ${Math.round(timeoutMs / 1000)}s (lock-timeout). ` +
                'Serialize releases of one router with a workflow `concurrency:` group, or remove the file if that job is gone.');
        }
        // A placeholder (pid -1: a lock file not yet readable) names nobody; say who waits on once known.
        if (!announced && holder.holder.pid !== -1) {
            onWait(`Waiting for the router lock ${path}, held by ${who}`);
            announced = true;
        }
        await clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - clock.now())), signal);
    }
}
function describeHolder(holder) {
    return `${holder.job}, pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
}
/** Held while the file still holds this run's record; removed only while it is still ours. */
function releaser(path, mine) {
    const text = JSON.stringify(mine);
    const now = () => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path, 'utf8').catch(() => undefined);
    return {
        lost: async () => {
            const found = await now();
            if (found === text)
                return undefined;
            if (found === undefined)
                return `the lock file ${path} was removed by someone else`;
            let who = 'another holder';
            try {
                who = describeHolder(JSON.parse(found));
            }
            catch {
                /* an unreadable record is still not ours */
            }
            return `the lock file ${path} now names ${who}`;
        },
        release: async () => {
            if ((await now()) === text)
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.unlink)(path).catch(() => undefined);
        },
    };
}
/**
 * Creates the lock with its content in one step: the holder is written to a private file first, then
 * hard-linked to the lock's name, which fails if the name exists (as O_EXCL would). A waiter thus never
 * reads a lock that exists but is still empty.
 */
async function tryCreate(path, mine) {
    const draft = `${path}.${process.pid}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}`;
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.writeFile)(draft, JSON.stringify(mine), { mode: 0o600, flag: 'wx' });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.link)(draft, path);
        return undefined;
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw new Error(`Could not create the router lock ${path}: ${error.message}`);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.unlink)(draft).catch(() => undefined);
    }
    const text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path, 'utf8').catch(() => '');
    try {
        const holder = JSON.parse(text);
        if (typeof holder.job === 'string' && typeof holder.pid === 'number')
            return { holder, text };
    }
    catch {
        /* judged below */
    }
    // Just created and not yet written (held), or left half-written by a process that died (stale).
    const age = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
    return { holder: { job: 'an unreadable lock', pid: age < UNREADABLE_GRACE_MS ? -1 : 0, host: (0,node_os__WEBPACK_IMPORTED_MODULE_1__.hostname)(), since: '?' }, text };
}
/** Stale: left by this same job, or by a process of this host that is gone (or whose pid was reused). */
async function isStale(holder, mine) {
    if (holder.host !== mine.host)
        return false;
    if (holder.job === mine.job)
        return true;
    if (holder.pid === -1)
        return false;
    if (!holder.pid)
        return true;
    try {
        process.kill(holder.pid, 0);
    }
    catch (error) {
        return error.code === 'ESRCH';
    }
    return holder.started !== undefined && (await processStart(holder.pid)) !== holder.started;
}
/** True when the stale lock was removed (or is already gone); false when someone else is breaking it. */
async function breakStale(path, staleText) {
    const breaker = `${path}.break`;
    let handle;
    try {
        handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.open)(breaker, 'wx', 0o600);
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            return false;
        const age = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(breaker).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > BREAKER_STALE_MS)
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.unlink)(breaker).catch(() => undefined);
        return false;
    }
    try {
        const now = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path, 'utf8').catch(() => undefined);
        if (now === staleText)
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.unlink)(path).catch(() => undefined);
        return true;
    }
    finally {
        await handle.close();
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.unlink)(breaker).catch(() => undefined);
    }
}
/** The process's start time in clock ticks since boot, where /proc tells it. */
async function processStart(pid) {
    try {
        const fields = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(`/proc/${pid}/stat`, 'utf8')).split(') ').at(-1).split(' ');
        return fields[19];
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 5452:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CommandRouter: () => (/* binding */ CommandRouter)
/* harmony export */ });
/* unused harmony export parseRoute */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(2790);
/* harmony import */ var _infra_lock_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4883);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(817);
/* harmony import */ var _compare_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9369);







/** User commands are expected to be quick API calls; a minute means something is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;
/**
 * Any router the user can drive from the command line. `router-get-command` prints the live color
 * (nothing before the first release) or weights as `blue=90 green=10`; `router-set-command` receives
 * `{color}` and `{weight}` (the percent for that color).
 *
 * Exclusion: the action cannot see inside the user's router, so the lock is a file in this machine's
 * temp folder, named after the two commands. It keeps apart jobs on one machine (self-hosted runners
 * sharing a host); jobs on different machines must be kept apart with a workflow `concurrency:` group.
 */
class CommandRouter {
    settings;
    deps;
    description = 'command router';
    constructor(settings, deps) {
        this.settings = settings;
        this.deps = deps;
    }
    async read(signal) {
        const { stdout } = await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_4__/* .execOrThrow */ .Vt)(this.settings.get, 'router-get-command failed', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
        return parseRoute(stdout.trim(), this.deps.colors);
    }
    lock(signal) {
        const { owner, lockTimeoutMs, clock, log } = this.deps;
        const id = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(JSON.stringify([this.settings.get, this.settings.set])).digest('hex').slice(0, 16);
        return (0,_infra_lock_js__WEBPACK_IMPORTED_MODULE_3__/* .acquireFileLock */ .A)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), `blue-green-command-${id}.lock`), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
    }
    async flip(to, expected, signal) {
        await this.set(to, 100, expected, signal);
        const after = await this.read(signal);
        if (after.active !== to || (after.weights && after.weights[to] !== 100)) {
            throw new Error(`router-get-command prints "${(0,_compare_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRoute */ .fx)(after)}" after the flip to ${to}.`);
        }
    }
    async setWeights(to, percent, expected, signal) {
        await this.set(to, percent, expected, signal);
        const after = await this.read(signal);
        if ((after.weights?.[to] ?? (after.active === to ? 100 : 0)) !== percent) {
            throw new Error(`router-get-command prints "${(0,_compare_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRoute */ .fx)(after)}" after sending ${percent}% to ${to}.`);
        }
    }
    async set(to, percent, expected, signal) {
        (0,_compare_js__WEBPACK_IMPORTED_MODULE_5__/* .assertExpected */ .FV)(this.description, await this.read(signal), expected);
        const argv = (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_6__/* .fillArgv */ .AS)(this.settings.set, { color: to, weight: String(percent) });
        await this.deps.fence.check(`router-set-command for ${percent}% to ${to}`);
        await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_4__/* .execOrThrow */ .Vt)(argv, `router-set-command failed to send ${percent}% to ${to}`, { timeoutMs: COMMAND_TIMEOUT_MS, signal });
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
