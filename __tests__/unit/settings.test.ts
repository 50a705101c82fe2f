import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checksOf } from '../../src/health/index.js';
import { ROUTER_KINDS } from '../../src/routers/index.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import type { HttpProbe } from '../../src/probes/probe.js';
import { watch } from '../../src/phases/watch.js';
import { FakeClock, inputs } from '../../test-support/fakes.js';

const nginx = { router: 'nginx', 'nginx-conf': '/etc/nginx/live.conf', version: 'v2' };
const command = { router: 'command', 'router-get-command': 'get-color', 'router-set-command': 'set-color {color}', version: 'v2' };

function problems(given: Record<string, string>): string[] {
  try {
    readSettings(inputs(given));
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('readSettings', () => {
  it('says a missing value is missing, not that it got ""', () => {
    expect(problems({ router: 'kubernetes', version: 'v2' })).toContain('Input \'service\': is required with router "kubernetes": the name of the live Service, whose selector is flipped.');
    expect(problems({ ...nginx, version: '' }).join()).toMatch(/Input 'version': is empty; expected a release label/);
  });

  it('samples a window as it opens and as it closes when the interval is longer (what the refusal says)', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const source = { name: 'live', sample: async () => (at.push(clock.now() - start), { status: 'pass' as const, detail: 'ok' }) };
    const start = clock.now();
    expect(await watch([source], { clock, windowMs: 5_000, intervalMs: 10_000, failureThreshold: 1, errorThreshold: 3, label: 'the health window' })).toEqual({ passed: true });
    expect(at).toEqual([0, 5_000]);
  });

  it('applies the documented defaults', () => {
    const s = readSettings(inputs(nginx));
    expect(s.mode).toBe('deploy');
    expect(s.colors).toEqual(['blue', 'green']);
    expect(s.health).toMatchObject({ windowMs: 300_000, intervalMs: 10_000, failureThreshold: 1, errorThreshold: 3 });
    expect(s.smoke).toMatchObject({ timeoutMs: 10_000, retries: 3, probes: [] });
    expect(s.deploy.readyTimeoutMs).toBe(600_000);
    expect(s.traffic).toEqual({ steps: [100], stepWindowMs: 60_000 });
    expect(s.rollbackOnFailure).toBe(true);
    expect(s.routing).toEqual({
      marker: '',
      conf: '/etc/nginx/live.conf',
      template: 'proxy_pass http://{color};',
      testCommand: ['nginx', '-t'],
      reloadCommand: ['nginx', '-s', 'reload'],
      pidFile: '',
    });
  });

  it('gives the same settings from action.yml defaults as from empty inputs', () => {
    const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> };
    const defaults: Record<string, string> = {};
    for (const [name, spec] of Object.entries(action.inputs)) {
      if (!String(spec.default ?? '').includes('${{')) defaults[name] = String(spec.default ?? '');
    }
    expect(readSettings(inputs({ ...defaults, ...nginx }))).toEqual(readSettings(inputs(nginx)));
  });

  it('parses every kind of value', () => {
    const s = readSettings(
      inputs({
        ...command,
        'router-set-command': 'set-weight --color {color} --weight {weight}',
        mode: 'promote',
        colors: 'green, blue',
        'dry-run': 'TRUE',
        'ready-timeout': '90s',
        'smoke-urls': 'http://preview/{color}/health\n\nhttps://x.test/ok',
        'smoke-headers': 'Authorization: Bearer sekret-token\nX-Env: staging',
        'smoke-timeout': '500ms',
        'smoke-retries': '5',
        'health-window': '1h',
        'health-interval': '1.5s',
        'health-urls': 'http://live/',
        'health-checks': '- name: api\n  type: http\n  url: http://live/api\n  expect-status: [200, 204]\n  expect-body: ok$\n  max-latency: 300ms',
        'failure-threshold': '2',
        'error-threshold': '4',
        'traffic-steps': '10, 50,100',
        'step-window': '30s',
        'rollback-on-failure': 'false',
      }),
    );
    expect(s.mode).toBe('promote');
    expect(s.colors).toEqual(['green', 'blue']);
    expect(s.dryRun).toBe(true);
    expect(s.deploy.readyTimeoutMs).toBe(90_000);
    expect(s.smoke.probes.map((p) => p.url)).toEqual(['http://preview/{color}/health', 'https://x.test/ok']);
    expect(s.smoke.probes[0].headers).toEqual({ Authorization: 'Bearer sekret-token', 'X-Env': 'staging' });
    expect(s.smoke).toMatchObject({ timeoutMs: 500, retries: 5 });
    expect(s.health).toMatchObject({ windowMs: 3_600_000, intervalMs: 1500, failureThreshold: 2, errorThreshold: 4 });
    const api = checksOf<HttpProbe>(s.health.checks, 'http')[1];
    expect(api).toMatchObject({ name: 'api', url: 'http://live/api', method: 'GET', expectStatus: [200, 204], maxLatencyMs: 300 });
    expect(api.expectBody?.test('all ok')).toBe(true);
    // smoke-headers go with every health request too: the http checks share them.
    expect(s.health.checks.find((set) => set.type === 'http')?.shared).toEqual({ Authorization: 'Bearer sekret-token', 'X-Env': 'staging' });
    expect(s.traffic).toEqual({ steps: [10, 50, 100], stepWindowMs: 30_000 });
    expect(s.rollbackOnFailure).toBe(false);
    expect(s.secrets).toContain('Bearer sekret-token');
    expect((s.routing as { set: string[] }).set).toEqual(['set-weight', '--color', '{color}', '--weight', '{weight}']);
  });

  it('splits commands like a shell would quote them, without running one', () => {
    const s = readSettings(inputs({ ...nginx, 'deploy-command': `./deploy.sh --color {color} --note "two words" '$HOME'` }));
    expect(s.deploy.command).toEqual(['./deploy.sh', '--color', '{color}', '--note', 'two words', '$HOME']);
  });

  it.each([
    ['mode', 'ship', /Input 'mode': got "ship"; expected one of: deploy, stage, promote, rollback, status/],
    ['router', 'traefik', /Input 'router': got "traefik"; expected one of: kubernetes, aws-alb, route53, nginx, haproxy, command/],
    ['colors', 'blue', /Input 'colors': got "blue"; expected two different color names/],
    ['colors', 'blue,blue', /two different color names/],
    ['colors', 'Blue,green', /two different color names/],
    ['dry-run', 'yes', /Input 'dry-run': got "yes"; expected "true" or "false"/],
    ['ready-timeout', '10', /Input 'ready-timeout': got "10"; expected a number with a unit, e.g. 500ms, 30s, 5m, 1h/],
    ['health-window', '5 minutes', /Input 'health-window': got "5 minutes"/],
    ['health-interval', '10ms', /Input 'health-interval': got "10ms"; expected .* at least 50ms/],
    ['smoke-retries', '0', /Input 'smoke-retries': got "0"; expected a whole number from 1 to 20/],
    ['smoke-timeout', '10m', /Input 'smoke-timeout': got "10m"; expected .*, at least 1ms and at most 5m\./],
    ['ready-timeout', '600h', /Input 'ready-timeout': got "600h"; expected .*, at least 1ms and at most 6h\./],
    ['health-window', '99999999999s', /Input 'health-window': got "99999999999s"; expected .*, at most 6h\./],
    ['lock-timeout', '7h', /Input 'lock-timeout': got "7h"/],
    ['step-window', '1e9ms', /Input 'step-window': got "1e9ms"/],
    ['health-interval', '2h', /Input 'health-interval': got "2h"; expected .*, at least 50ms and at most 1h\./],
    ['smoke-tests', '- url: http://x/\n  max-latency: 1h', /Input 'smoke-tests\[0\].max-latency': got "1h"; expected .*, at most 5m/],
    ['deploy-command', 'deploy "abc', /Input 'deploy-command': got "deploy "abc": an unbalanced double quote at character 8\./],
    ['deploy-command', 'deploy abc\\', /Input 'deploy-command': .*a trailing backslash at character 11/],
    ['deploy-command', 'deploy\n--now', /Input 'deploy-command': got "deploy\\n--now": a line break at character 7/],
    ['smoke-headers', 'X-A: a\rb', /Input 'smoke-headers': the value of header "X-A" contains a line break/],
    ['smoke-headers', 'X-A: caf\u00e9\u20ac', /Input 'smoke-headers': the value of header "X-A" contains .* outside Latin-1/],
    ['smoke-headers', `X-A: ${'a'.repeat(9000)}`, /Input 'smoke-headers': the value of header "X-A" is longer than 8192 characters/],
    ['smoke-headers', 'X A: b', /Input 'smoke-headers': a header name is not valid .*; the line is hidden/],
    ['prometheus-headers', 'X-A : b', /Input 'prometheus-headers': header "X-A" has a space before its colon/],
    ['smoke-tests', '- url: http://x/\n  headers:\n    X-A: "a\\nb"', /Input 'smoke-tests\[0\].headers': the value of header "X-A" contains a line break/],
    ['smoke-tests', '- url: http://x/\n  headers:\n    "X A": b', /Input 'smoke-tests\[0\].headers': a header name is not valid/],
    ['prometheus-url', 'http://u:p%zz@prom:9090', /Input 'prometheus-url': carries user:password@ that is not valid percent-encoding/],
    ['router', 'Nginx', /^Input 'router': got "Nginx"; expected one of: kubernetes, aws-alb, route53, nginx, haproxy, command\.$/],
    ['job-index', 'x', /Input 'job-index': got "x"/],
    ['smoke-tests', '- url: http://x/\n  headers:\n    X-A: [1, 2]', /Input 'smoke-tests\[0\].headers': the value of header "X-A" is a list/],
    ['version', 'v2\u0007', /Input 'version': got "v2\\u0007"/],
    ['failure-threshold', '-1', /Input 'failure-threshold': got "-1"; expected a whole number from 1 to 1000/],
    ['error-threshold', 'three', /Input 'error-threshold': got "three"/],
    ['traffic-steps', '50,10,100', /Input 'traffic-steps': got "50,10,100"; expected rising whole percentages ending at 100/],
    ['traffic-steps', '10,50', /ending at 100/],
    ['smoke-urls', 'ftp://host/x', /Input 'smoke-urls': got "ftp:\/\/host\/x"; expected an absolute http/],
    ['health-urls', 'not a url', /Input 'health-urls': got "not a url"/],
    ['smoke-tests', '- url: [unclosed', /Input 'smoke-tests': is not valid YAML/],
    ['smoke-tests', 'url: http://x/', /Input 'smoke-tests': expected a YAML list/],
    ['smoke-tests', '- method: GET', /Input 'smoke-tests\[0\]': needs `url`/],
    ['smoke-tests', '- url: http://x/\n  expect-status: 99', /Input 'smoke-tests\[0\].expect-status': got "99"/],
    ['smoke-tests', '- url: http://x/\n  expect-body: "("', /Input 'smoke-tests\[0\].expect-body': got "\("; expected a regular expression/],
    ['smoke-tests', '- url: http://x/\n  max-latency: fast', /Input 'smoke-tests\[0\].max-latency': got "fast"/],
    ['smoke-tests', '- url: http://x/\n  retries: 3', /Input 'smoke-tests\[0\]': unknown key\(s\) retries/],
    ['smoke-tests', '- url: http://x/\n  method: FETCH', /Input 'smoke-tests\[0\].method': got "FETCH"/],
    ['health-checks', '- type: datadog\n  monitor: x', /Input 'health-checks\[0\].type': got "datadog"; expected http, prometheus, cloudwatch-alarm/],
    ['health-checks', '- type: prometheus\n  max: 1', /Input 'health-checks\[0\]': needs `query`/],
    ['health-checks', '- type: prometheus\n  query: up', /Input 'health-checks\[0\]': needs a threshold/],
    ['health-checks', '- type: prometheus\n  query: up\n  max: lots', /Input 'health-checks\[0\].max': got "lots"; expected a number/],
    ['health-checks', '- type: prometheus\n  query: up\n  max: 1\n  on-no-data: ignore', /Input 'health-checks\[0\].on-no-data': got "ignore"; expected wait, pass, fail/],
    ['health-checks', '- type: prometheus\n  query: up\n  baseline: true', /has `baseline: true` but neither `max-increase` nor `max-ratio`/],
    ['health-checks', '- type: prometheus\n  query: up\n  max-ratio: 2', /`max-increase` and `max-ratio` need `baseline: true`/],
    ['health-checks', '- type: prometheus\n  query: up\n  max: 1', /Input 'prometheus-url': is required by the prometheus health checks/],
    ['prometheus-url', 'prometheus:9090', /Input 'prometheus-url': got "prometheus:9090"/],
    ['health-checks', '- type: ping\n  url: http://x/', /Input 'health-checks\[0\].type': got "ping"; expected http/],
    // A name every object inherits is no type: refused, not looked up as one.
    ['health-checks', '- type: constructor\n  url: http://x/', /^Input 'health-checks\[0\].type': got "constructor"; expected http, prometheus, cloudwatch-alarm\.$/],
    ['deploy-command', './deploy.sh | tee log', /Input 'deploy-command': .*shell operator "\|" at character 13 is not supported/],
    ['deploy-command', 'deploy && notify', /shell operator "&&"/],
    ['rollback-on-failure', 'maybe', /Input 'rollback-on-failure': got "maybe"/],
    ['lock-timeout', 'forever', /Input 'lock-timeout': got "forever"/],
    ['environment-url', 'example.com', /Input 'environment-url': got "example.com"/],
    ['nginx-template', 'proxy_pass http://live;', /Input 'nginx-template': got "proxy_pass http:\/\/live;"; expected text containing \{color\}/],
    ['nginx-reload-command', 'nginx -s reload; echo done', /Input 'nginx-reload-command': .*shell operator ";"/],
    ['version', '', /Input 'version': is empty; expected a release label of letters, digits and "\._\+-\/", starting with a letter or digit/],
  ])('refuses %s = %j', (name, value, message) => {
    expect(problems({ ...nginx, [name]: value }).join('\n')).toMatch(message);
  });

  it.each([
    ['a commit SHA', '9e9675d3c8f0a1b2c3d4e5f60718293a4b5c6d7e'],
    ['a semver with pre-release and build metadata', '1.4.0-rc.1+build.5'],
    ['a tag', 'v2'],
    ['a tag with a path', 'release/2024-06'],
    ['a docker tag', 'v2_amd64'],
    ['128 characters', `v${'1'.repeat(127)}`],
  ])('accepts as version %s', (_, version) => {
    expect(readSettings(inputs({ ...nginx, version })).version).toBe(version);
  });

  it.each([
    ['a quote that would end a PromQL string', 'v1"} or vector(1) #'],
    ['a backslash', 'v1\\'],
    ['a backtick', 'v1`'],
    ['a userinfo that would move a URL to another host', 'x@evil.example'],
    ['a port', 'v1:8080'],
    ['a query', 'v1?to=x'],
    ['a fragment', 'v1#x'],
    ['a percent sign', 'v1%2F'],
    ['a space', 'v1 --force'],
    ['a step up a path', 'v1/../admin'],
    ['a leading dot', '.hidden'],
    ['a leading dash', '-rf'],
    ['a leading slash', '/etc'],
    ['a line break', 'v1\nv2'],
    ['129 characters', `v${'1'.repeat(128)}`],
  ])('refuses as version %s, naming the input and the accepted form', (_, version) => {
    expect(problems({ ...nginx, version })).toEqual([
      `Input 'version': got "${version.replace('\n', '\\n').slice(0, 117)}${version.length > 120 ? '...' : ''}"; expected a release label of letters, digits and "._+-/", starting with a letter or digit, without "..", at most 128 characters, e.g. a commit SHA, v1.4.0-rc.1+build.5 or release/2024-06 (default: the commit SHA).`,
    ]);
  });

  it('reports every problem together', () => {
    const list = problems({ ...nginx, mode: 'x', 'ready-timeout': 'y', colors: 'z' });
    expect(list).toHaveLength(3);
  });

  it('reads prometheus checks, with defaults, and masks prometheus-headers', () => {
    const s = readSettings(
      inputs({
        ...nginx,
        'prometheus-url': 'https://prom.example/',
        'prometheus-headers': 'Authorization: Bearer prom-secret',
        'health-checks': [
          '- name: errors',
          '  type: prometheus',
          '  query: sum(rate(http_requests_total{color="{color}",status=~"5.."}[1m]))',
          '  max: 0.05',
          '- type: prometheus',
          '  query: p99{color="{color}"}',
          '  on-no-data: pass',
          '  baseline: true',
          '  max-increase: 0.1',
          '  max-ratio: 1.5',
        ].join('\n'),
      }),
    );
    expect(s.health.checks.find((set) => set.type === 'prometheus')?.shared).toEqual({ url: 'https://prom.example', headers: { Authorization: 'Bearer prom-secret' } });
    expect(checksOf(s.health.checks, 'prometheus')).toEqual([
      { name: 'errors', query: 'sum(rate(http_requests_total{color="{color}",status=~"5.."}[1m]))', max: 0.05, min: undefined, onNoData: 'wait', baseline: false, maxIncrease: undefined, maxRatio: undefined, scrapeIntervalMs: 15_000 },
      { name: 'p99{color="{color}"}', query: 'p99{color="{color}"}', max: undefined, min: undefined, onNoData: 'pass', baseline: true, maxIncrease: 0.1, maxRatio: 1.5, scrapeIntervalMs: 15_000 },
    ]);
    expect(s.secrets).toContain('Bearer prom-secret');
  });

  it('warns when a Prometheus range reaches back before the flip, unless {since-flip} or {version} bound it', () => {
    const prom = (query: string, extra = '') => ({ ...nginx, 'prometheus-url': 'http://prom:9090', 'health-checks': `- type: prometheus\n  query: '${query}'\n  max: 1${extra}` });
    expect(readSettings(inputs(prom('sum(rate(errors{color="{color}"}[1m]))'))).warnings).toEqual([
      "Input 'health-checks[0]': the range [1m] reaches back before the flip at the first samples, into what the new color ran before this release; write [{since-flip}] to start it at the flip, or select the release with a {version} label.",
    ]);
    expect(readSettings(inputs(prom('sum(rate(errors{color="{color}"}[{since-flip}]))'))).warnings).toEqual([]);
    expect(readSettings(inputs(prom('sum(rate(errors{version="{version}"}[5m]))'))).warnings).toEqual([]);
    expect(readSettings(inputs(prom('up{color="{color}"}'))).warnings).toEqual([]);
    expect(readSettings(inputs(prom('x[{since-flip}]', '\n  scrape-interval: 30s'))).health.checks.find((set) => set.type === 'prometheus')?.checks[0]).toMatchObject({ scrapeIntervalMs: 30_000 });
    expect(problems(prom('x[{since-flip}]', '\n  scrape-interval: 2h')).join()).toMatch(/Input 'health-checks\[0\].scrape-interval': got "2h"; expected .* from 1s to 1h/);
    expect(problems(prom('x{version="{version}"}', '\n  baseline: true\n  max-increase: 1')).join()).toMatch(/uses \{version\} with `baseline: true`/);
  });

  it('refuses a Prometheus query with {version} outside a string literal, where it would be PromQL', () => {
    const prom = (query: string) => ({ ...nginx, 'prometheus-url': 'http://prom:9090', 'health-checks': `- type: prometheus\n  query: '${query}'\n  max: 1` });
    expect(problems(prom('errors{color="{color}"} + {version}'))).toEqual([
      `Input 'health-checks[0]': has {version} outside a string literal; write it as a label value, e.g. version="{version}" (bare, a version would be read as PromQL).`,
    ]);
    expect(problems(prom('errors{version={version}}')).join()).toMatch(/has \{version\} outside a string literal/);
    expect(readSettings(inputs(prom('errors{version=~"{version}"}'))).warnings).toEqual([]);
  });

  it('masks passwords written into URLs', () => {
    const s = readSettings(inputs({ ...nginx, 'prometheus-url': 'https://bot:pa%24%24word@prom.example', 'health-urls': 'https://u:hunter22@app/', 'health-checks': '- type: prometheus\n  query: up\n  min: 1' }));
    expect(s.secrets).toEqual(expect.arrayContaining(['pa$$word', 'hunter22']));
  });

  it('never quotes header values, which are secrets', () => {
    const list = problems({ ...nginx, 'smoke-headers': 'no colon here sekret-value' });
    expect(list.join()).toMatch(/Input 'smoke-headers': a line without "Name: value"/);
    expect(list.join()).not.toContain('sekret-value');
  });

  it('reads nginx-marker as the other way to switch nginx, held to one folder', () => {
    const marker = { router: 'nginx', 'nginx-marker': '/var/lib/blue-green/app/{color}', version: 'v' };
    expect(readSettings(inputs(marker)).routing).toMatchObject({ marker: '/var/lib/blue-green/app/{color}', conf: '' });
    for (const bad of ['var/lib/{color}', '/var/{color}/live', '/var/lib/app', '/var/lib/{version}-{color}']) {
      expect(problems({ ...marker, 'nginx-marker': bad })).toEqual([expect.stringMatching(/^Input 'nginx-marker': got .*; expected an absolute path whose file name holds \{color\}/)]);
    }
    expect(problems({ ...marker, 'nginx-conf': '/etc/nginx/live.conf' })).toEqual([expect.stringMatching(/^Input 'nginx-marker': and nginx-conf are two ways/)]);
    expect(problems({ router: 'nginx', version: 'v' }).join()).toMatch(/Input 'nginx-conf': is required with router "nginx" \(or nginx-marker\)/);
  });

  it('requires the inputs of the chosen router', () => {
    const missing = problems({ router: 'command', version: 'v' }).join('\n');
    expect(missing).toMatch(/router-get-command': is required/);
    expect(missing).toMatch(/router-set-command': is required/);
    expect(problems({ ...command, 'router-set-command': 'flip' }).join()).toMatch(/expected a command containing \{color\}/);
  });

  it('reads an unevaluated job-index default (a local runner) as outside a matrix', () => {
    expect(readSettings(inputs({ ...nginx, 'job-index': '${{ strategy.job-index }}' })).jobIndex).toBe('');
    expect(readSettings(inputs({ ...nginx, 'job-index': '3' })).jobIndex).toBe('3');
  });

  it('builds every router the router input accepts', () => {
    // No declared router is left unavailable: each one's own inputs are what it asks for.
    expect(problems({ router: 'aws-alb', version: 'v' }).join('\n')).toMatch(/Input 'listener-arn': is empty: the aws-alb router needs listener-arn \(an Application Load Balancer listener ARN such as arn:aws:elasticloadbalancing:/);
    expect(problems({ router: 'aws-alb', version: 'v' }).join()).not.toMatch(/not available/);
    // The registry is the list: every router in it is accepted, and asks for its own inputs.
    for (const router of ROUTER_KINDS) expect(problems({ router, version: 'v' }).filter((p) => p.startsWith("Input 'router'")), router).toEqual([]);
  });

  it('route53: names each missing or malformed input with its accepted form, before anything is touched', () => {
    expect(problems({ router: 'route53', version: 'v' })).toEqual([
      "Input 'hosted-zone-id': is empty: the route53 router needs the id of the hosted zone that holds the weighted records (e.g. Z1D633PJN98FT9).",
      "Input 'record-name': is empty: the route53 router needs the name of the two weighted records (e.g. app.example.com).",
    ]);
    const route53 = { router: 'route53', 'hosted-zone-id': 'Z1D633PJN98FT9', 'record-name': 'app.example.com', version: 'v' };
    expect(() => readSettings(inputs(route53))).not.toThrow();
    expect(problems({ ...route53, 'hosted-zone-id': 'zone-1' })).toEqual(["Input 'hosted-zone-id': got \"zone-1\"; expected a hosted zone id such as Z1D633PJN98FT9."]);
    expect(problems({ ...route53, 'record-name': 'app example.com' })).toEqual(["Input 'record-name': got \"app example.com\"; expected a DNS name such as app.example.com."]);
    expect(problems({ ...route53, 'record-type': 'MX' })).toEqual(["Input 'record-type': got \"MX\"; expected one of: A, AAAA, CNAME."]);
    expect(problems({ ...route53, 'set-identifier': 'app' })[0]).toMatch(/^Input 'set-identifier': got "app"; expected a SetIdentifier template holding \{color\}/);
    expect(problems({ ...route53, 'allow-long-ttl': 'yes' })).toEqual(["Input 'allow-long-ttl': got \"yes\"; expected \"true\" or \"false\"."]);
  });

  it('route53: fills the SetIdentifier template per color, takes the windows to judge a TTL against, and signs for us-east-1 by default', () => {
    const settings = readSettings(inputs({ router: 'route53', 'hosted-zone-id': '/hostedzone/Z1D633PJN98FT9', 'record-name': 'App.Example.com', 'set-identifier': 'app-{color}', 'traffic-steps': '10,100', 'step-window': '30s', version: 'v' }));
    expect(settings.routing).toEqual({
      zoneId: 'Z1D633PJN98FT9',
      recordName: 'app.example.com.',
      recordType: 'A',
      setIdentifiers: { blue: 'app-blue', green: 'app-green' },
      allowLongTtl: false,
      windows: { healthMs: 300_000, stepMs: 30_000, stepped: true },
      region: 'us-east-1',
    });
  });

  it('reads aws-region once for every AWS plug-in, from the input or AWS_REGION, and refuses it once', () => {
    const alb = {
      router: 'aws-alb',
      'listener-arn': 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2',
      'target-groups': 'blue=arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/b/73e2d6bc24d8a067\ngreen=arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/g/73e2d6bc24d8a067',
      'health-checks': '- type: cloudwatch-alarm\n  alarm: api-5xx',
      version: 'v',
    };
    const saved = process.env.AWS_REGION;
    try {
      process.env.AWS_REGION = 'eu-west-1';
      const s = readSettings(inputs(alb));
      expect((s.routing as { region: string }).region).toBe('eu-west-1');
      expect(s.health.checks.find((set) => set.type === 'cloudwatch-alarm')?.shared).toEqual({ region: 'eu-west-1' });
      // A region the SDK could not use, refused once although two plug-ins use it.
      expect(problems({ ...alb, 'aws-region': 'eu-west-12' })).toEqual(["Input 'aws-region': got \"eu-west-12\"; expected an AWS region such as us-east-1."]);
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });

  const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;
  const alb = {
    router: 'aws-alb',
    'listener-arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2',
    'target-groups': `blue=${tg('app-blue')}\ngreen=${tg('app-green')}`,
    'aws-region': 'us-east-1',
    version: 'v',
  };

  it('reads the aws-alb inputs: the listener, its load balancer, a target group per color, the region', () => {
    expect(readSettings(inputs(alb)).routing).toEqual({
      listenerArn: alb['listener-arn'],
      ruleArn: '',
      lockListenerArn: alb['listener-arn'],
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-lb/50dc6c495c0c9188',
      targetGroups: { blue: tg('app-blue'), green: tg('app-green') },
      testListenerArn: '',
      region: 'us-east-1',
    });
    const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
    expect(readSettings(inputs({ ...alb, 'listener-arn': '', 'rule-arn': rule })).routing).toMatchObject({ listenerArn: '', ruleArn: rule, lockListenerArn: alb['listener-arn'] });
    expect(readSettings(inputs({ ...alb, 'traffic-steps': '10,100' })).traffic.steps).toEqual([10, 100]);
  });

  it.each([
    ['listener-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2', /^Input 'listener-arn': got ".*listener\/net\/.*"; expected an Application Load Balancer listener ARN such as arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/my-lb\//],
    ['listener-arn', 'my-listener', /^Input 'listener-arn': got "my-listener"; expected an Application Load Balancer listener ARN/],
    ['target-groups', `blue=${tg('app-blue')}`, /^Input 'target-groups': has no target group for green/],
    ['target-groups', `blue=${tg('app-blue')}\nred=${tg('app-red')}`, /^Input 'target-groups': got "red=.*"; expected lines "color=ARN" for the colors blue and green/],
    ['target-groups', `blue=${tg('app-blue')}\ngreen=${tg('app-blue')}`, /^Input 'target-groups': gives the same target group to both colors/],
    ['target-groups', `blue=${tg('app-blue')}\ngreen=targetgroup/app-green`, /^Input 'target-groups': got "targetgroup\/app-green"; expected for green, a target group ARN such as/],
    ['target-groups', `blue=${tg('app-blue')}\ngreen=${tg('app-green').replace('us-east-1', 'us-west-2')}`, /^Input 'target-groups': the ARNs name different regions \(us-east-1, us-west-2\)/],
    ['aws-region', 'eu-west-1', /^Input 'aws-region': is "eu-west-1", but the ARNs are in us-east-1; set aws-region to us-east-1/],
    ['aws-region', 'Europe', /^Input 'aws-region': got "Europe"; expected an AWS region such as us-east-1/],
    ['test-listener-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2', /^Input 'test-listener-arn': is the live listener/],
    ['rule-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee', /^Input 'rule-arn': and listener-arn are both set/],
  ])('refuses aws-alb %s = %j', (name, value, message) => {
    expect(problems({ ...alb, [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('reads the haproxy inputs, unix socket or host:port', () => {
    const haproxy = { router: 'haproxy', 'haproxy-socket': '/run/haproxy/admin.sock', 'haproxy-map': '/etc/haproxy/live.map', version: 'v' };
    expect(readSettings(inputs(haproxy)).routing).toEqual({
      address: { path: '/run/haproxy/admin.sock' },
      map: '/etc/haproxy/live.map',
      key: 'active',
      backend: '{color}',
      splitBackend: '',
      serverStateFile: '',
    });
    const tcp = readSettings(inputs({ ...haproxy, 'haproxy-socket': '127.0.0.1:9999', 'haproxy-backend': 'app_{color}', 'haproxy-split-backend': 'app_split', 'traffic-steps': '10,100' }));
    expect(tcp.routing).toMatchObject({ address: { host: '127.0.0.1', port: 9999 }, backend: 'app_{color}', splitBackend: 'app_split' });
    expect(tcp.traffic.steps).toEqual([10, 100]);
    const bad = problems({ router: 'haproxy', 'haproxy-socket': 'admin.sock', 'haproxy-map': 'live.map', 'haproxy-backend': 'app', version: 'v' }).join('\n');
    expect(bad).toMatch(/Input 'haproxy-socket': got "admin.sock"; expected the Runtime API address: an absolute unix socket path .* or host:port/);
    // A URL or a host with a space would only fail later, as a connection error that names no input.
    for (const socket of ['http://127.0.0.1:1', 'a b:1234', './admin.sock', '127.0.0.1:0', 'host:65536', '[::1:1234', '999.0.0.1:1234']) {
      expect(problems({ ...haproxy, 'haproxy-socket': socket })).toEqual([
        `Input 'haproxy-socket': got "${socket}"; expected the Runtime API address: an absolute unix socket path (/run/haproxy/admin.sock) or host:port, the host a hostname, an IPv4 address or an [IPv6] address and the port 1-65535.`,
      ]);
    }
    expect(bad).toMatch(/Input 'haproxy-map': got "live.map"; expected the absolute path of the map file/);
    expect(bad).toMatch(/Input 'haproxy-backend': got "app"; expected a backend name template containing \{color\}/);
    expect(problems({ ...haproxy, 'traffic-steps': '50,100' }).join()).toMatch(/splits traffic only through haproxy-split-backend/);
    // Runtime API commands end at ";" or a line break: no input may smuggle in a second command.
    for (const [name, value] of [
      ['haproxy-map-key', 'active;set map /m active green'],
      ['haproxy-map-key', 'active\nset map /m active green'],
      ['haproxy-map', '/etc/haproxy/live.map;show info'],
      ['haproxy-backend', '{color};disable server x/y'],
      ['haproxy-split-backend', 'split\\;x'],
    ]) {
      expect(problems({ ...haproxy, [name]: value })).toEqual([expect.stringMatching(new RegExp(`^Input '${name}': got `))]);
    }
  });

  it('refuses traffic steps on routers that cannot split traffic', () => {
    expect(problems({ ...nginx, 'traffic-steps': '10,100' }).join()).toMatch(/traffic-steps': got "10,100", but router "nginx" cannot split traffic/);
    expect(problems({ ...command, 'traffic-steps': '10,100' }).join()).toMatch(/only when router-set-command contains \{weight\}/);
    expect(readSettings(inputs({ ...command, 'router-set-command': 'set {color} {weight}', 'traffic-steps': '10,100' })).traffic.steps).toEqual([10, 100]);
  });

  it('refuses an interval longer than the window, and a deploy command in promote', () => {
    expect(problems({ ...nginx, 'health-window': '5s', 'health-interval': '10s' }).join()).toMatch(
      /health-interval': \(10s\) is longer than health-window \(5s\): the window would sample only as it opens \(right after the flip\) and as it closes/,
    );
    expect(problems({ ...nginx, mode: 'promote', 'deploy-command': 'deploy' }).join()).toMatch(/deploy-command': is not used in mode "promote"/);
  });

  it('takes only-if-version in mode rollback alone, as a release label', () => {
    expect(readSettings(inputs({ ...nginx, mode: 'rollback', 'only-if-version': 'v2.1+b7' })).onlyIfVersion).toBe('v2.1+b7');
    expect(readSettings(inputs({ ...nginx, mode: 'rollback' })).onlyIfVersion).toBeUndefined();
    expect(problems({ ...nginx, 'only-if-version': 'v2' })).toEqual([
      `Input 'only-if-version': is only for mode "rollback", which it guards (this run's mode is "deploy"); remove it, or use mode "rollback".`,
    ]);
    expect(problems({ ...nginx, mode: 'rollback', 'only-if-version': 'v2 beta' }).join()).toMatch(
      /^Input 'only-if-version': got "v2 beta"; expected a release label .*\(the version of the release to undo\)\.$/,
    );
  });
});
