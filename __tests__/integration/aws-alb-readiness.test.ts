// What stops an aws-alb release before traffic moves, through the bundled action against moto in server
// mode on 127.0.0.1: no AWS credentials (said once, with what to do), and a target group that no wait
// can make ready (no registered target; a stopped instance, which moto reports as `unused`,
// Target.InvalidState) — refused at once, not after ready-timeout, nothing flipped.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { albFixture, listenerActions, listenerRules, REGION, startMoto, stopInstance } from '../../test-support/moto.mjs';
import { useMoto } from '../../test-support/moto-hooks.mjs';
import { ROOT, runAction } from '../../test-support/runner.mjs';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Fixture = Awaited<ReturnType<typeof albFixture>>;

const moto: Moto = useMoto();

/** moto, and nothing the SDK's default chain could take credentials from (nor wait on: no IMDS). */
function noCredentials(): Record<string, string> {
  const empty = join(mkdtempSync(join(tmpdir(), 'bg-aws-')), 'empty');
  writeFileSync(empty, '');
  return { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: REGION, AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty, AWS_EC2_METADATA_DISABLED: 'true' };
}

const count = (text: string, part: string) => text.split(part).length - 1;
const forwardsTo = async (f: Fixture) => (await listenerActions(f.elb, f.listener)).find((a) => a.Type === 'forward')?.TargetGroupArn;

/** A deploy with the default ready-timeout (10m): only a refusal at once ends it within the test's time. */
async function release(f: Fixture, env: Record<string, string> = moto.env()) {
  const started = Date.now();
  const run = await runAction({ router: 'aws-alb', 'listener-arn': f.listener, 'target-groups': `blue=${f.groups.blue}\ngreen=${f.groups.green}` }, { env });
  // eslint-disable-next-line no-console -- how quickly a refusal comes, measured, not asserted
  console.log(`aws-alb release ended (${run.outputs.result}) after ${Date.now() - started} ms`);
  return run;
}

describe('aws-alb: refused before traffic moves', () => {
  it('without AWS credentials says once what to do (configure-aws-credentials, the variables, the IAM policy), touching nothing', async () => {
    const f = await albFixture(moto);
    const run = await release(f, noCredentials());
    expect(run.outputs.result, run.stdout).toBe('aborted');
    const { reason } = run.outputs;
    expect(reason).toMatch(/^No AWS credentials: the AWS SDK found none for the ELBv2 API \(Could not load credentials from any providers\)\. /);
    expect(reason).toMatch(/aws-actions\/configure-aws-credentials with OIDC .*role-to-assume.*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.*AWS_PROFILE.*AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE.*aws\/iam-policy\.json/);
    // Said once in the reason, in the log's result line, in the error annotation and in the summary.
    expect(count(reason, 'configure-aws-credentials')).toBe(1);
    expect(count(reason, 'Could not load credentials from any providers')).toBe(1);
    const lines = run.stdout.split('\n').filter((line: string) => line.includes('configure-aws-credentials'));
    expect(lines.map((line: string) => line.slice(0, 14))).toEqual(['Result: aborte', '::error title=']);
    for (const line of lines) expect(count(line, 'configure-aws-credentials')).toBe(1);
    expect(count(run.summary(), 'configure-aws-credentials')).toBe(1);
    expect(run.summary()).toContain('the router could not be read (still no AWS credentials for the ELBv2 API)');
    expect(await forwardsTo(f)).toBe(f.groups.blue);
    expect((await listenerRules(f.elb, f.listener)).filter((r) => r.Priority === '50000')).toEqual([]);
  });

  it('cloudwatch-alarm checks without AWS credentials (any router) say it in full for one check only', async () => {
    const routeFile = join(mkdtempSync(join(tmpdir(), 'bg-route-')), 'route');
    writeFileSync(routeFile, 'blue\n');
    const tool = `${process.execPath} ${join(ROOT, 'test-support/route-file.mjs')}`;
    const run = await runAction(
      {
        router: 'command',
        'router-get-command': `${tool} get ${routeFile}`,
        'router-set-command': `${tool} set ${routeFile} {color} {weight}`,
        'health-checks': '- type: cloudwatch-alarm\n  alarm: api-5xx\n- type: cloudwatch-alarm\n  alarm: p99',
      },
      { env: noCredentials() },
    );
    expect(run.outputs.result, run.stdout).toBe('aborted');
    expect(count(run.outputs.reason, 'configure-aws-credentials')).toBe(1);
    expect(run.outputs.reason).toMatch(/cannot read CloudWatch alarm "(api-5xx|p99)": no AWS credentials for the CloudWatch API \(what to do is said for check "alarm (api-5xx|p99)"\)/);
    expect(run.stdout).not.toContain('CredentialsProviderError');
  });

  it('a target group without any registered target is refused at once, nothing flipped', async () => {
    const f = await albFixture(moto);
    await f.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: f.groups.green, Targets: f.instances.green.map((Id: string) => ({ Id, Port: 80 })) }));
    const run = await release(f);
    expect(run.outputs.result, run.stdout).toBe('aborted');
    expect(run.outputs.reason).toContain(`green's target group ${f.groups.green} has no registered target, and waiting registers none: register the color's targets`);
    expect(run.outputs.reason).toMatch(/Traffic stayed on blue/);
    expect(run.summary()).not.toContain('ModifyListener');
    expect(await forwardsTo(f)).toBe(f.groups.blue);
  });

  it('a stopped instance (moto: unused, Target.InvalidState) is refused at once, listing the target, nothing flipped', async () => {
    const f = await albFixture(moto);
    const [stopped] = f.instances.green;
    await stopInstance(moto, stopped);
    const run = await release(f);
    expect(run.outputs.result, run.stdout).toBe('aborted');
    expect(run.outputs.reason).toContain(
      `green's target group ${f.groups.green} cannot turn healthy by waiting: 1/2 targets healthy; ${stopped}:80 unused (Target.InvalidState: Target is in the stopped state). Target.InvalidState: the instance is stopped or terminated: start it, or deregister it`,
    );
    expect(run.outputs.reason).toMatch(/Traffic stayed on blue/);
    expect(run.summary()).not.toContain('ModifyListener');
    expect(await forwardsTo(f)).toBe(f.groups.blue);
  });
});
