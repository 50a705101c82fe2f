import { readFileSync, statSync } from 'node:fs';
import { get, nginxInputs, startApps, startNginx } from './peers.mjs';

export interface Env {
  nginx: { url: string; live: string; pidFile: string; testCommand: string; reloadCommand: string; dir: string; stop(): void };
  apps: { ports: Record<string, number>; env: Record<string, string>; deployCommand: string; stop(): void };
  /** Inputs that point the action at this nginx and these apps. */
  inputs: Record<string, string>;
  stop(): void;
}

/** A real nginx with two real app processes (blue live, v1), on 127.0.0.1. */
export async function nginxEnv(initial: string | null = 'proxy_pass http://blue;'): Promise<Env> {
  const apps = await startApps();
  const nginx = await startNginx({ ports: apps.ports, initial: initial ?? '' });
  return {
    nginx,
    apps,
    inputs: {
      ...nginxInputs(nginx, apps),
      'health-interval': '250ms',
      'health-window': '2s',
      'lock-timeout': '1s',
    },
    stop() {
      nginx.stop();
      apps.stop();
    },
  };
}

/** What a client sees through the public route. */
export async function publicColor(env: Env): Promise<string> {
  const answer = await get(env.nginx.url);
  return `${answer.color ?? 'none'} ${answer.status}${answer.status === 0 ? ` (${answer.body})` : ''}`;
}

/** One answer seen by a polling client: when its request started, and what answered. */
export interface Seen {
  startedAt: number;
  answer: string;
}

/** Polls the public route until stopped, each request on a fresh connection; returns every answer. */
export function pollPublic(env: Env, everyMs = 10) {
  const seen: Seen[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedAt = Date.now();
      const answer = await get(env.nginx.url);
      seen.push({ startedAt, answer: `${answer.color ?? 'none'} ${answer.status}` });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

/** The distinct answers in order, repeats folded: ['blue 200', 'green 200']. */
export function transitions(seen: Seen[]): string[] {
  return seen.map((s) => s.answer).filter((answer, i, all) => i === 0 || all[i - 1] !== answer);
}

export function fileStamp(path: string): string {
  try {
    return `${statSync(path).mtimeMs} ${readFileSync(path, 'utf8')}`;
  } catch {
    return 'absent';
  }
}
