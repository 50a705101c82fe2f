// A tiny app for tests and the demo: answers with its color and version.
// Versions ending in "-broken" fail their health endpoint from the start (caught by smoke tests);
// versions ending in "-faulty" start failing FAULT_AFTER_MS after start (caught in the health window).
// versions ending in "-sick" fail only /healthz, FAULT_AFTER_MS after start: a rollback that
// clients never suffer from, so benchmarks count only what the flips themselves cost.
// POST /__fault turns failures on at any moment; POST /__heal turns them off;
// POST /__error-rate?value=0.03 (or ERROR_RATE=0.03 at start) fails that share of requests.
// GET /metrics exposes Prometheus counters of requests by color and status, and a latency histogram.
import { createServer } from 'node:http';

const color = process.env.APP_COLOR ?? 'blue';
const version = process.env.APP_VERSION ?? 'v1';
const port = Number(process.env.APP_PORT ?? 8080);
// Another loopback address (behind a Kubernetes EndpointSlice, which refuses 127.0.0.0/8); port 0: any free one.
const host = process.env.APP_HOST ?? '127.0.0.1';
const started = Date.now();
const faultAfter = /-(faulty|sick)$/.test(version) ? Number(process.env.FAULT_AFTER_MS ?? 3000) : Infinity;
const sickOnly = version.endsWith('-sick');
let fault = version.endsWith('-broken');
let errorRate = Number(process.env.ERROR_RATE ?? 0);
let served = 0;
// Counters start at 0 for every status we may answer, so rate() queries have a series from the start.
const requests = { 200: 0, 503: 0 };

function metrics() {
  const lines = ['# TYPE http_requests_total counter'];
  for (const [status, count] of Object.entries(requests)) lines.push(`http_requests_total{color="${color}",version="${version}",status="${status}"} ${count}`);
  return `${lines.join('\n')}\n`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://app');
  if (req.method === 'POST' && url.pathname === '/__fault') fault = true;
  if (req.method === 'POST' && url.pathname === '/__heal') fault = false;
  if (req.method === 'POST' && url.pathname === '/__error-rate') errorRate = Number(url.searchParams.get('value') ?? 0);
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return res.end(metrics());
  }
  const late = Date.now() - started >= faultAfter && (!sickOnly || url.pathname.endsWith('/healthz'));
  // Deterministic share: every 1/errorRate-th request fails, so a test sees the rate it asked for.
  const sampled = errorRate > 0 && Math.floor((served + 1) * errorRate) > Math.floor(served * errorRate);
  if (!req.url.startsWith('/__')) served++;
  const failing = fault || late || sampled;
  const status = failing ? 503 : 200;
  if (!req.url.startsWith('/__')) requests[status]++;
  res.setHeader('x-color', color);
  res.setHeader('x-version', version);
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(failing ? `${color} ${version} failing\n` : `${color} ${version}\n`);
});
// Longer than the proxies' idle upstream connections, so the app never closes one a proxy is reusing.
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.listen(port, host, () => console.log(`app ${color} ${version} on ${host}:${server.address().port}`));
process.on('SIGTERM', () => {
  // Stop listening and drop idle keep-alive connections, so no proxy keeps reaching an old version.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 500).unref();
});
