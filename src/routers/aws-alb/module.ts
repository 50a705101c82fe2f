import { lines, type InputReader, type Problems } from '../../infra/parse.js';
import type { Color } from '../../types.js';
import type { RouterModule } from '../module.js';
import { expectedArn, parseArn, type Arn } from './arn.js';

export interface AlbSettings {
  /** The listener whose default forward action is flipped; '' when a rule is flipped instead. */
  listenerArn: string;
  /** The listener rule whose forward action is flipped; '' when the listener's default action is. */
  ruleArn: string;
  /** The listener that holds the lock rule: listener-arn, or the listener of rule-arn. */
  lockListenerArn: string;
  /** The load balancer of that listener: target groups attached elsewhere are refused. */
  loadBalancerArn: string;
  targetGroups: Record<Color, string>;
  /** Pointed at the idle color before smoke tests; '' for none. */
  testListenerArn: string;
  region: string;
}

export const awsAlbModule: RouterModule<AlbSettings> = {
  settings(input, problems, common) {
    const listenerArn = input('listener-arn');
    const ruleArn = input('rule-arn');
    const arns: Arn[] = [];
    const check = (name: string, kind: 'listener' | 'rule', text: string): Arn | undefined => {
      const arn = parseArn(kind, text);
      if (arn) arns.push(arn);
      else problems.add(name, text, expectedArn(kind));
      return arn;
    };
    let main: Arn | undefined;
    if (listenerArn && ruleArn) problems.note('rule-arn', 'and listener-arn are both set: give listener-arn to flip its default action, or rule-arn to flip that rule, not both.');
    else if (ruleArn) main = check('rule-arn', 'rule', ruleArn);
    else if (listenerArn) main = check('listener-arn', 'listener', listenerArn);
    else problems.note('listener-arn', `is empty: the aws-alb router needs listener-arn (${expectedArn('listener')}) or rule-arn.`);
    const testListenerArn = input('test-listener-arn');
    if (testListenerArn) {
      const test = check('test-listener-arn', 'listener', testListenerArn);
      if (test && main && test.listener === main.listener) problems.note('test-listener-arn', 'is the live listener; it must be another listener (pointed at the idle color for smoke tests).');
    }
    const targetGroups = readTargetGroups(input, problems, arns, common.colors);
    const { region, fromEnvironment } = common.aws;
    const regions = [...new Set(arns.map((arn) => arn.region))];
    if (regions.length > 1) problems.note('target-groups', `the ARNs name different regions (${regions.join(', ')}); the load balancer, its listeners and target groups are all in one region.`);
    // A refused aws-region was said once, where it is read; comparing it too would say it twice.
    else if (region && problems.ok('aws-region') && regions.length === 1 && regions[0] !== region) {
      const from = fromEnvironment ? ' (from AWS_REGION, as aws-region is empty)' : '';
      problems.note('aws-region', `is "${region}"${from}, but the ARNs are in ${regions[0]}; set aws-region to ${regions[0]}.`);
    }
    return {
      listenerArn: ruleArn ? '' : listenerArn,
      ruleArn,
      lockListenerArn: main?.listener ?? '',
      loadBalancerArn: main?.loadBalancer ?? '',
      targetGroups,
      testListenerArn,
      region: region || regions[0] || '',
    };
  },
  // Weighted forward actions split traffic on every ALB listener and rule.
  cannotSplit: () => undefined,
  async create(s, deps) {
    const { createAlbRouter } = await import('./router.js');
    return createAlbRouter(s, deps);
  },
};

/** `color=arn` lines, one per color, each a target group ARN, no group twice. */
function readTargetGroups(input: InputReader, problems: Problems, arns: Arn[], colors: readonly Color[]): Record<Color, string> {
  const groups: Record<Color, string> = {};
  // Lines are judged against the colors; refused colors would only invent a second error here.
  if (!problems.ok('colors')) return groups;
  for (const line of lines(input('target-groups'))) {
    const at = line.indexOf('=');
    const color = at > 0 ? line.slice(0, at).trim() : '';
    const arn = at > 0 ? line.slice(at + 1).trim() : line;
    if (!colors.includes(color)) {
      problems.add('target-groups', line, `lines "color=ARN" for the colors ${colors.join(' and ')}, e.g. ${colors[0]}=${expectedArn('targetGroup').replace(/^.* such as /, '')}`);
      continue;
    }
    const parsed = parseArn('targetGroup', arn);
    if (!parsed) problems.add('target-groups', arn, `for ${color}, ${expectedArn('targetGroup')}`);
    else if (color in groups) problems.note('target-groups', `names ${color} twice; give one line per color.`);
    else if (Object.values(groups).includes(arn)) problems.note('target-groups', `gives the same target group to both colors (${arn}); each color needs its own.`);
    else {
      groups[color] = arn;
      arns.push(parsed);
    }
  }
  const missing = colors.filter((color) => !(color in groups));
  if (missing.length && problems.ok('target-groups')) {
    problems.note('target-groups', `has no target group for ${missing.join(' and ')}: give one "color=ARN" line per color, e.g. ${colors[0]}=${expectedArn('targetGroup').replace(/^.* such as /, '')}`);
  }
  return groups;
}
