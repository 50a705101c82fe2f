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
    return checks.map((check) => new AlarmHealthSource(check, client, region));
}
class AlarmHealthSource {
    check;
    client;
    region;
    name;
    requiresData;
    info = { unit: 'in ALARM (1) or not (0)', max: 0 };
    /** When traffic first moved: with `already-in-alarm: ignore`, only an ALARM entered after it counts. */
    flippedAt;
    constructor(check, client, region) {
        this.check = check;
        this.client = client;
        this.region = region;
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
        const answer = await this.client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__/* .DescribeAlarmsCommand */ .zWD({ AlarmNames: [this.check.alarm], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), { abortSignal: signal });
        return answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
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


/***/ })

};
