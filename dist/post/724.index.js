export const id = 724;
export const ids = [724];
export const modules = {

/***/ 5868:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   np: () => (/* binding */ CredentialsNotice)
/* harmony export */ });
/* unused harmony exports isMissingCredentials, missingCredentialsMessage */
/**
 * "No AWS credentials", said once and in the user's terms. The SDK's own words ("Could not load
 * credentials from any providers") name neither what it looked at nor what to do; and every later call
 * of the same client fails the same way (a run reads the router again for its verdict), so a client
 * says it in full once and briefly after that. No SDK import: the AWS plug-ins load lazily.
 */
/** The variables the SDK's default chain reads credentials from; only their names are ever printed. */
const CHAIN_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'];
/**
 * The SDK's error when its default chain found no credentials. Told by name: the class lives in
 * @smithy/core, and each SDK client may bundle its own copy, so `instanceof` would miss one of them.
 */
function isMissingCredentials(error) {
    return error?.name === 'CredentialsProviderError';
}
/** The full message: what the chain looked at, which of its variables this step has, and what to do. */
function missingCredentialsMessage(api, sdkMessage) {
    const set = CHAIN_VARIABLES.filter((name) => process.env[name]);
    return (`No AWS credentials: the AWS SDK found none for the ${api} API (${sdkMessage}). ` +
        'Give the job credentials before this step: in the workflow, aws-actions/configure-aws-credentials with OIDC ' +
        '(`role-to-assume: <role ARN>` and `permissions: id-token: write`), or the variables the SDK reads: ' +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary keys), AWS_PROFILE, ' +
        'or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (web identity). ' +
        `Set in this step: ${set.length ? set.join(', ') : 'none of them'}. ` +
        "The role needs the permissions in aws/iam-policy.json (in the action's repository)");
}
/**
 * One per SDK client: the first missing-credentials error is said in full, the later ones briefly.
 * Calls made together (one per check) fail in no fixed order, so a brief one names `who` got the full.
 */
class CredentialsNotice {
    api;
    said = false;
    saidFor;
    constructor(api) {
        this.api = api;
    }
    /** The message for `error` met by `who` (e.g. a check), or undefined when it is not a missing-credentials error. */
    describe(error, who) {
        if (!isMissingCredentials(error))
            return undefined;
        if (this.said)
            return this.saidFor ? `no AWS credentials for the ${this.api} API (what to do is said for ${this.saidFor})` : `still no AWS credentials for the ${this.api} API`;
        this.said = true;
        this.saidFor = who;
        return missingCredentialsMessage(this.api, error.message);
    }
}


/***/ }),

/***/ 3724:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createAlbRouter: () => (/* binding */ createAlbRouter)
});

// UNUSED EXPORTS: AlbRouter, STAGED_TAGS

// EXTERNAL MODULE: ./lib/infra/log.js
var infra_log = __webpack_require__(4600);
// EXTERNAL MODULE: ./lib/infra/fence.js
var fence = __webpack_require__(1683);
// EXTERNAL MODULE: ./lib/routers/compare.js
var compare = __webpack_require__(9369);
;// CONCATENATED MODULE: ./lib/routers/aws-alb/actions.js
function forwardOf(actions) {
    return actions.find((action) => action.Type === 'forward');
}
/** The groups a forward action sends to, with weights (a plain TargetGroupArn weighs 1). */
function forwardTargets(action) {
    const groups = action.ForwardConfig?.TargetGroups;
    if (groups?.length)
        return groups.map((group) => ({ arn: group.TargetGroupArn ?? '', weight: group.Weight ?? 1 }));
    return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}
/** Target groups and weights as one comparable string (a read-back must show exactly what was written). */
function describeForward(action) {
    return action ? forwardTargets(action).map((t) => `${t.arn}=${t.weight}`).join(', ') : 'no forward action';
}
/** What the forward action says, in colors. A group that is not one of the colors is refused. */
function routeOf(actions, groups, where) {
    const forward = forwardOf(actions);
    if (!forward)
        throw new Error(`${where} has no forward action (its actions: ${actions.map((a) => a.Type).join(', ') || 'none'})`);
    const colorOf = new Map(Object.entries(groups).map(([color, arn]) => [arn, color]));
    const weights = Object.fromEntries(Object.keys(groups).map((color) => [color, 0]));
    for (const target of forwardTargets(forward)) {
        const color = colorOf.get(target.arn);
        if (color === undefined)
            throw new Error(`${where} forwards to target group ${target.arn}, which is not one of target-groups; fix target-groups or the forward action`);
        weights[color] += target.weight;
    }
    const [a, b] = Object.keys(groups);
    const total = weights[a] + weights[b];
    if (total === 0)
        return {};
    if (weights[b] === 0)
        return { active: a };
    if (weights[a] === 0)
        return { active: b };
    const share = Math.round((weights[a] * 100) / total);
    return { active: share >= 50 ? a : b, weights: { [a]: share, [b]: 100 - share } };
}
/**
 * The action list with the forward action sending `percent` to `toArn` and the rest to `otherArn`.
 * `template` is the forward action as this run first read it: its shape is the one kept.
 */
