import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShowMap, persistMapEntry } from '../../src/routers/haproxy/map-file.js';
import { isIPv4, isIPv6 } from 'node:net';
import { parseAddress } from '../../src/routers/haproxy/syntax.js';

describe('haproxy map file', () => {
  it('parses `show map` answers', () => {
    expect(parseShowMap('0x5569e6fc1bc0 active blue\n0x5569e6fc1bd0 other x y\n\n')).toEqual(
      new Map([
        ['active', 'blue'],
        ['other', 'x y'],
      ]),
    );
    expect(parseShowMap('\n').size).toBe(0);
  });

  it('replaces the key, keeping comments and other entries, or appends it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'map-')), 'live.map');
    writeFileSync(path, '# live\nactive blue\nother x\n');
    expect(await persistMapEntry(path, 'active', 'green')).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('# live\nactive green\nother x\n');
    writeFileSync(path, '# empty\n');
    await persistMapEntry(path, 'active', 'blue');
    expect(readFileSync(path, 'utf8')).toBe('# empty\nactive blue\n');
  });

  it('says why when the file is not on this machine', async () => {
    expect(await persistMapEntry('/nonexistent/live.map', 'active', 'blue')).toBe('the map file /nonexistent/live.map is not on this machine');
  });

  it('reads socket addresses', () => {
    expect(parseAddress('/run/haproxy/admin.sock')).toEqual({ path: '/run/haproxy/admin.sock' });
    expect(parseAddress('127.0.0.1:9999')).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(parseAddress('[::1]:9999')).toEqual({ host: '::1', port: 9999 });
    expect(parseAddress('admin.sock')).toBeUndefined();
    expect(parseAddress('host:99999')).toBeUndefined();
    expect(parseAddress('haproxy.internal:9999')).toEqual({ host: 'haproxy.internal', port: 9999 });
    expect(parseAddress('localhost:65535')).toEqual({ host: 'localhost', port: 65535 });
    expect(parseAddress('[2001:db8::1]:1')).toEqual({ host: '2001:db8::1', port: 1 });
  });

  it.each([
    ['a URL', 'http://127.0.0.1:1'],
    ['a host with a space', 'a b:1234'],
    ['a relative path', './admin.sock'],
    ['a path with a line break', '/run/admin.sock\nx'],
    ['port 0', '127.0.0.1:0'],
    ['a port above 65535', '127.0.0.1:65536'],
    ['no port', '127.0.0.1'],
    ['an IPv4 address out of range', '256.0.0.1:9999'],
    ['an IPv6 address without brackets', '::1:9999'],
    ['brackets around what is not IPv6', '[localhost]:9999'],
    ['a label ending in a dash', 'haproxy-.internal:9999'],
    ['an empty host', ':9999'],
  ])('refuses as a socket address %s', (_, text) => {
    expect(parseAddress(text)).toBeUndefined();
  });

  // The address check avoids node:net (see syntax.ts): it must agree with node:net's own.
  it.each([
    '0.0.0.0', '255.255.255.255', '10.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '300.1.1.1', '1.2.3.04',
    '::', '::1', '2001:db8::1', '::ffff:10.0.0.1', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', ':::1',
    '2001:db8:::1', 'g::1', '1.2.3.4::', '::ffff:300.1.1.1',
  ])('agrees with node:net on %s', (host) => {
    const bracketed = host.includes(':') ? `[${host}]` : host;
    expect(parseAddress(`${bracketed}:9999`) !== undefined).toBe(host.includes(':') ? isIPv6(host) : isIPv4(host));
  });
});
