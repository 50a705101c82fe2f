// Renders every figure the README quotes from the benchmarks, one function per bench reading the JSON
// it wrote to bench/results/, so the README never says what the last run did not measure.
// script/docs.mjs puts each block between its <!-- name:start --> / <!-- name:end --> markers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantile } from '../bench/stats.mjs';

const BENCHES = ['flip-under-load', 'rollback-latency', 'prometheus-detection', 'cancel-latency', 'kubernetes', 'aws-alb', 'route53', 'overhead'];

/** The JSON of every bench, by name; a bench that never ran is absent (its block then says so). */
export function readResults(root) {
  const results = {};
  for (const name of BENCHES) {
    const path = join(root, 'bench/results', `${name}.json`);
    if (existsSync(path)) results[name] = JSON.parse(readFileSync(path, 'utf8'));
  }
  return results;
}

const count = (n) => n.toLocaleString('en-US');
const day = (json) => String(json.measuredAt ?? '').slice(0, 10);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const seconds = (ms) => `${ms / 1000} s`;
/** Prose as the README writes it: lines of at most 105 characters (a `-` bullet's go on indented). */
function wrap(text, indent = '') {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > 105) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function flipUnderLoad(json) {
  const { rows, totals } = json;
  const rounds = Math.max(...rows.map((r) => Number(/\(round (\d+)\)/.exec(r.what)?.[1] ?? 0)));
  const releases = (router) => rows.filter((r) => r.router === router && r.what.startsWith('action:') && !/flips on request/.test(r.what)).length;
  const onRequest = rows.find((r) => r.router === 'nginx markers' && /flips on request/.test(r.what))?.changes ?? 0;
  const labels = {
    'haproxy action': `haproxy: ${releases('haproxy')} releases (flips, traffic steps, rollbacks)`,
    'nginx markers action': `**nginx, \`nginx-marker\`**: ${releases('nginx markers')} releases and ${onRequest} flips on request`,
    'nginx action': `nginx, \`nginx-conf\` + reload: ${releases('nginx') / rounds} releases × ${rounds} rounds`,
    'nginx baseline': 'nginx baseline: bare `nginx -s reload`, interleaved in the same run',
  };
  const perChange = (t) => (t.failed ? (t.failed / t.changes).toFixed(1) : '0');
  const rates = Object.values(totals).flatMap((t) => t.rates);
  const clean = [['haproxy action', 'HAProxy flips'], ['nginx markers action', 'nginx marker flips']].filter(([key]) => totals[key]?.failed === 0).map(([, name]) => name);
  return [
    wrap([
      `**Flip under load** (\`bench/flip-under-load.mjs ${rounds} ${onRequest}\`, measured ${day(json)}): wrk (\`${json.wrk}\`) through the`,
      'proxy while the bundled action deploys, shifts in steps, rolls back on a failed window and on request.',
      'Failed = socket errors plus non-2xx answers. nginx is measured both ways it can switch, in one run:',
      `marker files (no reload), and the include file with a reload, whose ${rounds} rounds alternate with rounds of`,
      `bare \`nginx -s reload\` as the baseline. Rates were ${Math.round(Math.min(...rates) / 1000)}–${Math.round(Math.max(...rates) / 1000)}k req/s.`,
    ].join(' ')),
    '',
    table(
      ['router', 'router changes', 'requests', 'failed', 'failed per change'],
      Object.entries(totals).map(([key, t]) => [labels[key] ?? key, t.changes, count(t.requests), t.failed, perChange(t)]),
    ),
    ...(clean.length ? ['', `${clean.join(' and ')} dropped no request.`] : []),
  ].join('\n');
}

function rollbackLatency(json) {
  const runs = json.rows[0]?.runs;
  return [
    wrap([
      `**Rollback latency** (\`bench/rollback-latency.mjs ${runs}\`, measured ${day(json)}): a fault injected into the new color after the`,
      `flip; time until a client polling the public URL every ${json.pollMs} ms sees the old color again.`,
    ].join(' ')),
    '',
    table(
      ['router', 'health-interval', 'runs', 'median', 'worst'],
      json.rows.map((r) => [r.router, r.interval, r.runs, `${Math.round(r.medianMs)}ms`, `${r.worstMs}ms`]),
    ),
  ].join('\n');
}

function prometheusDetection(json) {
  const detect = json.runs.map((r) => r.detectMs);
  const restore = json.runs.map((r) => r.restoreMs);
  return wrap([
    `**Prometheus detection** (\`bench/prometheus-detection.mjs ${json.runs.length}\`, measured ${day(json)}): ${json.scrapeInterval} scrape,`,
    `\`health-interval: ${json.healthInterval}\`, an error-ratio check over a ${json.rateWindow} rate window, errors injected into the new`,
    `color during the window, HAProxy router. Fault to failing sample: median ${Math.round(median(detect))} ms, worst`,
    `${Math.max(...detect)} ms; fault to a client seeing the old color again: median ${Math.round(median(restore))} ms, worst ${Math.max(...restore)} ms.`,
  ].join(' '));
}

