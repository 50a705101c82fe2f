// No AWS credentials: the real SDK clients with an empty default chain, said once with what to do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alarmSources } from '../../src/health/cloudwatch-alarm/source.js';
import { AwsCallError, Elb, newClient } from '../../src/routers/aws-alb/client.js';

const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2';
const CHAIN = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

/** An environment in which the SDK's default chain finds nothing, and does not wait on IMDS to learn it. */
beforeEach(() => {
  const empty = join(mkdtempSync(join(tmpdir(), 'bg-aws-')), 'empty');
  writeFileSync(empty, '');
  for (const name of [...CHAIN, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_ENDPOINT_URL']) vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_CONFIG_FILE', empty);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', empty);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => vi.unstubAllEnvs());

/** A request handler that records what reaches it: nothing should, unsigned. */
function recorder() {
  const sent: unknown[] = [];
  return { sent, handler: { handle: async (request: unknown) => (sent.push(request), Promise.reject(new Error('sent'))), updateHttpClientConfig() {}, httpHandlerConfigs: () => ({}) } };
}

describe('no AWS credentials', () => {
  it('the ELBv2 client says it once, in full, naming what to do; later calls say it briefly', async () => {
    const { sent, handler } = recorder();
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: handler as never }));
    const first = await elb.listener(LISTENER).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(AwsCallError);
    expect((first as AwsCallError).code).toBe('NoCredentials');
    const message = (first as Error).message;
    expect(message).toMatch(/^No AWS credentials: the AWS SDK found none for the ELBv2 API \(Could not load credentials from any providers\)\. /);
    for (const words of ['aws-actions/configure-aws-credentials with OIDC', 'role-to-assume', 'id-token: write', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE', 'aws/iam-policy.json']) {
      expect(message).toContain(words);
    }
    expect(message).toContain('Set in this step: none of them.');
    await expect(elb.listener(LISTENER)).rejects.toThrow(/^still no AWS credentials for the ELBv2 API$/);
    expect(sent).toEqual([]);
  });

  it('names the variables of the chain that are set, never their values', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAONLYHALFOFAPAIR');
    vi.stubEnv('AWS_PROFILE', 'ci-release');
    const elb = new Elb(newClient({ region: 'us-east-1', requestHandler: recorder().handler as never }));
    const message = await elb.listener(LISTENER).catch((error: Error) => error.message);
    expect(message).toContain('Set in this step: AWS_ACCESS_KEY_ID, AWS_PROFILE.');
    expect(message).not.toContain('AKIAONLYHALFOFAPAIR');
    expect(message).not.toContain('ci-release');
  });

  it('cloudwatch-alarm checks sharing a client say it in full for one check; the others name that check', async () => {
    const checks = ['api-5xx', 'p99'].map((alarm) => ({ name: `alarm ${alarm}`, alarm, onNoData: 'wait' as const, alreadyInAlarm: 'refuse' as const }));
    const problems = await Promise.all(alarmSources(checks, 'us-east-1').map((source) => source.validate!()));
    // Both calls fail together, in no fixed order: which check gets the full message is not fixed either.
    const full = problems.findIndex((problem) => problem?.includes('No AWS credentials: the AWS SDK found none for the CloudWatch API'));
    expect(full).toBeGreaterThanOrEqual(0);
    const [alarm, other] = full === 0 ? ['api-5xx', 'p99'] : ['p99', 'api-5xx'];
    expect(problems[full]).toMatch(new RegExp(`^Input 'health-checks': check "alarm ${alarm}" cannot read CloudWatch alarm "${alarm}": No AWS credentials: .*configure-aws-credentials`));
    expect(problems[1 - full]).toBe(`Input 'health-checks': check "alarm ${other}" cannot read CloudWatch alarm "${other}": no AWS credentials for the CloudWatch API (what to do is said for check "alarm ${alarm}").`);
  });
});