function withWeights(actions, template, toArn, otherArn, percent) {
    const rewritten = structuredClone(actions);
    const forward = forwardOf(rewritten);
    if (!forward)
        throw new Error('the action list has no forward action');
    const single = forwardTargets(template).length <= 1;
    if (single && percent === 100) {
        // The template's own form, pointed at the other group: TargetGroupArn and/or a one-entry ForwardConfig.
        if (template.TargetGroupArn !== undefined)
            forward.TargetGroupArn = toArn;
        else
            delete forward.TargetGroupArn;
        const entry = template.ForwardConfig?.TargetGroups?.[0];
        if (entry)
            forward.ForwardConfig = { ...forward.ForwardConfig, TargetGroups: [{ ...entry, TargetGroupArn: toArn }] };
        else
            delete forward.ForwardConfig;
        return rewritten;
    }
    const entries = forward.ForwardConfig?.TargetGroups?.map((entry) => ({ ...entry })) ?? (forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn }] : []);
    for (const arn of [toArn, otherArn])
        if (!entries.some((entry) => entry.TargetGroupArn === arn))
            entries.push({ TargetGroupArn: arn });
    for (const entry of entries)
        entry.Weight = entry.TargetGroupArn === toArn ? percent : entry.TargetGroupArn === otherArn ? 100 - percent : 0;
    forward.ForwardConfig = { ...forward.ForwardConfig, TargetGroups: entries };
    // The API refuses TargetGroupArn beside a ForwardConfig of more than one group.
    delete forward.TargetGroupArn;
    return rewritten;
}
/** True when the forward action keeps a client on one target group across a weighted split. */
function groupStickiness(actions) {
    return forwardOf(actions)?.ForwardConfig?.TargetGroupStickinessConfig?.Enabled === true;
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var dist_cjs = __webpack_require__(586);
// EXTERNAL MODULE: ./lib/infra/aws-credentials.js
var aws_credentials = __webpack_require__(5868);
;// CONCATENATED MODULE: ./lib/routers/aws-alb/client.js
/**
 * The ELBv2 API through `@aws-sdk/client-elastic-load-balancing-v2`: credentials from the SDK's
 * default chain (environment, OIDC web identity, profiles, instance roles), the endpoint from
 * AWS_ENDPOINT_URL when set, and the SDK's own standard retry strategy (throttling, 5xx and network
 * errors, with backoff and a retry quota) — no second retry layer around it. Ours: the run's
 * AbortSignal on every call, a count of calls for the summary, and errors said in IAM's terms (missing
 * credentials said once, with what to do).
 */


/**
 * Attempts per call, first included. The standard strategy waits a jittered 0.1·2ⁿ s (0.5·2ⁿ s when
 * throttled), so 5 attempts ride out a few seconds of throttling or a 5xx burst without stalling a
 * rollback for long.
 */
const MAX_ATTEMPTS = 5;
function newClient(options) {
    return new dist_cjs/* ElasticLoadBalancingV2Client */.MlD({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: MAX_ATTEMPTS,
        retryMode: 'standard',
        // A hung connection must not outlive a cancel's "about a second"; the signal ends it sooner.
        requestHandler: options.requestHandler ?? { connectionTimeout: 5_000, requestTimeout: 30_000 },
    });
}
/** Tag values allow letters, digits, spaces and `_.:/=+-@`; anything else is written as `=XX` (UTF-8 hex). */
function toTagValue(text) {
    return [...new TextEncoder().encode(text)].map((byte) => (/[\w .:/+\-@]/.test(String.fromCharCode(byte)) && byte < 128 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
function fromTagValue(value) {
    const bytes = [];
    for (let i = 0; i < value.length; i++) {
        if (value[i] === '=' && /^[0-9A-F]{2}$/.test(value.slice(i + 1, i + 3))) {
            bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
            i += 2;
        }
        else
            bytes.push(...new TextEncoder().encode(value[i]));
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
}
/**
 * A refused call, said in the user's terms; `code` is the API's error code (e.g. `ListenerNotFound`),
 * or `NoCredentials` when the SDK found no credentials to sign it with.
 */
class AwsCallError extends Error {
    code;
    name = 'AwsCallError';
    constructor(message, code) {
        super(message);
        this.code = code;
    }
}
/** The error in the user's terms; AccessDenied names the IAM action to grant. */
function describeAwsError(error, operation, resource) {
    const e = error;
    if (e?.name === 'AbortError' || !e?.name || !e.$metadata)
        return error instanceof Error ? error : new Error(String(error));
    // The SDK names modelled errors with an "Exception" suffix (PriorityInUseException); the API's code has none.
    const code = e.name.replace(/Exception$/, '');
    if (/AccessDenied|UnauthorizedOperation/.test(code) || e.$metadata.httpStatusCode === 403) {
        return new AwsCallError(`the credentials may not call elasticloadbalancing:${operation} on ${resource} (${e.name}): add "elasticloadbalancing:${operation}" to the policy the action runs with (aws/iam-policy.json in the action's repository lists every action it needs)`, code);
    }
    return new AwsCallError(`${operation} on ${resource} failed: ${code}: ${e.message ?? 'no message'}`, code);
}
/** The ELBv2 calls the router makes, each one counted and each error named. "Not found" is a value. */
class Elb {
    client;
    /** Every call made, by operation name, in order (retries of one call count once). */
    calls = [];
    credentials = new aws_credentials/* CredentialsNotice */.np('ELBv2');
    constructor(client) {
        this.client = client;
        client.middlewareStack.add((next, context) => (args) => {
            this.calls.push(String(context.commandName).replace(/Command$/, ''));
            return next(args);
        }, { step: 'initialize', name: 'blueGreenCallCount' });
    }
    async send(operation, resource, command, signal) {
        signal?.throwIfAborted();
        try {
            // Each command class is its own type; the client's send takes any of them.
            return (await this.client.send(command, { abortSignal: signal }));
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            const noCredentials = this.credentials.describe(error);
            if (noCredentials)
                throw new AwsCallError(noCredentials, 'NoCredentials');
            throw describeAwsError(error, operation, resource);
        }
    }
    async orUndefined(request) {
        try {
            return await request;
        }
        catch (error) {
            if (error instanceof AwsCallError && error.code.endsWith('NotFound'))
                return undefined;
            throw error;
        }
    }
    async listener(arn, signal) {
        const out = await this.orUndefined(this.send('DescribeListeners', arn, new dist_cjs/* DescribeListenersCommand */.AKE({ ListenerArns: [arn] }), signal));
        return out?.Listeners?.[0];
    }
    async rule(arn, signal) {
        const out = await this.orUndefined(this.send('DescribeRules', arn, new dist_cjs/* DescribeRulesCommand */.Ggo({ RuleArns: [arn] }), signal));
        return out?.Rules?.[0];
    }
    async rules(listenerArn, signal) {
        const rules = [];
        let marker;
        do {
            const out = await this.send('DescribeRules', listenerArn, new dist_cjs/* DescribeRulesCommand */.Ggo({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }), signal);
            rules.push(...(out.Rules ?? []));
            marker = out.NextMarker;
        } while (marker);
        return rules;
    }
    async targetGroup(arn, signal) {
        const out = await this.orUndefined(this.send('DescribeTargetGroups', arn, new dist_cjs/* DescribeTargetGroupsCommand */.sC7({ TargetGroupArns: [arn] }), signal));
        return out?.TargetGroups?.[0];
    }
    async targetHealth(arn, signal) {
        const out = await this.send('DescribeTargetHealth', arn, new dist_cjs/* DescribeTargetHealthCommand */.qyg({ TargetGroupArn: arn }), signal);
        return out.TargetHealthDescriptions ?? [];
    }
    async attributes(arn, signal) {
        const out = await this.send('DescribeTargetGroupAttributes', arn, new dist_cjs/* DescribeTargetGroupAttributesCommand */.cKh({ TargetGroupArn: arn }), signal);
        return Object.fromEntries((out.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? '']));
    }
    async tags(arn, signal) {
        const out = await this.orUndefined(this.send('DescribeTags', arn, new dist_cjs/* DescribeTagsCommand */.yRM({ ResourceArns: [arn] }), signal));
        if (!out)
            return undefined;
        return Object.fromEntries((out.TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    }
    async addTags(arn, tags, signal) {
        const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
        await this.send('AddTags', arn, new dist_cjs/* AddTagsCommand */.yjM({ ResourceArns: [arn], Tags }), signal);
    }
    async modifyListener(arn, actions, signal) {
        const out = await this.send('ModifyListener', arn, new dist_cjs/* ModifyListenerCommand */.ugc({ ListenerArn: arn, DefaultActions: actions }), signal);
        return out.Listeners?.[0]?.DefaultActions ?? [];
    }
    async modifyRule(arn, actions, signal) {
        const out = await this.send('ModifyRule', arn, new dist_cjs/* ModifyRuleCommand */.y5P({ RuleArn: arn, Actions: actions }), signal);
        return out.Rules?.[0]?.Actions ?? [];
    }
    /** Creates a rule; undefined when its priority is taken (PriorityInUse), the lock's atomic test. */
    async createRule(listenerArn, priority, conditions, actions, tags, signal) {
        const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
        try {
            const out = await this.send('CreateRule', listenerArn, new dist_cjs/* CreateRuleCommand */.OOk({ ListenerArn: listenerArn, Priority: priority, Conditions: conditions, Actions: actions, Tags }), signal);
            return out.Rules?.[0];
        }
        catch (error) {
            if (error instanceof AwsCallError && error.code === 'PriorityInUse')
                return undefined;
            throw error;
        }
    }
    /** Deletes one rule by ARN; a rule already gone is fine. */
    async deleteRule(arn, signal) {
        await this.orUndefined(this.send('DeleteRule', arn, new dist_cjs/* DeleteRuleCommand */.piX({ RuleArn: arn }), signal));
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./lib/routers/aws-alb/lock.js
/**
 * Exclusion between runs on any runner, with nothing but the ELBv2 API: a listener rule at a reserved
 * priority. CreateRule is atomic (a taken priority fails with PriorityInUse), so of two runs that try
 * at once exactly one creates it. The rule names its holder in a tag, and the holder rewrites a renewal
 * tag every few seconds while it holds the lock.
 *
 * Time is never compared across runners: a waiter takes the lock over only after it saw the same rule
 * with the same tags for a whole lease by its own monotonic clock; it then deletes that rule by its ARN
 * and creates its own, so two takers racing still meet at CreateRule. The holder vouches for itself
 * only until its last confirmed renewal plus the lease minus a margin (LeaseTerm); past that, or once a
 * renewal finds its rule gone, the fence refuses every write.
 *
 * The rule never matches a request: it needs a header holding a random value no client sends.
 */




/** The lowest precedence there is: the lock rule sits below every rule a user is likely to have. */
const LOCK_PRIORITY = 50_000;
/** `renewed` is the holder's own count of renewals: a value that changes, not a time anyone judges. */
const LOCK_TAGS = { holder: 'blue-green-action:lock-holder', renewed: 'blue-green-action:lock-renewed' };
/** Half a minute, as a Kubernetes Lease: a dead run's lock is free 30 s after a waiter first sees it. */
const LEASE_MS = 30_000;
/** Three renewals fit in the time the holder vouches for itself (about 6 AddTags calls a minute). */
const RENEW_MS = 5_000;
/**
 * A holder stops writing this long before a waiter could take over: an ELBv2 write lands well within
 * it, and one that has not been answered by then is given up (see the router's `fenced`).
 */
const MARGIN_MS = 10_000;
const RENEW_TIMEOUT_MS = 4_000;
/** ELBv2 describe calls are rate-limited per account: a waiter looks every two seconds. */
const POLL_MS = 2_000;
const LOCK_ACTIONS = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }];
async function takeLockRule(elb, listenerArn, holder, timeoutMs, clock, log, signal) {
    const deadline = clock.monotonic() + timeoutMs;
    const conditions = [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Blue-Green-Lock', Values: [(0,external_node_crypto_.randomUUID)()] } }];
    const observer = new fence/* Observer */.nu(clock);
    let told = false;
    for (;;) {
        const started = clock.monotonic();
        const created = await elb.createRule(listenerArn, LOCK_PRIORITY, conditions, LOCK_ACTIONS, { [LOCK_TAGS.holder]: toTagValue(holder), [LOCK_TAGS.renewed]: '0' }, signal);
        if (created?.RuleArn)
            return keep(elb, created.RuleArn, holder, clock, log, started);
        const rule = (await elb.rules(listenerArn, signal)).find((r) => r.Priority === String(LOCK_PRIORITY));
        const found = rule?.RuleArn ? await elb.tags(rule.RuleArn, signal) : undefined;
        if (rule?.RuleArn && found) {
            if (!(LOCK_TAGS.holder in found)) {
                throw new Error(`priority ${LOCK_PRIORITY} on listener ${listenerArn} holds a rule that is not this action's lock (${rule.RuleArn}); the action reserves that priority for its lock rule: move that rule to another priority`);
            }
            const who = fromTagValue(found[LOCK_TAGS.holder]);
            const gone = observer.unchangedFor(JSON.stringify([rule.RuleArn, found]), LEASE_MS);
            if (who === holder || gone) {
                // Deleted by ARN: if another taker already replaced it, this deletes nothing of theirs.
                log.info(`Taking over the lock rule on listener ${listenerArn} from ${who}: ${who === holder ? 'this step left it' : `it was not renewed for ${LEASE_MS / 1000} s (as seen from this runner)`}.`);
                await elb.deleteRule(rule.RuleArn, signal);
                continue;
            }
            if (clock.monotonic() >= deadline) {
                throw new Error(`another run holds the lock rule on listener ${listenerArn} (${who}, ${rule.RuleArn}); waited lock-timeout for it. Nothing was changed.`);
            }
            if (!told)
                log.info(`Waiting for the lock rule on listener ${listenerArn} (priority ${LOCK_PRIORITY}): held by ${who}.`);
            told = true;
        }
        // Also when the rule vanished between the two reads: its holder just released it.
        await clock.sleep(POLL_MS, signal);
    }
}
/** Renews while held; the fence says when this run can no longer vouch for the lock. */
function keep(elb, ruleArn, holder, clock, log, started) {
    const term = new fence/* LeaseTerm */.RL(clock, LEASE_MS, MARGIN_MS, started);
    let taken;
    let count = 0;
    let warned = false;
    let renewing = Promise.resolve();
    const renew = async () => {
        const at = clock.monotonic();
        try {
            await elb.addTags(ruleArn, { [LOCK_TAGS.holder]: toTagValue(holder), [LOCK_TAGS.renewed]: String(++count) }, AbortSignal.timeout(RENEW_TIMEOUT_MS));
            term.confirmed(at);
        }
        catch (error) {
            if (error instanceof AwsCallError && error.code.endsWith('NotFound')) {
                taken = `the lock rule ${ruleArn} was deleted by someone else (taken over after it looked unrenewed?)`;
                clearInterval(timer);
            }
            if (!warned || taken)
                log.warning(`Could not renew the lock rule ${ruleArn}: ${taken ?? (0,infra_log/* errorMessage */.gJ)(error)}`, 'Lock');
            warned = true;
        }
    };
    const timer = setInterval(() => {
        renewing = renew();
    }, RENEW_MS);
    timer.unref();
    return {
        lost: async () => taken ?? term.expired(`the lock rule ${ruleArn}`),
        release: async () => {
            clearInterval(timer);
            await renewing;
            if (taken)
                return;
            await elb.deleteRule(ruleArn, AbortSignal.timeout(RENEW_TIMEOUT_MS * 2)).catch((error) => {
                log.warning(`Could not delete the lock rule ${ruleArn} (another run takes it over once it sees it unrenewed for ${LEASE_MS / 1000}s): ${(0,infra_log/* errorMessage */.gJ)(error)}`, 'Lock');
            });
        },
    };
}

;// CONCATENATED MODULE: ./lib/routers/aws-alb/snapshot.js
/**
 * What a flip may change and what it must leave alone. ModifyListener and ModifyRule have no
 * condition, and they replace the whole action list: a write can erase a change someone made between
 * this run's read and its write (an added authenticate-oidc action, say). So the read-back compares
 * everything: the forward action's targets must be exactly what was written, and every other part (the
 * other actions and their order, the forward action's other fields, a rule's conditions and priority)
 * must be as read just before the write. Any other difference is someone else's change.
 */


/** JSON with keys sorted, so two reads of the same thing give the same text. */
function stable(value) {
    return JSON.stringify(value, (_key, v) => v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
}
/** Identifies the whole state: any write by anyone changes it (the router's revision). */
function fingerprint(s) {
    return `actions ${(0,external_node_crypto_.createHash)('sha256').update(stable(s)).digest('hex').slice(0, 16)}`;
}
/** Everything but the forward action's target groups and weights: what a flip never changes. */
function shape(s) {
    const actions = structuredClone(s.actions);
    const forward = forwardOf(actions);
    if (forward) {
        delete forward.TargetGroupArn;
        const config = forward.ForwardConfig;
        if (config) {
            delete config.TargetGroups;
            // Stickiness off is the default whether or not a read lists it; a one-group forward may omit the config.
            if (config.TargetGroupStickinessConfig && !config.TargetGroupStickinessConfig.Enabled && config.TargetGroupStickinessConfig.DurationSeconds === undefined)
                delete config.TargetGroupStickinessConfig;
            if (!Object.keys(config).length)
                delete forward.ForwardConfig;
        }
    }
    return { actions, conditions: s.conditions, priority: s.priority };
}
const kinds = (actions) => `[${actions.map((a) => a.Type).join(', ')}]`;
/** What changed besides the forward targets between `before` and `after`, or undefined when nothing did. */
function shapeDifference(before, after) {
    const [a, b] = [shape(before), shape(after)];
    const said = [];
    if (a.priority !== b.priority)
        said.push(`its priority was ${a.priority} and is ${b.priority}`);
    if (stable(a.conditions) !== stable(b.conditions))
        said.push(`its conditions were ${stable(a.conditions)} and are ${stable(b.conditions)}`);
    if (kinds(a.actions) !== kinds(b.actions))
        said.push(`its actions were ${kinds(a.actions)} and are ${kinds(b.actions)}`);
    else if (stable(a.actions) !== stable(b.actions)) {
        const changed = a.actions.map((action, i) => (stable(action) === stable(b.actions[i]) ? undefined : action.Type)).filter(Boolean);
        said.push(`the settings of its ${changed.join(', ')} action(s) changed (were ${stable(a.actions).slice(0, 300)}, are ${stable(b.actions).slice(0, 300)})`);
    }
    return said.length ? said.join('; ') : undefined;
}

// EXTERNAL MODULE: ./lib/infra/duration.js
var duration = __webpack_require__(5676);
;// CONCATENATED MODULE: ./lib/routers/aws-alb/targets.js

/** Load balancers check every 5–300 s; two seconds notices a newly healthy target soon enough. */
const targets_POLL_MS = 2_000;
/** Targets named in one line: a large group's line stays readable, its counts cover the rest. */
const LISTED = 10;
/**
 * States and reason codes (the TargetHealth API reference) that waiting cannot change: only a person
 * or another system can. Each says what to do. Every other state and reason is waited for:
 * - `initial` (Elb.RegistrationInProgress, Elb.InitialHealthChecking): the load balancer is registering
 *   the target or sending its first checks; it turns healthy or unhealthy by itself.
 * - `unhealthy` with Target.ResponseCodeMismatch, Target.Timeout or Target.FailedHealthChecks: right
 *   after a deploy the app is still starting (refusing connections, answering slowly or with a 5xx).
 * - `unhealthy` or `unavailable` with Elb.InternalError: a fault of the load balancer's, not the user's.
 * - `draining`, `unhealthy.draining` (Target.DeregistrationInProgress): the target is leaving the group,
 *   gone once the deregistration delay has passed.
 * - a state or reason not listed here (AWS adds some): a bounded, reported wait is the safe side.
 */
const STUCK = {
    // Deregistered meanwhile: nothing registers it again by itself.
    'unused/Target.NotRegistered': 'the target is not registered with the group: register it',
    // The load balancer health-checks only groups it routes to, and only in the zones it has enabled.
    'unused/Target.NotInUse': 'no listener or rule forwards to the group, so the load balancer does not health-check it (name both groups in the forward action, the idle one with weight 0: the action keeps that shape), or the target is in an Availability Zone the load balancer does not enable',
    // A stopped or terminated instance stays so until someone starts or replaces it.
    'unused/Target.InvalidState': 'the instance is stopped or terminated: start it, or deregister it',
    // The address belongs to a load balancer node: it can never serve as a target.
    'unused/Target.IpUnusable': 'the IP address is reserved for a load balancer: register another address',
    // Without health checks there is no judgement to wait for.
    'unavailable/Target.HealthCheckDisabled': 'health checks are disabled for the group, so the load balancer cannot tell: enable them',
};
const stateOf = (t) => t.TargetHealth?.State ?? 'unknown';
const stuckCode = (t) => `${stateOf(t)}/${t.TargetHealth?.Reason ?? ''}`;
const isStuck = (t) => stuckCode(t) in STUCK;
const isReady = (targets) => targets.length > 0 && targets.every((t) => stateOf(t) === 'healthy');
/** One target as the load balancer sees it: `i-0abc:80 unhealthy (Target.Timeout: Request timed out)`. */
function describeTarget(t) {
    const health = t.TargetHealth ?? {};
    const why = [health.Reason, health.Description].filter(Boolean).join(': ');
    return `${t.Target?.Id}${t.Target?.Port ? `:${t.Target.Port}` : ''} ${stateOf(t)}${why ? ` (${why})` : ''}`;
}
/** The group at one look: how many targets are healthy, then each one that is not (stuck ones first). */
function picture(targets) {
    if (!targets.length)
        return 'no registered target';
    const unhealthy = targets.filter((t) => stateOf(t) !== 'healthy');
    const ordered = [...unhealthy.filter(isStuck), ...unhealthy.filter((t) => !isStuck(t))];
    const listed = ordered.slice(0, LISTED).map(describeTarget);
    if (ordered.length > LISTED)
        listed.push(`and ${ordered.length - LISTED} more not healthy`);
    return [`${targets.length - unhealthy.length}/${targets.length} targets healthy`, ...listed].join('; ');
}
/** Why no wait can make the group ready, with what to do; undefined while waiting still can. */
function whyStuck(targets, color, arn) {
    if (!targets.length) {
        return `${color}'s target group ${arn} has no registered target, and waiting registers none: register the color's targets (an Auto Scaling group or ECS service registers its own: let the deploy wait until it has)`;
    }
    const codes = [...new Set(targets.filter(isStuck).map(stuckCode))];
    if (!codes.length)
        return undefined;
    const advice = codes.map((code) => `${code.replace(/^[^/]*\//, '')}: ${STUCK[code]}`).join('. ');
    return `${color}'s target group ${arn} cannot turn healthy by waiting: ${picture(targets)}. ${advice}`;
}
/**
 * Waits until every registered target of `arn` is healthy (at least one), up to `timeoutMs`; 0 is a
 * single look. Each new picture of the group is told to `log` while it waits.
 */
async function waitHealthy(elb, arn, color, timeoutMs, clock, signal, log) {
    const deadline = clock.now() + timeoutMs;
    let told;
    for (;;) {
        const targets = await elb.targetHealth(arn, signal);
        const now = picture(targets);
        if (isReady(targets)) {
            // Closes the lines said while waiting.
            if (told !== undefined)
                log?.info(`${color}: ${now}`);
            return targets.length;
        }
        const stuck = whyStuck(targets, color, arn);
        if (stuck)
            throw new Error(stuck);
        if (clock.now() >= deadline)
            throw new Error(`${color}'s target group ${arn} is not ready${timeoutMs ? ` after ready-timeout (${(0,duration/* formatDuration */.a3)(timeoutMs)})` : ''}: ${now}`);
        if (now !== told)
            log?.info(`${color}: ${now}`);
        told = now;
        await clock.sleep(Math.min(targets_POLL_MS, Math.max(0, deadline - clock.now())), signal);
    }
}
/** The new color's target health as a sample: failing as soon as one target is not healthy. */
class TargetHealthSource {
    elb;
    arn;
    name;
    constructor(elb, arn, color) {
        this.elb = elb;
        this.arn = arn;
        this.name = `target health of ${color} (${arn.replace(/^.*:targetgroup\//, 'targetgroup/')})`;
    }
    async sample(signal) {
        const targets = await this.elb.targetHealth(this.arn, signal);
        return isReady(targets) ? { status: 'pass', detail: `${targets.length} healthy target(s)` } : { status: 'fail', detail: picture(targets) };
    }
}

;// CONCATENATED MODULE: ./lib/routers/aws-alb/router.js






const WRITE_WITHIN_MS = MARGIN_MS / 2;


/** Where a color's staged version is recorded: tags on its target group, visible in the console. */
const STAGED_TAGS = { version: 'blue-green-action:staged-version', at: 'blue-green-action:staged-at', by: 'blue-green-action:staged-by' };
const TAG_VALUE_MAX = 256;
async function createAlbRouter(s, deps) {
    return new AlbRouter(s, deps, new Elb(newClient({ region: s.region })));
}
/**
 * Flips the forward action of a listener (its default action) or of one rule. ELBv2 has no
 * conditional write, so each change reads the actions just before writing (compared with what
 * discovery read), asks the fence, writes the whole list back with only the forward action changed,
 * and reads back everything (snapshot.ts): a read-back that differs from the write in any way is a lost
 * race, reported, never papered over. Between runs of this action the lock rule excludes the race;
 * against a person or another tool writing between the read and the write (one API round trip,
 * tens of milliseconds), the read-back is what remains. The revision is a fingerprint of the whole
 * action list, so a change made after this run's write is seen by the verdict too.
 */
class AlbRouter {
    s;
    deps;
    elb;
    description;
    preview;
    /** The forward action as this run first read it: its shape is the one every change keeps. */
    template;
    /** The color that served when this run first read the router: going back there is never held up. */
    firstActive;
    said = [];
    stickinessChecked = false;
    constructor(s, deps, elb) {
        this.s = s;
        this.deps = deps;
        this.elb = elb;
        this.description = s.ruleArn ? `aws-alb rule ${s.ruleArn}` : `aws-alb listener ${s.listenerArn}`;
        if (s.testListenerArn)
            this.preview = (color, signal) => this.pointTestListener(color, signal);
    }
    get notes() {
        const byOperation = new Map();
        for (const call of this.elb.calls)
            byOperation.set(call, (byOperation.get(call) ?? 0) + 1);
        const counts = [...byOperation].map(([operation, n]) => `${operation} ${n}`).join(', ');
        return [...this.said, `${this.elb.calls.length} ELBv2 API call(s) in this step${counts ? ` (${counts})` : ''}.`];
    }
    other(color) {
        return this.deps.colors.find((c) => c !== color);
    }
    async preflight() {
        const { s, elb } = this;
        const input = s.ruleArn ? 'rule-arn' : 'listener-arn';
        const problems = [];
        const listener = await elb.listener(s.lockListenerArn);
        if (!listener)
            return [`Input '${input}': listener ${s.lockListenerArn} was not found in ${s.region}.`];
        if (s.ruleArn) {
            const rule = await elb.rule(s.ruleArn);
            if (!rule)
                problems.push(`Input 'rule-arn': rule ${s.ruleArn} was not found.`);
            else
                problems.push(...this.forwardProblems('rule-arn', `rule ${s.ruleArn}`, rule.Actions ?? []));
        }
        else
            problems.push(...this.forwardProblems('listener-arn', `listener ${s.listenerArn}`, listener.DefaultActions ?? []));
        for (const [color, arn] of Object.entries(s.targetGroups)) {
            const group = await elb.targetGroup(arn);
            const attached = group?.LoadBalancerArns ?? [];
            if (!group)
                problems.push(`Input 'target-groups': the target group for ${color} (${arn}) was not found.`);
            else if (attached.length && !attached.includes(listener.LoadBalancerArn ?? '')) {
                problems.push(`Input 'target-groups': the target group for ${color} (${group.TargetGroupName}) is attached to load balancer ${attached.join(', ')}, not to ${listener.LoadBalancerArn}, the listener's; a target group serves one load balancer.`);
            }
        }
        if (s.testListenerArn) {
            const test = await elb.listener(s.testListenerArn);
            if (!test)
                problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} was not found.`);
            else if (test.LoadBalancerArn !== listener.LoadBalancerArn)
                problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} is on load balancer ${test.LoadBalancerArn}, not on ${listener.LoadBalancerArn} with the live listener.`);
            else if (!forwardOf(test.DefaultActions ?? []))
                problems.push(`Input 'test-listener-arn': listener ${s.testListenerArn} has no forward action to point at the idle color.`);
        }
        return problems;
    }
    /** The live forward action must exist and name only the colors' groups. */
    forwardProblems(input, where, actions) {
        if (!forwardOf(actions))
            return [`Input '${input}': ${where} does not forward (its actions: ${actions.map((a) => a.Type).join(', ') || 'none'}); only a forward action can be flipped.`];
        try {
            routeOf(actions, this.s.targetGroups, where);
            return [];
        }
        catch (error) {
            return [`Input 'target-groups': ${(0,infra_log/* errorMessage */.gJ)(error)}.`];
        }
    }
    async snapshot(signal) {
        const { s, elb } = this;
        if (s.ruleArn) {
            const rule = await elb.rule(s.ruleArn, signal);
            if (!rule)
                throw new Error(`rule ${s.ruleArn} was not found`);
            return { actions: rule.Actions ?? [], conditions: rule.Conditions ?? [], priority: rule.Priority };
        }
        const listener = await elb.listener(s.listenerArn, signal);
        if (!listener)
            throw new Error(`listener ${s.listenerArn} was not found`);
        return { actions: listener.DefaultActions ?? [] };
    }
    stateOf(snapshot) {
        const { actions } = snapshot;
        const state = routeOf(actions, this.s.targetGroups, this.description);
        if (!this.template) {
            this.template = structuredClone(forwardOf(actions));
            this.firstActive = state.weights ? undefined : state.active;
        }
        return { ...state, revision: fingerprint(snapshot) };
    }
    async read(signal) {
        return this.stateOf(await this.snapshot(signal));
    }
    flip(to, expected, signal) {
        return this.change(to, 100, expected, signal);
    }
    setWeights(to, percent, expected, signal) {
        return this.change(to, percent, expected, signal);
    }
    async change(to, percent, expected, signal) {
        const callsBefore = this.elb.calls.length;
        await this.requireHealthy(to, signal);
        if (percent < 100 && !this.stickinessChecked)
            await this.checkStickiness((await this.snapshot(signal)).actions, signal);
        // Read, compare, fence and write back to back: the window in which another writer could interleave.
        const before = await this.snapshot(signal);
        (0,compare/* assertExpected */.FV)(this.description, this.stateOf(before), expected);
        const written = withWeights(before.actions, this.template, this.s.targetGroups[to], this.s.targetGroups[this.other(to)], percent);
        const what = `${percent < 100 ? `Shifting ${percent}% of` : 'The flip of'} ${this.description} to ${to}`;
        try {
            await this.fenced(what, signal, (bounded) => (this.s.ruleArn ? this.elb.modifyRule(this.s.ruleArn, written, bounded) : this.elb.modifyListener(this.s.listenerArn, written, bounded)));
        }
        catch (error) {
            if (error instanceof fence/* ExclusionLostError */.pK)
                throw error;
            throw new Error(`Could not ${percent < 100 ? `shift ${percent}% of` : 'flip'} ${this.description} to ${to}: ${(0,infra_log/* errorMessage */.gJ)(error)}`);
        }
        const after = await this.snapshot(signal);
        const back = forwardOf(after.actions);
        const foreign = shapeDifference(before, after);
        if (describeForward(back) !== describeForward(forwardOf(written)) || foreign) {
            const forwards = describeForward(back) === describeForward(forwardOf(written)) ? '' : ` It forwards to ${describeForward(back)}, but this run wrote ${describeForward(forwardOf(written))}.`;
            throw new compare/* RouteChangedError */.m8(`${this.description} was changed by someone else around this run's write:${forwards}${foreign ? ` Besides the forward targets, ${foreign}.` : ''} ELBv2 has no conditional write, so this run's write may have erased that change; leaving it as it is. Check the listener and restore what is missing.`, true);
        }
        const draining = percent === 100 ? await this.draining(this.other(to), signal) : undefined;
        const calls = this.elb.calls.slice(callsBefore);
        this.said.push(`${percent < 100 ? `Shift to ${to} ${percent}%` : `Flip to ${to}`}: ${calls.length} ELBv2 API call(s) (${calls.join(', ')}).`);
        if (draining)
            this.said.push(draining);
    }
    /**
     * New traffic goes only to a color whose targets are all healthy, waiting up to ready-timeout. Going
     * back to the color that served before this run is never held up: a rollback must not wait.
     */
    async requireHealthy(color, signal) {
        const arn = this.s.targetGroups[color];
        if (color !== this.firstActive) {
            await waitHealthy(this.elb, arn, color, this.deps.readyTimeoutMs, this.deps.clock, signal, this.deps.log);
            return;
        }
        await waitHealthy(this.elb, arn, color, 0, this.deps.clock, signal).catch((error) => {
            this.deps.log.warning(`Returning traffic to ${color} although ${(0,infra_log/* errorMessage */.gJ)(error)}.`, 'Target health');
        });
    }
    /** Weighted steps without target group stickiness move sticky sessions between colors: warn. */
    async checkStickiness(actions, signal) {
        this.stickinessChecked = true;
        if (groupStickiness(actions))
            return;
        for (const [color, arn] of Object.entries(this.s.targetGroups)) {
            if ((await this.elb.attributes(arn, signal))['stickiness.enabled'] !== 'true')
                continue;
            const message = `${color}'s target group keeps sessions on a target (stickiness.enabled), but the forward action of ${this.description} has target group stickiness off: during traffic steps a client bounces between colors. Turn on TargetGroupStickinessConfig in its ForwardConfig.`;
            this.deps.log.warning(message, 'Stickiness');
            this.said.push(message);
            return;
        }
    }
    /** When the old color is really idle: in-flight requests may last up to its deregistration delay. */
    async draining(color, signal) {
        const arn = this.s.targetGroups[color];
        const seconds = Number((await this.elb.attributes(arn, signal).catch(() => ({})))['deregistration_delay.timeout_seconds']);
        if (!Number.isFinite(seconds))
            return undefined;
        const idle = new Date(this.deps.clock.now() + seconds * 1000).toISOString();
        return `${color}'s target group (${arn.replace(/^.*:targetgroup\//, '')}) may finish in-flight requests for up to its deregistration delay of ${seconds} s: ${color} is idle from ${idle}.`;
    }
    /**
     * Points the test listener first, then waits for the color's targets: a group no listener forwards to
     * is not health-checked at all (`unused`, Target.NotInUse), so pointing is what lets it turn healthy.
     */
    async pointTestListener(color, signal) {
        const { s, elb } = this;
        const listener = await elb.listener(s.testListenerArn, signal);
        const actions = listener?.DefaultActions ?? [];
        const forward = forwardOf(actions);
        if (!forward)
            throw new Error(`test listener ${s.testListenerArn} was not found or does not forward`);
        const written = withWeights(actions, forward, s.targetGroups[color], s.targetGroups[this.other(color)], 100);
        try {
            await this.fenced(`Pointing test listener ${s.testListenerArn} at ${color}`, signal, (bounded) => elb.modifyListener(s.testListenerArn, written, bounded));
        }
        catch (error) {
            if (error instanceof fence/* ExclusionLostError */.pK)
                throw error;
            throw new Error(`Could not point test listener ${s.testListenerArn} at ${color}: ${(0,infra_log/* errorMessage */.gJ)(error)}`);
        }
        const back = forwardOf((await elb.listener(s.testListenerArn, signal))?.DefaultActions ?? []);
        if (describeForward(back) !== describeForward(forwardOf(written)))
            throw new Error(`test listener ${s.testListenerArn} forwards to ${describeForward(back)} after this run pointed it at ${color}`);
        this.deps.log.info(`Test listener ${s.testListenerArn} now forwards to ${color}.`);
        await waitHealthy(elb, s.targetGroups[color], color, this.deps.readyTimeoutMs, this.deps.clock, signal, this.deps.log);
    }
    /**
     * One write, as the fence allows it: checked right before it is sent, and given up unless answered
     * within half the margin the lock keeps before a waiter may take over (the SDK's retries included);
     * the other half covers a request already inside ELBv2 when it is given up. A write still in flight
     * after that could land beside the next holder's.
     */
    async fenced(what, signal, write) {
        const landBy = AbortSignal.timeout(WRITE_WITHIN_MS);
        await this.deps.fence.check(what);
        try {
            await write(signal ? AbortSignal.any([signal, landBy]) : landBy);
        }
        catch (error) {
            if (!landBy.aborted || signal?.aborted)
                throw error;
            throw new Error(`ELBv2 did not answer within ${WRITE_WITHIN_MS / 1000} s (half the time this run's lock keeps for a write to land), so it was given up (it may still have landed)`);
        }
    }
    lock(signal) {
        return takeLockRule(this.elb, this.s.lockListenerArn, this.deps.owner.job, this.deps.lockTimeoutMs, this.deps.clock, this.deps.log, signal);
    }
    healthSources(target) {
        return [new TargetHealthSource(this.elb, this.s.targetGroups[target], target)];
    }
    async recordStaged(color, record) {
        const tags = { [STAGED_TAGS.version]: toTagValue(record.version), [STAGED_TAGS.at]: toTagValue(record.at), [STAGED_TAGS.by]: toTagValue(record.by) };
        const long = Object.entries(tags).find(([, value]) => value.length > TAG_VALUE_MAX);
        if (long)
            throw new Error(`tag ${long[0]} would be ${long[1].length} characters, more than the ${TAG_VALUE_MAX} AWS allows`);
        await this.elb.addTags(this.s.targetGroups[color], tags);
    }
    async readStaged(color) {
        const arn = this.s.targetGroups[color];
        const tags = await this.elb.tags(arn);
        if (!tags)
            throw new Error(`target group ${arn} was not found`);
        if (!(STAGED_TAGS.version in tags))
            return undefined;
        return { version: fromTagValue(tags[STAGED_TAGS.version]), at: fromTagValue(tags[STAGED_TAGS.at] ?? ''), by: fromTagValue(tags[STAGED_TAGS.by] ?? '') };
    }
}


/***/ })

};
