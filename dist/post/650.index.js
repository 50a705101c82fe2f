export const id = 650;
export const ids = [650];
export const modules = {

/***/ 817:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vt: () => (/* binding */ execOrThrow),
/* harmony export */   m0: () => (/* binding */ exec)
/* harmony export */ });
/* unused harmony export tail */
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

/***/ 6650:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NginxMarkerRouter: () => (/* binding */ NginxMarkerRouter)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _infra_argv_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(2790);
/* harmony import */ var _infra_exec_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(817);
/* harmony import */ var _infra_lock_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4883);
/* harmony import */ var _staged_file_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3001);
/* harmony import */ var _compare_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9369);
/* harmony import */ var _workers_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4934);








/**
 * Switches nginx by marker files, with no reload and so no dropped request: the server block tests
 * `if (-f <dir>/<color>)` for each color in the order of `colors` on every request, the last match wins,
 * and exactly one marker (the live color's) exists. A flip creates the new marker first and removes the
 * old one after, so there is never a moment with no marker (which would fall back to the block's
 * default): with the new color tested later it serves from the create, otherwise from the remove.
 */
class NginxMarkerRouter {
    s;
    deps;
    description;
    constructor(s, deps) {
        this.s = s;
        this.deps = deps;
        this.description = `nginx markers ${s.marker}`;
    }
    async read() {
        const present = [];
        for (const color of this.deps.colors) {
            const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(this.path(color), { bigint: true }).catch((error) => {
                if (error.code === 'ENOENT')
                    return undefined;
                throw new Error(`Cannot read the nginx marker ${this.path(color)}: ${error.message}`);
            });
            if (info)
                present.push({ color, revision: `${info.ino}:${info.ctimeNs}` });
        }
        // What nginx serves: the last color its server block finds, in the order of `colors`.
        const last = present.at(-1);
        return last ? { active: last.color, revision: present.length === 1 ? last.revision : `${present.length} markers` } : {};
    }
    async flip(to, expected, signal) {
        const current = await this.read();
        (0,_compare_js__WEBPACK_IMPORTED_MODULE_5__/* .assertExpected */ .FV)(this.description, current, expected);
        signal?.throwIfAborted();
        await this.deps.fence.check(`The flip of ${this.description} to ${to}`);
        // Created first, removed after: there is never a moment without a marker.
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(this.path(to), `${to}\n`, { mode: 0o644 });
        for (const color of this.deps.colors)
            if (color !== to)
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.unlink)(this.path(color)).catch(ignoreMissing);
        const after = await this.read();
        if (after.active !== to || after.revision === `${this.deps.colors.length} markers`) {
            throw new Error(`${this.description} reads ${(0,_compare_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRoute */ .fx)(after)} after the flip to ${to}.`);
        }
        this.deps.log.info(`nginx: traffic moved from ${current.active ?? 'nothing'} to ${to} (marker ${this.path(to)}).`);
    }
    recordStaged(color, record) {
        return (0,_staged_file_js__WEBPACK_IMPORTED_MODULE_4__/* .writeStagedFile */ .Q)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(this.folder(), `.${color}.staged`), record);
    }
    readStaged(color) {
        return (0,_staged_file_js__WEBPACK_IMPORTED_MODULE_4__/* .readStagedFile */ .R)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(this.folder(), `.${color}.staged`));
    }
    lock(signal) {
        const { owner, lockTimeoutMs, clock, log } = this.deps;
        return (0,_infra_lock_js__WEBPACK_IMPORTED_MODULE_3__/* .acquireFileLock */ .A)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(this.folder(), '.blue-green.lock'), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
    }
    /** The folder must exist and be ours to write; nginx's workers must be able to see into it. */
    async preflight() {
        const folder = this.folder();
        const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(folder).catch(() => undefined);
        if (!info?.isDirectory())
            return [`Input 'nginx-marker': the folder ${folder} does not exist; create it, writable only by the user that runs this step.`];
        if (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.access)(folder, node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.constants.W_OK).then(() => false, () => true)) {
            return [`Input 'nginx-marker': this step's user cannot create files in ${folder}; make it writable by that user (and no one else).`];
        }
        if (info.mode & 0o022) {
            this.deps.log.warning(`${folder} is writable by others than its owner: anyone who can write there can move live traffic at once. Make it 0755 or stricter.`, 'nginx markers');
        }
        await this.warnOpenFileCache();
        const blind = await this.workersCannotSee();
        return blind ? [`Input 'nginx-marker': nginx's workers run as uid ${blind.uid}, which cannot search ${blind.dir}, so every marker would read as absent; give that user search (x) permission on it.`] : [];
    }
    /**
     * `open_file_cache` would let workers answer `-f` from a cache for up to its validity: the switch would
     * lag and workers disagree. The full configuration is read with the test command turned into `-T`.
     */
    async warnOpenFileCache() {
        const argv = this.s.testCommand.map((arg) => (arg === '-t' ? '-T' : arg)).filter((arg) => arg !== '-q');
        if (!argv.includes('-T'))
            return;
        const dump = await (0,_infra_exec_js__WEBPACK_IMPORTED_MODULE_2__/* .exec */ .m0)(argv, { timeoutMs: 10_000 }).catch(() => undefined);
        if (!dump || dump.code !== 0)
            return;
        const cache = /^\s*open_file_cache\s+(?!off\b)[^;]*;/m.exec(dump.stdout);
        if (cache) {
            this.deps.log.warning(`nginx's configuration has "${cache[0].trim()}": if it covers the marker folder, workers may see a flip late, and not all at once. Turn it off for that server or location.`, 'nginx markers');
        }
    }
    path(color) {
        return (0,_infra_argv_js__WEBPACK_IMPORTED_MODULE_7__/* .fillTemplate */ .ou)(this.s.marker, { color });
    }
    folder() {
        return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(this.path(this.deps.colors[0]));
    }
    /** A folder on the marker's path that nginx's worker user may not search, when nginx runs here. */
    async workersCannotSee() {
        const pidFile = this.s.pidFile || '/run/nginx.pid';
        const workers = await (0,_workers_js__WEBPACK_IMPORTED_MODULE_6__/* .snapshotWorkers */ .q)(pidFile).catch(() => undefined);
        const pid = workers?.accepting.values().next().value;
        if (pid === undefined)
            return undefined;
        const status = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(`/proc/${pid}/status`, 'utf8').catch(() => '');
        const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
        const gids = new Set((/^Groups:\s*(.*)$/m.exec(status)?.[1] ?? '').split(/\s+/).filter(Boolean).map(Number));
        gids.add(Number(/^Gid:\s+(\d+)/m.exec(status)?.[1] ?? NaN));
        if (!Number.isInteger(uid) || uid === 0)
            return undefined;
        for (let dir = this.folder();; dir = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(dir)) {
            const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(dir).catch(() => undefined);
            if (info) {
                const bit = info.uid === uid ? 0o100 : gids.has(info.gid) ? 0o010 : 0o001;
                if (!(info.mode & bit))
                    return { uid, dir };
            }
            if (dir === (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(dir))
                return undefined;
        }
    }
}
function ignoreMissing(error) {
    if (error.code !== 'ENOENT')
        throw error;
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
