// A real Prometheus (Debian package) on 127.0.0.1 scraping the two app processes every second.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, get, waitFor } from './peers.mjs';

export function prometheusBinary() {
  for (const path of ['/usr/bin/prometheus', '/usr/local/bin/prometheus']) if (existsSync(path)) return path;
  throw new Error('prometheus is not installed: run script/bootstrap');
}

export async function startPrometheus({ ports, scrapeInterval = '1s' }) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-prometheus-'));
  const port = await freePort();
  const targets = Object.values(ports).map((p) => `'127.0.0.1:${p}'`).join(', ');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: ${scrapeInterval}
  evaluation_interval: ${scrapeInterval}
scrape_configs:
  - job_name: apps
    static_configs:
      - targets: [${targets}]
`,
  );
  const args = [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
  const url = `http://127.0.0.1:${port}`;
  let child;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = spawn(prometheusBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    if (!(await waitFor(async () => (await get(`${url}/-/ready`)).status === 200, 20_000, 100))) throw new Error(`prometheus did not start:\n${stderr}`);
    // The first scrape comes a few seconds after start; tests need data from the first second.
    const scraped = async () => {
      const answer = await get(`${url}/api/v1/query?query=${encodeURIComponent('count(up == 1)')}`);
      return answer.status === 200 && JSON.parse(answer.body).data.result[0]?.value[1] === String(Object.keys(ports).length);
    };
    if (!(await waitFor(scraped, 20_000, 200))) throw new Error('prometheus did not scrape the apps within 20s');
  };
  await start();
  return {
    url,
    /** Stops it (a metrics outage); `start()` brings it back with the same data. */
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    start,
    async destroy() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
