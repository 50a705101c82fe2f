export const id = 473;
export const ids = [473];
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

/***/ 5085:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CS: () => (/* binding */ readWithRevision),
/* harmony export */   OR: () => (/* binding */ readIfExists),
/* harmony export */   VX: () => (/* binding */ restoreFile),
/* harmony export */   vZ: () => (/* binding */ writeAtomic)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);



/** File contents, or undefined when the file does not exist; other errors throw. */
async function readIfExists(path) {
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/**
 * File contents with a revision (inode and change time, read from the same open file): an atomic
 * rewrite always changes it, so it tells whether the file is still the one a run wrote.
 */
async function readWithRevision(path) {
    let handle;
    try {
        handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, 'r');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
    try {
        const info = await handle.stat({ bigint: true });
        return { content: await handle.readFile('utf8'), revision: `${info.ino}:${info.ctimeNs}` };
    }
    finally {
        await handle.close();
    }
}
/**
 * Write beside the target and rename over it, so a reader never sees half a file. The temporary file is
 * private while it is written, then takes the target's mode (0644 for a new file, which nginx and HAProxy
 * must be able to read).
 */
async function writeAtomic(path, content) {
    const temp = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path), `.${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(path)}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}.tmp`);
    try {
        const mode = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(path).then((info) => info.mode & 0o7777, () => 0o644);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(temp, content, { mode: 0o600, flag: 'wx' });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod)(temp, mode);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(temp, path);
    }
    catch (error) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.unlink)(temp).catch(() => undefined);
        throw error;
    }
}
/** Puts a file back as it was: rewritten, or removed when it did not exist. */
async function restoreFile(path, previous) {
    if (previous === undefined)
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.unlink)(path).catch(() => undefined);
    else
        await writeAtomic(path, previous);
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

/***/ 2473:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NginxRouter: () => (/* binding */ NginxRouter)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(817);
/* harmony import */ var _infra_files_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5085);
/* harmony import */ var _infra_lock_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4883);
/* harmony import */ var _infra_log_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(4600);
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(2790);
/* harmony import */ var _staged_file_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3001);
/* harmony import */ var _compare_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(9369);
/* harmony import */ var _workers_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(4934);











