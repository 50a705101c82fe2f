export const id = 287;
export const ids = [287];
export const modules = {

/***/ 5085:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
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
/** Write beside the target and rename over it, so a reader never sees half a file. */
async function writeAtomic(path, content) {
    const temp = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path), `.${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(path)}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(4).toString('hex')}.tmp`);
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(temp, content, { mode: 0o644 });
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
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8161);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);


const POLL_MS = 500;
/** A holder writes its details right after creating the file; an unreadable file older than this is debris. */
const UNREADABLE_GRACE_MS = 5000;
/**
 * An exclusive lock file created with O_EXCL, so two releases never interleave on one router.
 * A lock left by a dead process on this host, or by an earlier step of the same run, is taken over.
 */
async function acquireFileLock(path, owner, timeoutMs, clock, onWait) {
    const deadline = clock.now() + timeoutMs;
    let announced = false;
    for (;;) {
        const holder = await tryCreate(path, owner);
        if (!holder)
            return () => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.unlink)(path).catch(() => undefined);
        if (isStale(holder, owner)) {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.unlink)(path).catch(() => undefined);
            continue;
        }
        const who = `run ${holder.run}, pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
        if (clock.now() >= deadline) {
            throw new Error(`Another release holds the router lock ${path} (${who}); waited ${Math.round(timeoutMs / 1000)}s (lock-timeout). ` +
                'Serialize releases of one router with a workflow `concurrency:` group, or remove the file if that run is gone.');
        }
        if (!announced)
            onWait(`Waiting for the router lock ${path}, held by ${who}`);
        announced = true;
        await clock.sleep(POLL_MS);
    }
}
async function tryCreate(path, owner) {
    const mine = { ...owner, host: (0,node_os__WEBPACK_IMPORTED_MODULE_0__.hostname)(), since: new Date().toISOString() };
    try {
        const handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, 'wx');
        await handle.writeFile(JSON.stringify(mine));
        await handle.close();
        return undefined;
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw new Error(`Could not create the router lock ${path}: ${error.message}`);
    }
    try {
        return JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8'));
    }
    catch {
        // Just created and not yet written (held), or left half-written by a process that died (stale).
        const age = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
        return { run: '?', pid: age < UNREADABLE_GRACE_MS ? -1 : 0, host: (0,node_os__WEBPACK_IMPORTED_MODULE_0__.hostname)(), since: '?' };
    }
}
function isStale(holder, owner) {
    if (holder.run === owner.run && holder.host === (0,node_os__WEBPACK_IMPORTED_MODULE_0__.hostname)())
        return true;
    if (holder.host !== (0,node_os__WEBPACK_IMPORTED_MODULE_0__.hostname)())
        return false;
    if (holder.pid === -1)
        return false;
    if (!holder.pid)
        return true;
    try {
        process.kill(holder.pid, 0);
        return false;
    }
    catch (error) {
        return error.code === 'ESRCH';
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
// EXTERNAL MODULE: ./lib/infra/lock.js
var lock = __webpack_require__(4883);
// EXTERNAL MODULE: ./lib/routers/compare.js
var compare = __webpack_require__(9369);
// EXTERNAL MODULE: ./lib/infra/files.js
var files = __webpack_require__(5085);
// EXTERNAL MODULE: ./lib/infra/log.js
var log = __webpack_require__(4600);
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
        return `the map file ${path} could not be rewritten: ${(0,log/* errorMessage */.g)(error)}`;
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
    async read() {
        await this.checkLevel();
        const value = parseShowMap(await this.api.run(`show map ${this.s.map}`)).get(this.s.key);
        if (value === undefined)
            return {};
        const active = this.deps.colors.find((color) => this.backendOf(color) === value);
        if (active)
            return { active };
        if (this.s.splitBackend && value === this.s.splitBackend)
            return this.readWeights();
        throw new Error(`${this.description}: the key points at backend "${value}", which is neither ${this.deps.colors.map((c) => `"${this.backendOf(c)}"`).join(' nor ')}${this.s.splitBackend ? ` nor the split backend "${this.s.splitBackend}"` : ''}.`);
    }
    async flip(to, expected) {
        const current = await this.read();
        (0,compare/* assertExpected */.FV)(this.description, current, expected);
        await this.pointMapAt(this.backendOf(to), current.active === undefined && !current.weights);
        const after = await this.read();
        if (after.active !== to || after.weights)
            throw new Error(`${this.description} reads ${(0,compare/* describeRoute */.fx)(after)} after the flip to ${to}.`);
        this.deps.log.info(`haproxy: traffic moved from ${(0,compare/* describeRoute */.fx)(current)} to ${to}.`);
    }
    async setWeights(to, percent, expected) {
        const split = this.s.splitBackend;
        const current = await this.read();
        (0,compare/* assertExpected */.FV)(this.description, current, expected);
        const other = this.deps.colors.find((color) => color !== to);
        // Weights first, then the map: the split backend is already right when traffic reaches it.
        await this.api.run(`set weight ${split}/${to} ${percent}`);
        await this.api.run(`set weight ${split}/${other} ${100 - percent}`);
        if (!current.weights)
            await this.pointMapAt(split, current.active === undefined);
        const after = await this.read();
        if (after.weights?.[to] !== percent)
            throw new Error(`${this.description} reads ${(0,compare/* describeRoute */.fx)(after)} after sending ${percent}% to ${to}.`);
        this.deps.log.info(`haproxy: ${percent}% of traffic to ${to}, ${100 - percent}% to ${other}.`);
    }
    async lock() {
        const { owner, lockTimeoutMs, clock, log } = this.deps;
        return (0,lock/* acquireFileLock */.A)(await this.lockPath(), owner, lockTimeoutMs, clock, (m) => log.info(m));
    }
    backendOf(color) {
        return (0,argv/* fillTemplate */.ou)(this.s.backend, { color });
    }
    async pointMapAt(backend, absent) {
        await this.api.run(`${absent ? 'add' : 'set'} map ${this.s.map} ${this.s.key} ${backend}`);
        const why = await persistMapEntry(this.s.map, this.s.key, backend);
        if (why) {
            const note = `HAProxy serves "${backend}", but ${why}: a reload or restart of HAProxy would return to what the file says.`;
            if (!this.notes.includes(note))
                this.notes.push(note);
            this.deps.log.warning(note, 'Map file not updated');
        }
    }
    async readWeights() {
        const weights = {};
        for (const color of this.deps.colors) {
            const answer = await this.api.run(`get weight ${this.s.splitBackend}/${color}`);
            weights[color] = Number(/^(\d+)/.exec(answer)?.[1] ?? NaN);
        }
        const [top, second] = Object.entries(weights).sort((a, b) => b[1] - a[1]);
        if (second[1] === 0)
            return { active: top[0] };
        return { active: top[0], weights };
    }
    /** Fails early and clearly when the socket grants less than the commands need. */
    async checkLevel() {
        if (this.levelChecked)
            return;
        const level = (await this.api.run('show cli level')).trim();
        const needed = this.s.splitBackend ? 'admin' : 'operator';
        const rank = ['user', 'operator', 'admin'];
        if (rank.indexOf(level) < rank.indexOf(needed)) {
            throw new Error(`The HAProxy Runtime API at ${(0,runtime_api/* describeAddress */.KU)(this.s.address)} grants level "${level}", but ${needed === 'admin' ? '`set weight` (traffic steps)' : '`set map`'} needs "${needed}": add \`level admin\` to its \`stats socket\` line.`);
        }
        this.levelChecked = true;
    }
    /** Beside the map file when its folder is writable; otherwise one per socket and map in the temp dir. */
    async lockPath() {
        try {
            await (0,promises_.access)((0,external_node_path_.dirname)(this.s.map), promises_.constants.W_OK);
            return `${this.s.map}.lock`;
        }
        catch {
            const id = (0,external_node_crypto_.createHash)('sha256').update(`${(0,runtime_api/* describeAddress */.KU)(this.s.address)} ${this.s.map}`).digest('hex').slice(0, 16);
            return (0,external_node_path_.join)((0,external_node_os_.tmpdir)(), `blue-green-haproxy-${id}.lock`);
        }
    }
}


/***/ })

};
