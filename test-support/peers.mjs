// Real peers for integration tests, the demo and benchmarks: nginx and two app processes on 127.0.0.1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE, ROOT } from './runner.mjs';

export const APPCTL = join(ROOT, 'test-support/appctl.mjs');

/** Ports this process has handed out: the kernel may offer a just-released port again at once. */
const handedOut = new Set();

/** A port free right now, never one this process handed out before (two apps on one port answer as each other). */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: taken } = server.address();
        server.close(() => resolve(taken));
      });
      server.on('error', reject);
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** nginx is a Debian package installed by script/bootstrap; a missing one fails loudly. */
export function nginxBinary() {
  for (const path of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  throw new Error('nginx is not installed: run script/bootstrap');
}

/**
 * Starts nginx with upstreams `blue` and `green` (one app port each). `/` is served through the
 * include file the action owns; `/preview/<color>/` reaches a color directly, for smoke tests.
 * `initial`: the include's first content ('' for none: a first release).
 */
export async function startNginx({ ports, colors = ['blue', 'green'], initial, markers = false, user = '', extra = '' }) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-nginx-'));
  const port = await freePort();
  for (const sub of ['tmp', 'logs']) mkdirSync(join(dir, sub));
  const live = join(dir, 'live.conf');
  if (initial && !markers) writeFileSync(live, initial);
  if (markers) {
    mkdirSync(join(dir, 'markers'), { mode: 0o755 });
    // `initial` names the live color in marker mode.
    if (initial) writeFileSync(join(dir, 'markers', initial), `${initial}\n`);
  }
  const isRoot = process.getuid?.() === 0;
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${dir}/tmp/${k};`).join('\n    ');
  const upstreams = colors.map((c) => `upstream ${c} { server 127.0.0.1:${ports[c]}; keepalive 16; }`).join('\n  ');
  const previews = colors
    .map((c) => `location /preview/${c}/ { proxy_pass http://${c}/; proxy_http_version 1.1; proxy_set_header Connection ""; }`)
    .join('\n      ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user ? `user ${user};` : isRoot ? 'user root;' : ''}
worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${extra}
  ${temp}
  ${upstreams}
  server {
    listen 127.0.0.1:${port};
    ${markers ? markerBlock(`${dir}/markers`, colors) : `location / {
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # A glob include may match nothing: before the first release there is no live color.
      include ${dir}/live*.conf;
    }`}
      ${previews}
  }
}
`,
  );
  const base = [nginxBinary(), '-p', dir, '-e', `${dir}/logs/error.log`, '-c', `${dir}/nginx.conf`];
  execFileSync(base[0], [...base.slice(1)], { stdio: 'pipe' });
  await waitFor(() => existsSync(join(dir, 'nginx.pid')), 5000);
  return {
    dir,
    port,
    url: `http://127.0.0.1:${port}`,
    live,
    marker: join(dir, 'markers', '{color}'),
    pidFile: join(dir, 'nginx.pid'),
    testCommand: [...base, '-t', '-q'].join(' '),
    reloadCommand: [...base, '-s', 'reload'].join(' '),
    baseArgs: base,
    stop() {
      spawnSync(base[0], [...base.slice(1), '-s', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The server block of the README's marker setup: the color is chosen per request from marker files,
 * tested in the order of `colors` (the last match wins). No marker: 503, there is no live color yet.
 */
export function markerBlock(folder, colors) {
  return `set $bg_color "";
    ${colors.map((c) => `if (-f ${folder}/${c}) { set $bg_color ${c}; }`).join('\n    ')}
    location / {
      if ($bg_color = "") { return 503 "no live color\\n"; }
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://$bg_color;
    }`;
}

/** Two app processes, started through the same deploy command the action runs. */
export async function startApps(colors = ['blue', 'green'], version = 'v1') {
  const stateDir = mkdtempSync(join(tmpdir(), 'bg-apps-'));
  /** @type {Record<string, number>} */
  const ports = {};
  for (const color of colors) ports[color] = await freePort();
  writeFileSync(join(stateDir, 'ports.json'), JSON.stringify(ports));
  const env = { ...process.env, APP_STATE_DIR: stateDir };
  for (const color of colors) execFileSync(NODE, [APPCTL, 'deploy', color, version], { env, stdio: 'pipe' });
  return {
    stateDir,
    ports,
    env: { APP_STATE_DIR: stateDir },
    deployCommand: `${NODE} ${APPCTL} deploy {color} {version}`,
    stop() {
      for (const color of colors) {
        try {
          process.kill(Number(readFileSync(join(stateDir, `${color}.pid`), 'utf8')), 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** GET through a URL with a fresh connection; resolves { status, body, color }. */
export function get(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, color: res.headers['x-color'] }));
    });
    req.on('error', (error) => resolve({ status: 0, body: String(error.code ?? error.message), color: undefined }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function post(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function waitFor(check, ms, everyMs = 25) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/** Inputs that point the action at this nginx and these apps, as a workflow would write them. */
export function nginxInputs(nginx, apps) {
  return {
    router: 'nginx',
    'nginx-conf': nginx.live,
    'nginx-test-command': nginx.testCommand,
    'nginx-reload-command': nginx.reloadCommand,
    'nginx-pid-file': nginx.pidFile,
    'deploy-command': apps.deployCommand,
    'smoke-urls': `${nginx.url}/preview/{color}/`,
    'health-urls': `${nginx.url}/`,
  };
}

/** Steady client traffic through a URL (fresh connection per request) until stopped. */
export function startTraffic(url, everyMs = 20) {
  let running = true;
  let sent = 0;
  const loop = (async () => {
    while (running) {
      await get(url);
      sent++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return sent;
    },
  };
}