const MARKER = /^# Live color: ([a-z0-9-]+)$/m;
/** nginx test and reload commands are quick; a minute means something is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;
/** A healthy master starts new workers within milliseconds; 10s allows a busy host. */
const APPLY_TIMEOUT_MS = 10_000;
const APPLY_POLL_MS = 20;
/** Where Debian's and the official packages keep the master pid. */
const DEFAULT_PID_FILE = '/run/nginx.pid';
class NginxRouter {
    settings;
    deps;
    description;
    constructor(settings, deps) {
        this.settings = settings;
        this.deps = deps;
        this.description = `nginx include ${settings.conf}`;
    }
    async read() {
        const file = await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_4__/* .readWithRevision */ .CS)(this.settings.conf);
        if (file === undefined)
            return {};
        const { content, revision } = file;
        const marked = MARKER.exec(content)?.[1];
        const active = marked ?? this.deps.colors.find((color) => content.trim() === this.render(color, false).trim());
        if (!active || !this.deps.colors.includes(active)) {
            throw new Error(`Cannot tell the live color from ${this.settings.conf}: it is neither written by this action nor nginx-template for one of ${this.deps.colors.join(', ')}.`);
        }
        return { active, revision };
    }
    async flip(to, expected, signal) {
        const current = await this.read();
        (0,_compare_js__WEBPACK_IMPORTED_MODULE_7__/* .assertExpected */ .FV)(this.description, current, expected);
        if (current.active === to) {
            this.deps.log.info(`nginx already sends traffic to ${to}; nothing to change.`);
            return;
        }
        const previous = await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_4__/* .readIfExists */ .OR)(this.settings.conf);
        const before = await this.workers();
        await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
        await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_4__/* .writeAtomic */ .vZ)(this.settings.conf, this.render(to, true));
        let reloaded = false;
        try {
            await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_3__/* .execOrThrow */ .Vt)(this.settings.testCommand, 'nginx rejected the new configuration', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
            reloaded = true;
            await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_3__/* .execOrThrow */ .Vt)(this.settings.reloadCommand, 'nginx reload failed', { timeoutMs: COMMAND_TIMEOUT_MS, signal });
            await this.waitUntilApplied(before, signal);
        }
        catch (error) {
            await this.undo(previous, reloaded);
            if (signal?.aborted)
                throw signal.reason;
            throw new Error(`Could not flip ${this.description} from ${current.active ?? 'nothing'} to ${to}: ${(0,_infra_log_js__WEBPACK_IMPORTED_MODULE_9__/* .errorMessage */ .gJ)(error)} (the previous file was restored).`);
        }
        const after = await this.read();
        if (after.active !== to)
            throw new Error(`${this.description} reads ${after.active ?? 'nothing'} after the flip to ${to}.`);
        this.deps.log.info(`nginx: traffic moved from ${current.active ?? 'nothing'} to ${to}.`);
    }
    recordStaged(color, record) {
        return (0,_staged_file_js__WEBPACK_IMPORTED_MODULE_6__/* .writeStagedFile */ .Q)(`${this.settings.conf}.${color}.staged`, record);
    }
    readStaged(color) {
        return (0,_staged_file_js__WEBPACK_IMPORTED_MODULE_6__/* .readStagedFile */ .R)(`${this.settings.conf}.${color}.staged`);
    }
    lock(signal) {
        const { owner, lockTimeoutMs, clock, log } = this.deps;
        return (0,_infra_lock_js__WEBPACK_IMPORTED_MODULE_5__/* .acquireFileLock */ .A)(`${this.settings.conf}.lock`, owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
    }
    /** The include file must be a file (or not exist yet) in a folder that exists; a given pid file must exist. */
    async preflight() {
        const problems = [];
        const { conf, pidFile } = this.settings;
        const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(conf).catch(() => undefined);
        if (info && !info.isFile())
            problems.push(`Input 'nginx-conf': ${conf} is ${info.isDirectory() ? 'a directory' : 'not a regular file'}; expected the path of the include file the action owns.`);
        const folder = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(conf)).catch(() => undefined);
        if (!folder?.isDirectory())
            problems.push(`Input 'nginx-conf': the folder ${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(conf)} does not exist; expected the path of the include file the action owns, in an existing folder.`);
        if (pidFile && !(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(pidFile).catch(() => undefined))?.isFile()) {
            problems.push(`Input 'nginx-pid-file': ${pidFile} does not exist or is not a file; expected the pid file of the running nginx master (its \`pid\` directive).`);
        }
        return problems;
    }
    render(color, marked) {
        const body = (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_10__/* .fillTemplate */ .ou)(this.settings.template, { color });
        return marked ? `# Managed by the blue-green action; edits are overwritten.\n# Live color: ${color}\n${body}\n` : body;
    }
    pidFile() {
        if (this.settings.pidFile)
            return this.settings.pidFile;
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(DEFAULT_PID_FILE) ? DEFAULT_PID_FILE : undefined;
    }
    async workers() {
        const pidFile = this.pidFile();
        const snapshot = pidFile ? await (0,_workers_js__WEBPACK_IMPORTED_MODULE_8__/* .snapshotWorkers */ .q)(pidFile) : undefined;
        // No accepting worker (nginx not running, or a foreign pid file): nothing to confirm against.
        return snapshot?.accepting.size ? snapshot : undefined;
    }
    async waitUntilApplied(before, signal) {
        if (!before) {
            this.deps.log.warning('Cannot see the nginx master and its workers (set nginx-pid-file when nginx runs on this host), so the reload is assumed applied once the command returns.', 'nginx reload not confirmed');
            return;
        }
        const deadline = this.deps.clock.now() + APPLY_TIMEOUT_MS;
        while (this.deps.clock.now() < deadline) {
            if (await (0,_workers_js__WEBPACK_IMPORTED_MODULE_8__/* .oldWorkersRetired */ .k)(before))
                return;
            await this.deps.clock.sleep(APPLY_POLL_MS, signal);
        }
        throw new Error(`nginx did not start workers with the new configuration within ${APPLY_TIMEOUT_MS / 1000}s; see its error log`);
    }
    /** Restores the previous file and, if nginx may have loaded the new one, reloads it again. */
    async undo(previous, reloaded) {
        await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_4__/* .restoreFile */ .VX)(this.settings.conf, previous);
        if (!reloaded)
            return;
        const before = await this.workers();
        try {
            await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_3__/* .execOrThrow */ .Vt)(this.settings.reloadCommand, 'nginx reload of the restored configuration failed', { timeoutMs: COMMAND_TIMEOUT_MS });
            if (before)
                await this.waitUntilApplied(before);
        }
        catch (error) {
            this.deps.log.warning((0,_infra_log_js__WEBPACK_IMPORTED_MODULE_9__/* .errorMessage */ .gJ)(error), 'nginx restore');
        }
    }
}


