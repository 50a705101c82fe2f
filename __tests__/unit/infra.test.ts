import { mkdtempSync, readFileSync, statSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillArgv, fillTemplate, fillUrl, splitCommand } from '../../src/infra/argv.js';
import { formatDuration, parseDuration } from '../../src/infra/duration.js';
import { exec, execOrThrow } from '../../src/infra/exec.js';
import { ExclusionLostError, Fence, LeaseTerm, Observer } from '../../src/infra/fence.js';
import { acquireFileLock } from '../../src/infra/lock.js';
import { redactor } from '../../src/infra/log.js';
import { backoffDelay, retry } from '../../src/infra/retry.js';
import { systemClock } from '../../src/infra/clock.js';
import { FakeClock } from '../../test-support/fakes.js';

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
  it('fills URL templates with each value percent-encoded, so a version stays one value in its place', () => {
    const url = fillUrl('http://{color}.app.internal/releases/{version}/health?v={version}', { color: 'green', version: 'v1.4.0-rc.1+build.5/x' });
    expect(url).toBe('http://green.app.internal/releases/v1.4.0-rc.1%2Bbuild.5%2Fx/health?v=v1.4.0-rc.1%2Bbuild.5%2Fx');
    const parsed = new URL(url);
    expect(parsed.host).toBe('green.app.internal');
    // Unencoded, the `+` would reach the server as a space and the `/` as another path segment.
    expect(parsed.searchParams.get('v')).toBe('v1.4.0-rc.1+build.5/x');
    expect(parsed.pathname.split('/')).toEqual(['', 'releases', 'v1.4.0-rc.1%2Bbuild.5%2Fx', 'health']);
  });
  it('leaves unknown placeholders as written, including names of object properties', () => {
    expect(fillTemplate('{constructor}-{color}-{other}', { color: 'blue' })).toBe('{constructor}-blue-{other}');
  });
  it("splits by the shell's quoting rules", () => {
    expect(splitCommand(`deploy 'a b' "c \\"d\\"" e\\ f '' g"h"'i'`)).toEqual(['deploy', 'a b', 'c "d"', 'e f', '', 'ghi']);
    expect(splitCommand(`ls '*.conf' '$HOME' \\$x "#" a#b`)).toEqual(['ls', '*.conf', '$HOME', '$x', '#', 'a#b']);
  });
  it.each([
    ['echo hi > /tmp/x', 'shell operator ">" at character 9'],
    ['deploy && notify', 'shell operator "&&" at character 8'],
    ['echo "abc', 'an unbalanced double quote at character 6'],
    ["echo 'abc", 'an unbalanced single quote at character 6'],
    ['echo abc\\', 'a trailing backslash at character 9'],
    ['echo a\necho b', 'a line break at character 7'],
    ['ls *.conf', '"*" at character 4'],
    ['echo $HOME', '"$" at character 6'],
    ['echo "$HOME"', '"$" at character 7'],
    ['echo `id`', '"`" at character 6'],
    ['echo ~/x', '"~" at character 6'],
    ['deploy # note', '"#" at character 8'],
    ['   ', 'the command is empty'],
  ])('refuses %j with the position of the problem', (line, why) => {
    expect(splitCommand(line)).toContain(why);
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
  it('is done when the command exits, even if it left a background process holding its output', async () => {
    const result = await exec(['sh', '-c', 'sleep 30 & echo started']);
    expect(result).toMatchObject({ code: 0, timedOut: false, leftRunning: true });
    expect(result.stdout).toBe('started\n');
    const plain = await exec(['echo', 'done']);
    expect(plain.leftRunning).toBe(false);
  });
  it('runs nothing when the run is already cancelled, and stops a running command on cancel', async () => {
    const cancelled = new AbortController();
    cancelled.abort(new Error('received SIGINT'));
    const marker = join(mkdtempSync(join(tmpdir(), 'exec-')), 'ran');
    const before = await exec(['touch', marker], { signal: cancelled.signal });
    expect(before.aborted).toBe(true);
    expect(existsSync(marker)).toBe(false);
    await expect(execOrThrow(['touch', marker], 'touch', { signal: cancelled.signal })).rejects.toThrow('received SIGINT');
    const later = new AbortController();
    setTimeout(() => later.abort(new Error('received SIGTERM')), 50);
    const during = await exec(['sleep', '30'], { signal: later.signal });
    expect(during.aborted).toBe(true);
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
  it('hides a secret learnt after it was made (a token minted during the run)', () => {
    const secrets = ['token-123'];
    const redact = redactor(secrets);
    expect(redact('minted-456')).toBe('minted-456');
    secrets.push('minted-456');
    expect(redact('a minted-456 b token-123')).toBe('a *** b ***');
  });
});

describe('file lock', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'lock-'));
  it('excludes a second holder, then refuses with who holds it', async () => {
    const path = join(dir(), 'router.lock');
    const clock = new FakeClock();
    const release = await acquireFileLock(path, { job: 'run 1 attempt 1, job a', pid: process.pid }, 1000, clock, () => undefined);
    const waits: string[] = [];
    await expect(acquireFileLock(path, { job: 'run 2 attempt 1, job a', pid: process.pid }, 1000, clock, (m) => waits.push(m))).rejects.toThrow(
      /Another release holds the router lock .* \(run 1 attempt 1, job a, pid \d+ on .*\); waited 1s \(lock-timeout\)/,
    );
    expect(waits[0]).toMatch(/Waiting for the router lock/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await release.release();
    expect(existsSync(path)).toBe(false);
  });

  it('keeps two matrix jobs of one run apart: the owner is the job, not the run', async () => {
    const path = join(dir(), 'router.lock');
    await acquireFileLock(path, { job: 'run 7 attempt 1, job deploy, matrix index 0', pid: process.pid }, 0, new FakeClock(), () => undefined);
    await expect(acquireFileLock(path, { job: 'run 7 attempt 1, job deploy, matrix index 1', pid: process.pid }, 0, new FakeClock(), () => undefined)).rejects.toThrow(
      /held by|Another release holds the router lock .*matrix index 0/,
    );
  });

  it('treats a lock file still being written as held, and an old unreadable one as debris', async () => {
    const { utimesSync } = await import('node:fs');
    const path = join(dir(), 'router.lock');
    writeFileSync(path, '');
    await expect(acquireFileLock(path, { job: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined)).rejects.toThrow(/Another release holds/);
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await acquireFileLock(path, { job: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).job).toBe('new');
  });

  it('takes over a lock whose process is gone, or that its own job left', async () => {
    const path = join(dir(), 'router.lock');
    writeFileSync(path, JSON.stringify({ job: 'old', pid: 999_999_999, host: hostname(), since: 'then' }));
    await acquireFileLock(path, { job: 'new', pid: process.pid }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).job).toBe('new');
    await acquireFileLock(path, { job: 'new', pid: 1 }, 0, new FakeClock(), () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(1);
  });

  it('lets exactly one of many racing waiters take over a dead holder\'s lock', async () => {
    for (let round = 0; round < 20; round++) {
      const path = join(dir(), 'router.lock');
      writeFileSync(path, JSON.stringify({ job: 'dead', pid: 999_999_999, host: hostname(), since: 'then' }));
      const tries = Array.from({ length: 6 }, (_, i) => acquireFileLock(path, { job: `job ${i}`, pid: process.pid }, 0, new FakeClock(), () => undefined));
      const won = (await Promise.allSettled(tries)).filter((t) => t.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(JSON.parse(readFileSync(path, 'utf8')).job).toMatch(/^job \d$/);
    }
  });

  it('releases only its own lock, never one taken over meanwhile', async () => {
    const path = join(dir(), 'router.lock');
    const release = await acquireFileLock(path, { job: 'a', pid: process.pid }, 0, new FakeClock(), () => undefined);
    await acquireFileLock(path, { job: 'a', pid: 1 }, 0, new FakeClock(), () => undefined); // its post step took over
    await release.release();
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(1);
  });

  it('stops waiting at once when the run is cancelled, even if cancelled before it began', async () => {
    const path = join(dir(), 'router.lock');
    await acquireFileLock(path, { job: 'a', pid: process.pid }, 0, new FakeClock(), () => undefined);
    const cancel = new AbortController();
    cancel.abort(new Error('received SIGINT'));
    await expect(acquireFileLock(path, { job: 'b', pid: process.pid }, 60_000, systemClock, () => undefined, cancel.signal)).rejects.toThrow('received SIGINT');
    const later = new AbortController();
    const waiting = acquireFileLock(path, { job: 'b', pid: process.pid }, 60_000, systemClock, () => later.abort(new Error('received SIGTERM')), later.signal);
    await expect(waiting).rejects.toThrow('received SIGTERM');
  });
});

describe('fence', () => {
  it('a lease term is vouched for until its last confirmed renewal plus the duration minus the margin', () => {
    const clock = new FakeClock();
    const term = new LeaseTerm(clock, 30_000, 10_000, clock.monotonic());
    clock.time += 20_000;
    expect(term.expired('Lease "x"')).toBeUndefined();
    clock.time += 1;
    expect(term.expired('Lease "x"')).toMatch(/^Lease "x" was last confirmed 20\.0 s ago; it lasts 30 s, and a holder that cannot confirm it within 20 s stops writing/);
    term.confirmed(clock.monotonic());
    expect(term.expired('Lease "x"')).toBeUndefined();
  });

  it('an observer judges a record gone only after seeing it unchanged for the whole duration', () => {
    const clock = new FakeClock();
    const seen = new Observer(clock);
    expect(seen.unchangedFor('rv 1', 30_000)).toBe(false);
    clock.time += 29_000;
    expect(seen.unchangedFor('rv 1', 30_000)).toBe(false);
    clock.time += 2_000;
    expect(seen.unchangedFor('rv 2', 30_000)).toBe(false); // renewed: the count starts again
    clock.time += 30_000;
    expect(seen.unchangedFor('rv 2', 30_000)).toBe(true);
  });

  it('refuses writes without a lock, after a loss (for good), and after release', async () => {
    const fence = new Fence();
    await expect(fence.check('flip')).rejects.toThrow(/flip was refused: this run does not hold the router's lock/);
    let lost: string | undefined;
    let released = 0;
    fence.hold({ lost: async () => lost, release: async () => void released++ });
    await fence.check('flip');
    lost = 'renewal refused';
    await expect(fence.check('flip')).rejects.toThrow(ExclusionLostError);
    lost = undefined;
    await expect(fence.check('flip')).rejects.toThrow(/lost its exclusive hold on the router \(renewal refused\)/);
    await fence.release();
    await fence.release();
    expect(released).toBe(1);
    await expect(fence.check('flip')).rejects.toThrow(/already released/);
  });

  it('a file lock is lost when its file names someone else or is gone', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'router.lock');
    const held = await acquireFileLock(path, { job: 'a', pid: process.pid }, 0, new FakeClock(), () => undefined);
    expect(await held.lost()).toBeUndefined();
    writeFileSync(path, JSON.stringify({ job: 'b', pid: 1, host: hostname(), since: 'now' }));
    expect(await held.lost()).toMatch(/now names b, pid 1 on/);
    unlinkSync(path);
    expect(await held.lost()).toMatch(/was removed by someone else/);
  });
});
