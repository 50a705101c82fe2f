export const id = 287;
export const ids = [287];
export const modules = {

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

/***/ 5287:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  HaproxyRouter: () => (/* binding */ HaproxyRouter)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/infra/argv.js
var argv = __webpack_require__(2790);
// EXTERNAL MODULE: ./lib/infra/files.js
var files = __webpack_require__(5085);
// EXTERNAL MODULE: ./lib/infra/log.js
var log = __webpack_require__(4600);
// EXTERNAL MODULE: ./lib/infra/lock.js
var lock = __webpack_require__(4883);
// EXTERNAL MODULE: ./lib/routers/staged-file.js
var staged_file = __webpack_require__(3001);
// EXTERNAL MODULE: ./lib/routers/compare.js
var compare = __webpack_require__(9369);
;// CONCATENATED MODULE: ./lib/routers/haproxy/map-file.js


/**
 * Rewrites `key value` in the map file HAProxy loads at start, so a reload or restart keeps the live
 * color. Other lines (and comments) are kept. Returns why it could not, or undefined when it did.
 */
async function persistMapEntry(path, key, value) {
    try {
        const content = await (0,files/* readIfExists */.OR)(path);
        if (content === undefined)
            return `the map file ${path} is not on this machine`;
        const lines = content.split('\n');
        const at = lines.findIndex((line) => line.trim().split(/\s+/)[0] === key);
        if (at >= 0)
            lines[at] = `${key} ${value}`;
        else
            lines.splice(lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, 0, `${key} ${value}`);
        await (0,files/* writeAtomic */.vZ)(path, lines.join('\n'));
        return undefined;
    }
    catch (error) {
        return `the map file ${path} could not be rewritten: ${(0,log/* errorMessage */.gJ)(error)}`;
    }
}
/** Entries of `show map <map>`: lines `0x55d0c0ffee00 key value`. */
function parseShowMap(text) {
    const entries = new Map();
    for (const line of text.split('\n')) {
        const match = /^0x[0-9a-f]+\s+(\S+)\s+(.*)$/.exec(line.trim());
        if (match)
            entries.set(match[1], match[2].trim());
    }
    return entries;
}

// EXTERNAL MODULE: ./lib/routers/haproxy/runtime-api.js
var runtime_api = __webpack_require__(253);
;// CONCATENATED MODULE: ./lib/routers/haproxy/index.js












/**
 * Switches traffic through the Runtime API, with no reload: `set map` changes which backend the
 * frontend's `use_backend %[str(<key>),map(<map>)]` picks, for every new request at once. Progressive
 * steps point the map at a split backend whose servers are named by color and weighted with `set weight`.
 */
class HaproxyRouter {
    s;
    deps;
    description;
    notes = [];
    api;
    levelChecked = false;
    constructor(s, deps) {
        this.s = s;
        this.deps = deps;
        this.api = new runtime_api/* RuntimeApi */.nT(s.address);
        this.description = `haproxy map ${s.map} (key ${s.key}) via ${(0,runtime_api/* describeAddress */.KU)(s.address)}`;
    }
    async read(signal) {
        await this.checkLevel(signal);
        const value = parseShowMap(await this.api.run(['show', 'map', this.s.map], signal)).get(this.s.key);
        if (value === undefined)
            return {};
        const active = this.deps.colors.find((color) => this.backendOf(color) === value);
        if (active)
            return { active };
        if (this.s.splitBackend && value === this.s.splitBackend)
            return this.readWeights(signal);
        throw new Error(`${this.description}: the key points at backend "${value}", which is neither ${this.deps.colors.map((c) => `"${this.backendOf(c)}"`).join(' nor ')}${this.s.splitBackend ? ` nor the split backend "${this.s.splitBackend}"` : ''}.`);
    }
    async flip(to, expected, signal) {
        const current = await this.read(signal);
        (0,compare/* assertExpected */.FV)(this.description, current, expected);
        await this.pointMapAt(this.backendOf(to), current.active === undefined && !current.weights, signal);
        const after = await this.read(signal);
        if (after.active !== to || after.weights)
            throw new Error(`${this.description} reads ${(0,compare/* describeRoute */.fx)(after)} after the flip to ${to}.`);
        this.deps.log.info(`haproxy: traffic moved from ${(0,compare/* describeRoute */.fx)(current)} to ${to}.`);
    }
    async setWeights(to, percent, expected, signal) {
        const split = this.s.splitBackend;
        const current = await this.read(signal);
        (0,compare/* assertExpected */.FV)(this.description, current, expected);
        const other = this.deps.colors.find((color) => color !== to);
        // Weights first, then the map: the split backend is already right when traffic reaches it.
        await this.deps.fence.check(`Sending ${percent}% of ${this.description} to ${to}`);
        await this.api.run(['set', 'weight', `${split}/${to}`, String(percent)], signal);
        await this.api.run(['set', 'weight', `${split}/${other}`, String(100 - percent)], signal);
        if (!current.weights)
            await this.pointMapAt(split, current.active === undefined, signal);
        await this.persistServerState(signal);
        const after = await this.read(signal);
        if (after.weights?.[to] !== percent)
            throw new Error(`${this.description} reads ${(0,compare/* describeRoute */.fx)(after)} after sending ${percent}% to ${to}.`);
        this.deps.log.info(`haproxy: ${percent}% of traffic to ${to}, ${100 - percent}% to ${other}.`);
    }
    async recordStaged(color, record) {
        await (0,staged_file/* writeStagedFile */.Q)(await this.besideMap(`${color}.staged`), record);
    }
    async readStaged(color) {
        return (0,staged_file/* readStagedFile */.R)(await this.besideMap(`${color}.staged`));
    }
    async lock(signal) {
        const { owner, lockTimeoutMs, clock, log } = this.deps;
        return (0,lock/* acquireFileLock */.A)(await this.besideMap('lock'), owner, lockTimeoutMs, clock, (m) => log.info(m), signal);
    }
    async preflight() {
        const problems = [await socketProblem(this.s.address)];
        const state = this.s.serverStateFile;
        if (state && !(await (0,promises_.stat)((0,external_node_path_.dirname)(state)).catch(() => undefined))?.isDirectory()) {
            problems.push(`Input 'haproxy-server-state-file': the folder ${(0,external_node_path_.dirname)(state)} does not exist; expected the path HAProxy names in its \`server-state-file\` directive.`);
        }
        return problems.filter((p) => p !== undefined);
    }
    backendOf(color) {
        return (0,argv/* fillTemplate */.ou)(this.s.backend, { color });
    }
    async pointMapAt(backend, absent, signal) {
        await this.deps.fence.check(`Pointing ${this.description} at backend ${backend}`);
        await this.api.run([absent ? 'add' : 'set', 'map', this.s.map, this.s.key, backend], signal);
        const why = await persistMapEntry(this.s.map, this.s.key, backend);
        if (why)
            this.note(`HAProxy serves "${backend}", but ${why}: a reload or restart of HAProxy would return to what the file says.`, 'Map file not updated');
    }
    /**
     * Weights set through the Runtime API live in memory only: the server state file (HAProxy's own
     * `server-state-file`, loaded with `load-server-state-from-file`) is rewritten from `show servers
     * state`, so a reload in the middle of a step keeps the step's weights.
     */
    async persistServerState(signal) {
        const path = this.s.serverStateFile;
        if (!path) {
            this.note('Traffic-step weights live in HAProxy\'s memory only: a reload during a step returns to the configured weights (the watch then fails the step). Set haproxy-server-state-file to keep them.', 'Weights not persisted');
            return;
        }
        try {
            await (0,files/* writeAtomic */.vZ)(path, `${await this.api.run(['show', 'servers', 'state'], signal)}\n`);
        }
        catch (error) {
            if (signal?.aborted)
                throw error;
            this.note(`HAProxy serves the step's weights, but the server state file ${path} could not be rewritten (${(0,log/* errorMessage */.gJ)(error)}): a reload would return to the configured weights.`, 'Server state not saved');
        }
    }
    note(text, title) {
        if (this.notes.includes(text))
            return;
        this.notes.push(text);
        this.deps.log.warning(text, title);
    }
    async readWeights(signal) {
        const weights = {};
        for (const color of this.deps.colors) {
            const answer = await this.api.run(['get', 'weight', `${this.s.splitBackend}/${color}`], signal);
            weights[color] = Number(/^(\d+)/.exec(answer)?.[1] ?? NaN);
        }
        const [top, second] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
        if (second[1] === 0)
            return { active: top[0] };
        return { active: top[0], weights };
    }
    /** Fails early and clearly when the socket grants less than the commands need. */
    async checkLevel(signal) {
        if (this.levelChecked)
            return;
        const level = (await this.api.run(['show', 'cli', 'level'], signal)).trim();
        const needed = this.s.splitBackend ? 'admin' : 'operator';
        const rank = ['user', 'operator', 'admin'];
        if (rank.indexOf(level) < rank.indexOf(needed)) {
            throw new Error(`The HAProxy Runtime API at ${(0,runtime_api/* describeAddress */.KU)(this.s.address)} grants level "${level}", but ${needed === 'admin' ? '`set weight` (traffic steps)' : '`set map`'} needs "${needed}": add \`level admin\` to its \`stats socket\` line.`);
        }
        this.levelChecked = true;
    }
    /** Beside the map file when its folder is writable; otherwise one per socket and map in the temp dir. */
    async besideMap(suffix) {
        try {
            await (0,promises_.access)((0,external_node_path_.dirname)(this.s.map), promises_.constants.W_OK);
            return `${this.s.map}.${suffix}`;
        }
        catch {
            const id = (0,external_node_crypto_.createHash)('sha256').update(`${(0,runtime_api/* describeAddress */.KU)(this.s.address)} ${this.s.map}`).digest('hex').slice(0, 16);
            return (0,external_node_path_.join)((0,external_node_os_.tmpdir)(), `blue-green-haproxy-${id}.${suffix}`);
        }
    }
}
/** A unix socket path that is missing or not a socket, said before anything is touched. */
async function socketProblem(address) {
    if (!('path' in address))
        return undefined;
    const { path } = address;
    const info = await (0,promises_.stat)(path).catch((error) => error.code ?? 'error');
    if (typeof info === 'string') {
        return `Input 'haproxy-socket': ${path} ${info === 'ENOENT' ? 'does not exist' : `cannot be read (${info})`}; expected the Runtime API socket of a running HAProxy (\`stats socket ${path} level admin\`).`;
    }
    if (!info.isSocket())
        return `Input 'haproxy-socket': ${path} is ${info.isDirectory() ? 'a directory' : 'not a socket'}; expected the Runtime API socket of a running HAProxy.`;
    return undefined;
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
