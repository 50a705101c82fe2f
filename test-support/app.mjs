// A tiny app for tests and the demo: answers with its color and version.
// Versions ending in "-broken" fail their health endpoint from the start (caught by smoke tests);
// versions ending in "-faulty" start failing FAULT_AFTER_MS after start (caught in the health window).
// POST /__fault turns failures on at any moment; POST /__heal turns them off.
import { createServer } from 'node:http';

const color = process.env.APP_COLOR ?? 'blue';
const version = process.env.APP_VERSION ?? 'v1';
const port = Number(process.env.APP_PORT ?? 8080);
const started = Date.now();
const faultAfter = version.endsWith('-faulty') ? Number(process.env.FAULT_AFTER_MS ?? 3000) : Infinity;
let fault = version.endsWith('-broken');

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__fault') fault = true;
  if (req.method === 'POST' && req.url === '/__heal') fault = false;
  const failing = fault || Date.now() - started >= faultAfter;
  res.setHeader('x-color', color);
  res.setHeader('x-version', version);
  res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' });
  res.end(failing ? `${color} ${version} failing\n` : `${color} ${version}\n`);
});
server.keepAliveTimeout = 2000;
server.listen(port, '127.0.0.1', () => console.log(`app ${color} ${version} on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
