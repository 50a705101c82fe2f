// A real HAProxy (Debian package) on 127.0.0.1 for tests, the benchmarks and the demo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './peers.mjs';

export function haproxyBinary() {
  for (const path of ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy']) if (existsSync(path)) return path;
  throw new Error('haproxy is not installed: run script/bootstrap');
}

/**
 * Backends `blue` and `green` (one app each) and `split` (servers named by color, for traffic steps).
 * `/` goes where the map key `active` says; `/preview/<color>/` reaches a color directly.
 * An admin unix socket, and an operator-level TCP socket to test permission errors.
 */
export async function startHaproxy({ ports, initial = 'blue' }) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-haproxy-'));
  const port = await freePort();
  const operatorPort = await freePort();
  const map = join(dir, 'live.map');
  writeFileSync(map, initial ? `# the live color\nactive ${initial}\n` : '# no live color yet\n');
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `global
  stats socket ${dir}/admin.sock mode 600 level admin expose-fd listeners
  stats socket 127.0.0.1:${operatorPort} level operator
  pidfile ${dir}/haproxy.pid
  server-state-file ${dir}/servers.state
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  load-server-state-from-file global
  retries 2
frontend public
  bind 127.0.0.1:${port}
  use_backend blue if { path_beg /preview/blue/ }
  use_backend green if { path_beg /preview/green/ }
  use_backend %[str(active),map(${map})]
  default_backend no_live_color
backend blue
  server app 127.0.0.1:${ports.blue}
backend green
  server app 127.0.0.1:${ports.green}
backend split
  server blue 127.0.0.1:${ports.blue} weight 100
  server green 127.0.0.1:${ports.green} weight 0
backend no_live_color
  http-request return status 503 content-type text/plain string "no live color"
`,
  );
  const bin = haproxyBinary();
  const pidFile = join(dir, 'haproxy.pid');
  execFileSync(bin, ['-D', '-f', config], { stdio: 'pipe' });
  await waitFor(() => existsSync(join(dir, 'admin.sock')), 5000);
  const pid = () => Number(readFileSync(pidFile, 'utf8').trim());
  return {
    dir,
    port,
    url: `http://127.0.0.1:${port}`,
    map,
    serverState: join(dir, 'servers.state'),
    socket: join(dir, 'admin.sock'),
    operatorSocket: `127.0.0.1:${operatorPort}`,
    /** A seamless reload: a new process reads the config and map file, and takes over the listeners. */
    async reload() {
      const old = pid();
      execFileSync(bin, ['-D', '-f', config, '-x', join(dir, 'admin.sock'), '-sf', String(old)], { stdio: 'pipe' });
      await waitFor(() => pid() !== old, 5000);
    },
    stop() {
      try {
        process.kill(pid(), 'SIGTERM');
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inputs that point the action at this HAProxy and these apps. */
export function haproxyInputs(haproxy, apps) {
  return {
    router: 'haproxy',
    'haproxy-socket': haproxy.socket,
    'haproxy-map': haproxy.map,
    'deploy-command': apps.deployCommand,
    'smoke-urls': `${haproxy.url}/preview/{color}/`,
    'health-urls': `${haproxy.url}/preview/{color}/`,
  };
}