function cancelLatency(json) {
  const { rows, runnerGaps } = json;
  const total = sum(rows.map((r) => r.runs));
  const of = (key) => sum(rows.map((r) => r[key]));
  const signals = of('neededSigterm') ? `${total - of('neededSigterm')} of ${total} runs exited on the first signal (${of('neededSigterm')} needed SIGTERM, ${of('neededSigkill')} SIGKILL)` : `In all ${total} runs the process exited on the first signal`;
  const color = of('onPreRunColor') === total ? 'traffic ended on the pre-run color' : `traffic ended on the pre-run color in ${of('onPreRunColor')}`;
  const outputs = of('outputsDisagree') ? `the outputs disagreed with what the router served in ${of('outputsDisagree')}` : 'the outputs agreed with what the router served';
  const ended = of('endedBeforeSigint') ? ` (${of('endedBeforeSigint')} had ended before SIGINT was due)` : '';
  // The traffic steps are one column: each cell is the slowest of the steps.
  const column = (phase) => (/^\d+% step$/.test(phase) ? 'each step' : phase === 'health window' ? 'window' : phase);
  const routers = [...new Set(rows.map((r) => r.router))];
  // In the order of the phases: a column's place is the latest it comes in any router's run.
  const place = (name) => Math.max(...routers.map((router) => rows.filter((r) => r.router === router).findIndex((r) => column(r.phase) === name)));
  const columns = [...new Set(rows.map((r) => column(r.phase)))].sort((a, b) => place(a) - place(b));
  const cellOf = (router, name) => {
    const hits = rows.filter((r) => r.router === router && column(r.phase) === name && r.medianMs !== undefined);
    return hits.length ? `${Math.round(Math.max(...hits.map((r) => r.medianMs)))} / ${Math.max(...hits.map((r) => r.maxMs))}ms` : '—';
  };
  const steps = [...new Set(rows.map((r) => r.phase).filter((p) => /^\d+% step$/.test(p)))].map((p) => p.replace(' step', ''));
  return [
    wrap([
      `**Cancel latency** (\`bench/cancel-latency.mjs ${rows[0]?.runs}\`, measured ${day(json)}): the step is cancelled as the runner does it`,
      `(SIGINT, then SIGTERM ${seconds(runnerGaps.termAfterMs)} later, then SIGKILL ${seconds(runnerGaps.killAfterMs)} after that) in every phase, on every router; time`,
      `from SIGINT to the exit of the process. ${signals}${ended}, ${color}, and ${outputs}.`,
    ].join(' ')),
    '',
    table(['router', ...columns], routers.map((router) => [router, ...columns.map((name) => cellOf(router, name))])),
    '',
    `(median / max of ${rows[0]?.runs} runs each; "each step" is the ${steps.join(' and ')} steps, the slower of them.)`,
  ].join('\n');
}

const KUBERNETES_ROWS = {
  flipActionMs: () => 'flip: selector patch start -> EndpointSlices list only the new color (as the action measures it)',
  flipWatchedMs: () => 'flip: selector change -> EndpointSlices follow (an independent watch)',
  rollbackMs: (r) => `rollback: fault -> EndpointSlices list only the old color (\`health-interval: ${r.healthIntervalMs}ms\`)`,
  overheadMs: () => 'a whole run beyond its health window',
  routeProgrammedMs: () => 'HTTPRoute: weights patch start -> Traefik reports it Accepted and ResolvedRefs (as the action measures it; every change)',
  routeAnsweredMs: () => 'HTTPRoute: weights patch -> every answer from the new color (a change after a quiet spell)',
  routeAnsweredQuickMs: () => 'HTTPRoute: weights patch -> every answer from the new color (a change soon after another)',
};

function kubernetes(json) {
  const { rows } = json;
  const failed = json.samples?.failed ?? [];
  const lines = Object.entries(KUBERNETES_ROWS)
    .filter(([key]) => rows[key])
    .map(([key, label]) => [label(rows[key]), rows[key].n, `${rows[key].medianMs} ms`, `${rows[key].p95Ms} ms`, `${rows[key].maxMs} ms`]);
  if (failed.length) lines.push(['HTTPRoute: failed requests per run', failed.length, quantile(failed, 0.5), quantile(failed, 0.95), Math.max(...failed)]);
  const verdict = rows.routeFailed?.total === 0 ? 'Not one request failed across the route changes.' : `${rows.routeFailed?.total} requests failed across the route changes.`;
  return [
    wrap([
      `**Kubernetes** (\`bench/kubernetes.mjs ${json.flips} ${json.rollbacks} ${rows.routeFailed?.n}\`, measured ${day(json)}): a real control plane`,
      '(`script/control-plane`: etcd, kube-apiserver, controller-manager, scheduler, kwok nodes), ready pods for',
      'each color, Service selector flips through the bundled action; then, in the same run, HTTPRoute flips',
      'through Traefik (default settings) to app processes of each color, under load from keep-alive clients',
      `(${count(rows.routeFailed?.answers ?? 0)} answers), half of them a single change and half 50% then 100% in quick succession.`,
    ].join(' ')),
    '',
    table(['figure', 'n', 'median', 'p95', 'max'], lines),
    '',
    verdict,
  ].join('\n');
}

