// The open_file_cache check of the nginx marker router: nginx -T is asked once per running nginx, and
// what it found is kept beside the markers. A stand-in for nginx counts how often it is asked.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openFileCacheDirective } from '../../src/routers/nginx/open-file-cache.js';

let dir: string;
let memo: string;
let calls: string;
let testCommand: string[];
/** This process stands for nginx's master, and its parent for a worker: both can be read in /proc. */
const running = { master: process.pid, accepting: new Set([process.ppid]) };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bg-ofc-'));
  memo = join(dir, '.nginx-checked');
  calls = join(dir, 'calls');
  writeFileSync(calls, '');
  const stand = join(dir, 'nginx.mjs');
  // Prints a configuration (with the directive while `config` says so) when called with -T.
  writeFileSync(
    stand,
    `import { appendFileSync, readFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(calls)}, process.argv.slice(2).join(' ') + '\\n');
if (!process.argv.includes('-T')) process.exit(1);
console.log('http {\\n' + readFileSync(${JSON.stringify(join(dir, 'config'))}, 'utf8') + '\\n}');`,
  );
  writeFileSync(join(dir, 'config'), '  open_file_cache max=100 inactive=20s;');
  testCommand = [process.execPath, stand, '-t', '-q'];
});

const asked = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean);

describe('nginx markers: the open_file_cache check', () => {
  it('asks nginx -T (not -t -q) once for a running nginx, then answers from what it kept', async () => {
    expect(await openFileCacheDirective(testCommand, running, memo)).toBe('open_file_cache max=100 inactive=20s;');
    writeFileSync(join(dir, 'config'), '  open_file_cache off;');
    // The same nginx: its configuration is what it read when it started (or last reloaded).
    expect(await openFileCacheDirective(testCommand, running, memo)).toBe('open_file_cache max=100 inactive=20s;');
    expect(asked()).toEqual(['-T']);
  });

  it('asks again for other workers (a reload), another master, or another test command', async () => {
    await openFileCacheDirective(testCommand, running, memo);
    writeFileSync(join(dir, 'config'), '  open_file_cache off;');
    expect(await openFileCacheDirective(testCommand, { ...running, accepting: new Set([1]) }, memo)).toBeUndefined();
    expect(await openFileCacheDirective(testCommand, { master: process.ppid, accepting: running.accepting }, memo)).toBeUndefined();
    expect(await openFileCacheDirective([...testCommand, '-c', '/etc/nginx/other.conf'], { master: process.ppid, accepting: running.accepting }, memo)).toBeUndefined();
    expect(asked()).toEqual(['-T', '-T', '-T', '-T -c /etc/nginx/other.conf']);
  });

  it('asks every time when the running nginx cannot be read here, and keeps nothing', async () => {
    expect(await openFileCacheDirective(testCommand, undefined, memo)).toBe('open_file_cache max=100 inactive=20s;');
    expect(await openFileCacheDirective(testCommand, { master: 2 ** 30, accepting: new Set([1]) }, memo)).toBe('open_file_cache max=100 inactive=20s;');
    expect(asked()).toHaveLength(2);
    expect(() => readFileSync(memo)).toThrow(/ENOENT/);
  });

  it('asks again when what was kept is not its record; says nothing when nginx -T fails or the test command has no -t', async () => {
    writeFileSync(memo, '{"nginx": 3}');
    expect(await openFileCacheDirective(testCommand, running, memo)).toBe('open_file_cache max=100 inactive=20s;');
    writeFileSync(memo, 'not json');
    expect(await openFileCacheDirective(testCommand, running, memo)).toBe('open_file_cache max=100 inactive=20s;');
    expect(asked()).toHaveLength(2);
    expect(await openFileCacheDirective([process.execPath, '-e', 'process.exit(1)', '-t'], undefined, memo)).toBeUndefined();
    expect(await openFileCacheDirective([process.execPath, '--version'], undefined, memo)).toBeUndefined();
  });
});

describe('nginx markers: what the open_file_cache check keeps', () => {
  it('takes from the memo only what the check writes: a key and a directive, or none', async () => {
    await openFileCacheDirective(testCommand, running, memo);
    const kept = JSON.parse(readFileSync(memo, 'utf8'));
    for (const directive of ['::error::not a directive', 'open_file_cache off;', `open_file_cache ${'x'.repeat(600)};`, 42]) {
      writeFileSync(memo, JSON.stringify({ ...kept, directive }));
      expect(await openFileCacheDirective(testCommand, running, memo)).toBe('open_file_cache max=100 inactive=20s;');
    }
    expect(asked()).toHaveLength(5);
  });
});

describe('nginx markers: the directive as nginx -T shows it', () => {
  it('finds one whose parameters run over two lines, and none in a commented-out one or off', async () => {
    writeFileSync(join(dir, 'config'), '  open_file_cache max=100\n      inactive=20s;');
    expect(await openFileCacheDirective(testCommand, undefined, memo)).toBe('open_file_cache max=100\n      inactive=20s;');
    writeFileSync(join(dir, 'config'), '  # open_file_cache max=100;\n  open_file_cache off;');
    expect(await openFileCacheDirective(testCommand, undefined, memo)).toBeUndefined();
  });
});
