import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillArgv, splitCommand } from '../../src/infra/argv.js';
import { formatDuration, parseDuration } from '../../src/infra/duration.js';
import { exec, execOrThrow } from '../../src/infra/exec.js';
import { acquireFileLock } from '../../src/infra/lock.js';
import { redactor } from '../../src/infra/log.js';
import { backoffDelay, retry } from '../../src/infra/retry.js';
import { FakeClock } from '../helpers/fakes.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    [' 2s ', 2000],
  ])('parses %j', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '10', '5 min', '-1s', '1d', 's'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
  it('formats for people', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(2000)).toBe('2s');
    expect(formatDuration(90_000)).toBe('1m 30s');
  });
});

describe('argv', () => {
  it('fills placeholders after splitting, so a value can never become two arguments', () => {
    const argv = splitCommand('deploy --to {color} --tag {version}') as string[];
    expect(fillArgv(argv, { color: 'green', version: 'v2 --force' })).toEqual(['deploy', '--to', 'green', '--tag', 'v2 --force']);
  });
  it('keeps globs and $VARS as literal text', () => {
    expect(splitCommand('ls *.conf $HOME')).toEqual(['ls', '*.conf', '$HOME']);
  });
  it('refuses redirections and empty lines', () => {
    expect(splitCommand('echo hi > /tmp/x')).toMatch(/shell operator ">"/);
    expect(splitCommand('   ')).toBe('the command is empty');
  });
});

describe('exec', () => {
  it('runs without a shell: metacharacters arrive as plain arguments', async () => {
    const result = await exec(['printf', '%s|', '$(whoami)', ';', '*']);
    expect(result.stdout).toBe('$(whoami)|;|*|');
  });
  it('kills a command that outlives its timeout', async () => {
    const result = await exec(['sleep', '5'], { timeoutMs: 100 });
    expect(result.timedOut).toBe(true);
  });
  it('throws with the command output when it fails', async () => {
    await expect(execOrThrow(['sh', '-c', 'echo broken config >&2; exit 3'], 'test failed')).rejects.toThrow(/test failed: .* exited with 3: broken config/);
    await expect(exec(['no-such-command-here'])).rejects.toThrow(/command not found: no-such-command-here/);
  });
});

describe('retry', () => {
  it('retries retryable errors with growing jittered delays, then gives up', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    let calls = 0;
    const told: string[] = [];
    await expect(
      retry(async () => { calls++; throw new Error('flaky'); }, { attempts: 3, baseDelayMs: 100, label: 'Rollback to blue', clock, random: () => 1, onRetry: (m) => told.push(m) }),
    ).rejects.toThrow('flaky');
    expect(calls).toBe(3);
    expect(told).toEqual(['Rollback to blue attempt 1 failed: flaky; retrying in 100ms', 'Rollback to blue attempt 2 failed: flaky; retrying in 200ms']);
    expect(clock.now() - start).toBe(100 + 200);
  });
  it('does not retry what is not retryable', async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw new Error('bad input'); }, { attempts: 5, baseDelayMs: 1, label: 't', clock: new FakeClock(), retryable: () => false })).rejects.toThrow();
    expect(calls).toBe(1);
  });
  it('keeps jitter within half to all of the ceiling', () => {
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(200);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(400);
    expect(backoffDelay(20, 100, 1000, () => 1)).toBe(1000);
  });
});

describe('redactor', () => {
  it('hides every secret, longest first', () => {
    const redact = redactor(['token-123', 'token-123-long']);
    expect(redact('a token-123-long b token-123')).toBe('a *** b ***');
  });
});

describe('file lock', () => {
  it('excludes a second holder, then refuses with who holds it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'router.lock');
    const clock = new FakeClock();
    const release = await acquireFileLock(path, { run: 'run-1', pid: process.pid }, 1000, clock, () => undefined);
    const waits: string[] = [];
    await expect(acquireFileLock(path, { run: 'run-2', pid: process.pid }, 1000, clock, (m) => waits.push(m))).rejects.toThrow(
      /Another release holds the router lock .* \(run run-1, pid \d+ on .*\); waited 1s \(lock-timeout\)/,
    );
    expect(waits[0]).toMatch(/Waiting for the router lock/);
    await release();
    expect(existsSync(path)).toBe(false);
  });
  it('treats a lock file still being written as held, and an old unreadable one as debris', async () => {
    const { utimesSync } = await import('node:fs');
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'router.lock');
    writeFileSync(path, '');
    await expect(acquireFileLock(path, { run: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined)).rejects.toThrow(/Another release holds/);
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await acquireFileLock(path, { run: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).run).toBe('new');
  });

  it('takes over a lock whose process is gone, or that its own run left', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'router.lock');
    const { hostname } = await import('node:os');
    writeFileSync(path, JSON.stringify({ run: 'old', pid: 999_999_999, host: hostname(), since: 'then' }));
    await acquireFileLock(path, { run: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).run).toBe('new');
    await acquireFileLock(path, { run: 'new', pid: 1 }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(1);
  });
});
