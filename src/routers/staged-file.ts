import { writeAtomic, readIfExists } from '../infra/files.js';
import type { StagedRecord } from '../types.js';

/**
 * Which version a color holds, kept in a small JSON file beside what the router owns (the include,
 * the marker folder, the map), where the router's owner can see it: `mode: promote` checks it, so an
 * approval can never promote a build other than the one it approved.
 */
export async function writeStagedFile(path: string, record: StagedRecord): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(record)}\n`);
}

export async function readStagedFile(path: string): Promise<StagedRecord | undefined> {
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as StagedRecord;
    if (typeof record.version === 'string' && typeof record.at === 'string') return record;
  } catch {
    /* said below */
  }
  throw new Error(`${path} does not hold a staged-version record; remove it and stage again.`);
}
