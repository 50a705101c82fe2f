import * as parse from '../../infra/parse.js';
import type { Color } from '../../types.js';
import type { RouterModule } from '../module.js';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface Route53Settings {
  /** The zone's id without the `/hostedzone/` prefix the API sometimes adds. */
  zoneId: string;
  /** Lower case with the final dot, as Route 53 lists names. */
  recordName: string;
  recordType: RecordType;
  /** Each color's SetIdentifier: the template with `{color}` filled in. */
  setIdentifiers: Record<Color, string>;
  /** `allow-long-ttl`: a TTL longer than a window is let through (and only warned about). */
  allowLongTtl: boolean;
  /** What each window lasts: a TTL is judged against them once the records are read. */
  windows: { healthMs: number; stepMs: number; stepped: boolean };
  region: string;
}

/** Route 53's zone ids: upper-case letters and digits (Z1D633PJN98FT9), as the console shows them. */
const ZONE_ID = /^(?:\/hostedzone\/)?([A-Z0-9]{1,32})$/;
/** A DNS name of labels (a leading `*` label for a wildcard), at most 253 characters without the final dot. */
const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.?$/i;
/** SetIdentifier: 1 to 128 characters; kept to what reads well in the console and in a log line. */
const SET_IDENTIFIER = /^[\w .:/=+@-]{1,128}$/;

export const route53Module: RouterModule<Route53Settings> = {
  settings(input, problems, common) {
    const zoneText = input('hosted-zone-id');
    const zone = ZONE_ID.exec(zoneText);
    if (!zoneText) problems.note('hosted-zone-id', 'is empty: the route53 router needs the id of the hosted zone that holds the weighted records (e.g. Z1D633PJN98FT9).');
    else if (!zone) problems.add('hosted-zone-id', zoneText, 'a hosted zone id such as Z1D633PJN98FT9');
    const name = input('record-name');
    if (!name) problems.note('record-name', 'is empty: the route53 router needs the name of the two weighted records (e.g. app.example.com).');
    else if (!DNS_NAME.test(name) || name.replace(/\.$/, '').length > 253) problems.add('record-name', name, 'a DNS name such as app.example.com');
    const recordType = parse.oneOf(problems, 'record-type', input('record-type') || 'A', RECORD_TYPES);
    return {
      zoneId: zone?.[1] ?? '',
      recordName: `${name.toLowerCase().replace(/\.$/, '')}.`,
      recordType,
      setIdentifiers: setIdentifiers(problems, input('set-identifier') || '{color}', common.colors),
      allowLongTtl: parse.boolean(problems, 'allow-long-ttl', input('allow-long-ttl')),
      windows: { healthMs: common.windows.healthMs, stepMs: common.windows.stepMs, stepped: common.windows.steps.length > 1 },
      // Route 53 is global; its API is signed for us-east-1 whatever region the rest of the run uses.
      region: common.aws.region || 'us-east-1',
    };
  },
  // Weighted records split traffic by their nature.
  cannotSplit: () => undefined,
  async create(s, deps) {
    const { createRoute53Router } = await import('./router.js');
    return createRoute53Router(s, deps);
  },
};

/** The template filled in per color: it must name `{color}`, so the two identifiers differ. */
function setIdentifiers(problems: parse.Problems, template: string, colors: readonly Color[]): Record<Color, string> {
  const accepted = 'a SetIdentifier template holding {color} (e.g. "{color}" or "app-{color}"): letters, digits, spaces and _.:/=+@-, at most 128 characters once filled in';
  const filled = Object.fromEntries(colors.map((color) => [color, template.replaceAll('{color}', color)]));
  if (!template.includes('{color}') || !Object.values(filled).every((id) => SET_IDENTIFIER.test(id))) problems.add('set-identifier', template, accepted);
  return filled;
}
