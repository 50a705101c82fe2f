import { readIfExists, writeAtomic } from '../../infra/files.js';
import { errorMessage } from '../../infra/log.js';

/**
 * Rewrites `key value` in the map file HAProxy loads at start, so a reload or restart keeps the live
 * color. Other lines (and comments) are kept. Returns why it could not, or undefined when it did.
 */
export async function persistMapEntry(path: string, key: string, value: string): Promise<string | undefined> {
  try {
    const content = await readIfExists(path);
    if (content === undefined) return `the map file ${path} is not on this machine`;
    const lines = content.split('\n');
    const at = lines.findIndex((line) => line.trim().split(/\s+/)[0] === key);
    if (at >= 0) lines[at] = `${key} ${value}`;
    else lines.splice(lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, 0, `${key} ${value}`);
    await writeAtomic(path, lines.join('\n'));
    return undefined;
  } catch (error) {
    return `the map file ${path} could not be rewritten: ${errorMessage(error)}`;
  }
}

/** Entries of `show map <map>`: lines `0x55d0c0ffee00 key value`. */
export function parseShowMap(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^0x[0-9a-f]+\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (match) entries.set(match[1], match[2].trim());
  }
  return entries;
}
