// A tiny app for tests and the demo: answers with its color and version.
// Versions ending in "-broken" fail their health endpoint from the start (caught by smoke tests);
// versions ending in "-faulty" start failing FAULT_AFTER_MS after start (caught in the health window).
// versions ending in "-sick" fail only /healthz, FAULT_AFTER_MS after start: a rollback that
// clients never suffer from, so benchmarks count only what the flips themselves cost.
// POST /__fault turns failures on at any moment; POST /__heal turns them off.
import { createServer } from 'node:http';

const color = process.env.APP_COLOR ?? 'blue';
const version = process.env.APP_VERSION ?? 'v1';
const port = Number(process.env.APP_PORT ?? 8080);
const started = Date.now();
const faultAfter = /-(faulty|sick)$/.test(version) ? Number(process.env.FAULT_AFTER_MS ?? 3000) : Infinity;
const sickOnly = version.endsWith('-sick');
let fault = version.endsWith('-broken');

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__fault') fault = true;
  if (req.method === 'POST' && req.url === '/__heal') fault = false;
  const late = Date.now() - started >= faultAfter && (!sickOnly || req.url.endsWith('/healthz'));
  const failing = fault || late;
  res.setHeader('x-color', color);
  res.setHeader('x-version', version);
  res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' });
  res.end(failing ? `${color} ${version} failing\n` : `${color} ${version}\n`);
});
// Longer than the proxies' idle upstream connections, so the app never closes one a proxy is reusing.
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.listen(port, '127.0.0.1', () => console.log(`app ${color} ${version} on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