/** A bench's `rows` ({ figure, n, median, p95, max, unit }) as the README's table. */
function rowsTable(rows) {
  const value = (row, key) => (row.unit === 'ms' ? `${row[key]} ms` : row[key]);
  return table(['figure', 'n', 'median', 'p95', 'max'], rows.map((r) => [r.figure, r.n, value(r, 'median'), value(r, 'p95'), value(r, 'max')]));
}

function awsAlb(json) {
  return [
    wrap([
      `**AWS ALB** (\`bench/aws-alb.mjs ${json.flips} ${json.rollbacks}\`, measured ${day(json)}): ${json.peer}, a listener with a plain`,
      'forward, a target group of healthy instances for each color. API calls are counted by the router (SDK',
      "middleware; a retried call counts once) and said in each run's summary.",
    ].join(' ')),
    '',
    rowsTable(json.rows),
  ].join('\n');
}

function route53(json) {
  return [
    wrap([
      `**Route 53** (\`bench/route53.mjs ${json.runs}\`, measured ${day(json)}): ${json.peer}, two weighted A records with a TTL of`,
      `${json.ttlSeconds} s, a health URL watched in the window. API calls are counted by the router and said in each run's summary. moto`,
      'says INSYNC at once; on Route 53 a change is usually INSYNC within a minute, polled with one GetChange every 2 s.',
    ].join(' ')),
    '',
    rowsTable(json.rows),
  ].join('\n');
}

/** The overhead bench's JSON is re-measured apart from the others; only these fields are read. */
const OVERHEAD_NAMES = { haproxy: 'HAProxy', 'nginx-marker': '`nginx-marker`', 'nginx-conf (reload)': '`nginx-conf`, with its reload' };

function overhead(json) {
  const { startup, dist, machine } = json;
  const load = machine?.loadAverage1m;
  const loadText = typeof load === 'number' ? `load average ${load}` : `1-minute load average ${load?.before} before, ${load?.after} after`;
  const cores = machine?.cores ? `${machine.cores} cores, ` : '';
  const runs = Object.entries(json.overhead ?? {}).map(([router, o]) => `${o.medianOverheadMs} ms (${OVERHEAD_NAMES[router] ?? router})`);
  const listed = runs.length > 1 ? `${runs.slice(0, -1).join(', ')} and ${runs.at(-1)}` : runs.join('');
  return wrap([
    `**Overhead** (\`bench/overhead.mjs${json.runs ? ` ${json.runs}` : ''}\`, measured ${day(json)}; its table is \`bench/results/overhead.md\`): \`dist/\``,
    `is ${(dist.totalBytes / 1e6).toFixed(2)} MB, main and post in one build with shared chunks. Measured side by side in one run on a`,
    `shared machine (${cores}${loadText}): the bundle starts in a median ${startup.bundleMedianMs} ms to its first log`,
    `line, bare Node in ${startup.bareNodeMedianMs} ms (${startup.ratio}×). A whole run takes ${listed} beyond the waits it was asked to do.`,
  ].join(' '));
}

function claims(results) {
  const rollback = results['rollback-latency'];
  const fastest = Math.min(...rollback.rows.map((r) => parseDuration(r.interval)));
  const at = rollback.rows.filter((r) => parseDuration(r.interval) === fastest);
  const medians = at.map((r) => `${Math.round(r.medianMs)} ms (${r.router === 'haproxy' ? 'HAProxy' : r.router})`).join(' or ');
  const haproxy = results['flip-under-load'].totals['haproxy action'];
  const flips = `${haproxy.failed} failures in ${count(haproxy.requests)} requests across ${haproxy.changes} flips, steps and rollbacks under load.`;
  return [
    wrap(`- **A failed release goes back to the old color by itself, at the next health sample.** With \`health-interval: ${at[0].interval}\`, a client sees the old color again a median ${medians} after a fault (see [Measured](#measured)).`, '  '),
    wrap(haproxy.failed ? `- **HAProxy flips under load**: ${flips}` : `- **No request is dropped by a HAProxy flip**: ${flips}`, '  '),
  ].join('\n');
}

function parseDuration(text) {
  const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text) ?? [];
  return Number(n) * { ms: 1, s: 1000, m: 60_000 }[unit];
}

const RENDER = {
  claims: [null, claims],
  'measured-flip': ['flip-under-load', flipUnderLoad],
  'measured-rollback': ['rollback-latency', rollbackLatency],
  'measured-prometheus': ['prometheus-detection', prometheusDetection],
  'measured-cancel': ['cancel-latency', cancelLatency],
  'measured-kubernetes': ['kubernetes', kubernetes],
  'measured-aws-alb': ['aws-alb', awsAlb],
  'measured-route53': ['route53', route53],
  'measured-overhead': ['overhead', overhead],
};

/** Every block, by marker name, rendered from the results. */
export function renderMeasured(results) {
  return Object.fromEntries(Object.entries(RENDER).map(([name, [bench, render]]) => [name, bench ? render(results[bench]) : render(results)]));
}
