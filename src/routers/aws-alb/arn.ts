/**
 * ELBv2 ARNs, checked against the forms AWS issues before any is sent: moto (the test peer) accepts
 * anything, and a typo must be a bad input, not a "not found" after the lock was taken.
 */
const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const ACCOUNT = '\\d{12}';
/** Load balancer and target group names: 1–32 letters, digits and inner hyphens. */
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?';
const ID = '[0-9a-f]{16}';

const PREFIX = `arn:(${PARTITION}):elasticloadbalancing:(${REGION}):(${ACCOUNT})`;
const FORMS = {
  listener: new RegExp(`^${PREFIX}:listener/app/(${NAME})/(${ID})/(${ID})$`),
  rule: new RegExp(`^${PREFIX}:listener-rule/app/(${NAME})/(${ID})/(${ID})/(${ID})$`),
  targetGroup: new RegExp(`^${PREFIX}:targetgroup/(${NAME})/(${ID})$`),
};

export type ArnKind = keyof typeof FORMS;

export const ARN_EXAMPLES: Record<ArnKind, string> = {
  listener: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2',
  rule: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
  targetGroup: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
};

const WHAT: Record<ArnKind, string> = {
  listener: 'an Application Load Balancer listener ARN',
  rule: 'an Application Load Balancer listener rule ARN',
  targetGroup: 'a target group ARN',
};

export interface Arn {
  partition: string;
  region: string;
  account: string;
  /** The load balancer's ARN, for listeners and rules. */
  loadBalancer?: string;
  /** The listener's ARN, for listeners and rules (a rule's listener holds the lock). */
  listener?: string;
  /** The target group's name, for target groups. */
  name?: string;
}

/** The parts of an ARN of that kind, or undefined when it is not one. */
export function parseArn(kind: ArnKind, text: string): Arn | undefined {
  const match = FORMS[kind].exec(text);
  if (!match) return undefined;
  const [, partition, region, account, name, lbId, listenerId] = match;
  const base = { partition, region, account };
  if (kind === 'targetGroup') return { ...base, name };
  const lb = `arn:${partition}:elasticloadbalancing:${region}:${account}:loadbalancer/app/${name}/${lbId}`;
  return { ...base, loadBalancer: lb, listener: `arn:${partition}:elasticloadbalancing:${region}:${account}:listener/app/${name}/${lbId}/${listenerId}` };
}

/** What the input must hold, for a problem message: the form and an example. */
export function expectedArn(kind: ArnKind): string {
  return `${WHAT[kind]} such as ${ARN_EXAMPLES[kind]}`;
}