/***/ }),

/***/ 4934:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ oldWorkersRetired),
/* harmony export */   q: () => (/* binding */ snapshotWorkers)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);

async function snapshotWorkers(pidFile) {
    let master;
    try {
        master = Number((await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(pidFile, 'utf8')).trim());
    }
    catch {
        return undefined;
    }
    if (!Number.isInteger(master) || master <= 0)
        return undefined;
    const accepting = new Set();
    for (const entry of await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)('/proc').catch(() => [])) {
        if (!/^\d+$/.test(entry))
            continue;
        const info = await processInfo(Number(entry));
        // Old workers rename themselves "worker process is shutting down" and stop accepting at once.
        if (info?.parent === master && info.title.includes('worker process') && !info.title.includes('shutting down')) {
            accepting.add(Number(entry));
        }
    }
    return { master, accepting };
}
async function processInfo(pid) {
    try {
        const stat = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(`/proc/${pid}/stat`, 'utf8');
        // The command name is in parentheses and may hold spaces; the parent pid is the 2nd field after it.
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const title = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
        return { parent, title };
    }
    catch {
        return undefined;
    }
}
/**
 * True once every worker that accepted before the reload is gone or shutting down. Only those few pids
 * are read: scanning all of /proc while nginx swaps workers would compete with it for the CPU.
 */
async function oldWorkersRetired(before) {
    for (const pid of before.accepting) {
        const info = await processInfo(pid);
        const stillAccepting = info?.parent === before.master && info.title.includes('worker process') && !info.title.includes('shutting down');
        if (stillAccepting)
            return false;
    }
    return before.accepting.size > 0;
}


/***/ }),

/***/ 3001:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ writeStagedFile),
/* harmony export */   R: () => (/* binding */ readStagedFile)
/* harmony export */ });
/* harmony import */ var _infra_files_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5085);

/**
 * Which version a color holds, kept in a small JSON file beside what the router owns (the include,
 * the marker folder, the map), where the router's owner can see it: `mode: promote` checks it, so an
 * approval can never promote a build other than the one it approved.
 */
async function writeStagedFile(path, record) {
    await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_0__/* .writeAtomic */ .vZ)(path, `${JSON.stringify(record)}\n`);
}
async function readStagedFile(path) {
    const text = await (0,_infra_files_js__WEBPACK_IMPORTED_MODULE_0__/* .readIfExists */ .OR)(path);
    if (text === undefined)
        return undefined;
    try {
        const record = JSON.parse(text);
        if (typeof record.version === 'string' && typeof record.at === 'string')
            return record;
    }
    catch {
        /* said below */
    }
    throw new Error(`${path} does not hold a staged-version record; remove it and stage again.`);
}


/***/ })

};
