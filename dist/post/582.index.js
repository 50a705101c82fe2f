export const id = 582;
export const ids = [582];
export const modules = {

/***/ 582:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   alarmSources: () => (/* binding */ alarmSources)
/* harmony export */ });
/* unused harmony exports AlarmHealthSource, describeError */
/* harmony import */ var _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4085);
/* harmony import */ var _aws_sdk_core_protocols__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7288);
/* harmony import */ var _infra_aws_credentials_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5868);
/**
 * CloudWatch alarms as health, through the SDK's own client and retry strategy. The client speaks the
 * AWS Query protocol: CloudWatch accepts it as it accepts its newer JSON protocol, and it is the one
 * whose errors every CloudWatch endpoint answers in a form the client can read (an endpoint that answers
 * errors as Query XML to a JSON client leaves AccessDenied unreadable).
 */



/** Attempts per call, the SDK's standard strategy (throttling and 5xx are retried with backoff). */
const MAX_ATTEMPTS = 3;
function alarmSources(checks, region) {
    const client = new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__/* .CloudWatchClient */ .WBn({ region, maxAttempts: MAX_ATTEMPTS, protocol: _aws_sdk_core_protocols__WEBPACK_IMPORTED_MODULE_1__.AwsQueryProtocol });
    // The checks share one client, so "no credentials" is said in full once, not once per check.
    const credentials = new _infra_aws_credentials_js__WEBPACK_IMPORTED_MODULE_2__/* .CredentialsNotice */ .np('CloudWatch');
    return checks.map((check) => new AlarmHealthSource(check, client, region, credentials));
}
class AlarmHealthSource {
    check;
    client;
    region;
    credentials;
    name;
    requiresData;
    info = { unit: 'in ALARM (1) or not (0)', max: 0 };
    /** When traffic first moved: with `already-in-alarm: ignore`, only an ALARM entered after it counts. */
    flippedAt;
    constructor(check, client, region, credentials = new _infra_aws_credentials_js__WEBPACK_IMPORTED_MODULE_2__/* .CredentialsNotice */ .np('CloudWatch')) {
        this.check = check;
        this.client = client;
        this.region = region;
        this.credentials = credentials;
        this.name = check.name;
        this.requiresData = check.onNoData === 'wait';
    }
    /** The alarm exists, can be read, and (unless told to ignore it) is not already in ALARM. */
    async validate(signal) {
        let alarm;
        try {
            alarm = await this.describe(signal);
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            return `Input 'health-checks': check "${this.name}" cannot read CloudWatch alarm "${this.check.alarm}": ${describeError(error)}.`;
        }
        if (!alarm)
            return `Input 'health-checks': CloudWatch alarm "${this.check.alarm}" does not exist in ${this.region}.`;
        if (alarm.StateValue === 'ALARM' && this.check.alreadyInAlarm === 'refuse') {
            return (`Input 'health-checks': CloudWatch alarm "${this.check.alarm}" is already in ALARM (since ${alarm.StateUpdatedTimestamp?.toISOString()}: ${alarm.StateReason}) before traffic moved. ` +
                'Fix what it reports, or set `already-in-alarm: ignore` to judge only an ALARM entered after the flip.');
        }
        return undefined;
    }
    trafficMoved(at) {
        this.flippedAt ??= at;
    }
    async sample(signal) {
        const alarm = await this.describe(signal);
        if (!alarm)
            return { status: 'error', detail: `alarm ${this.check.alarm} no longer exists` };
        const since = alarm.StateUpdatedTimestamp?.toISOString() ?? 'unknown';
        switch (alarm.StateValue) {
            case 'OK':
                return { status: 'pass', value: 0, detail: `OK since ${since}` };
            case 'ALARM': {
                const old = this.check.alreadyInAlarm === 'ignore' && this.flippedAt !== undefined && (alarm.StateUpdatedTimestamp?.getTime() ?? 0) < this.flippedAt;
                if (old)
                    return { status: 'pass', value: 1, detail: `in the ALARM it entered before the flip (${since}); ignored (already-in-alarm: ignore)` };
                return { status: 'fail', value: 1, detail: `ALARM since ${since}: ${alarm.StateReason}` };
            }
            default: {
                const policy = this.check.onNoData;
                return { status: policy === 'wait' ? 'no-data' : policy, detail: `INSUFFICIENT_DATA since ${since} (on-no-data: ${policy})` };
            }
        }
    }
    async describe(signal) {
        try {
            const answer = await this.client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__/* .DescribeAlarmsCommand */ .zWD({ AlarmNames: [this.check.alarm], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), { abortSignal: signal });
            return answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
        }
        catch (error) {
            const noCredentials = this.credentials.describe(error, `check "${this.name}"`);
            throw noCredentials ? new Error(noCredentials) : error;
        }
    }
}
/** AccessDenied names the IAM action that is missing; other errors keep the service's words. */
function describeError(error) {
    const name = error.name ?? '';
    const message = error.message ?? String(error);
    if (/AccessDenied/.test(name))
        return `the credentials may not call cloudwatch:DescribeAlarms (${name}: ${message}); allow it in the role's policy`;
    return `${name && name !== 'Error' ? `${name}: ` : ''}${message}`;
}


/***/ }),

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


/***/ })

};
