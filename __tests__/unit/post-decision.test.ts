import { describe, expect, it } from 'vitest';
import { decidePost, notOwnWrite } from '../../src/entry/post-decision.js';

describe('decidePost', () => {
  it('does nothing when the main step finished or never started', () => {
    expect(decidePost('done', 'blue', 'green', 'failure', true).flipBack).toBe(false);
    expect(decidePost('', '', '', 'cancelled', true)).toEqual({ flipBack: false, message: expect.stringMatching(/before touching anything/) });
  });
  it('does nothing when the main step stopped before traffic moved', () => {
    const d = decidePost('deploying', 'blue', 'green', 'cancelled', true);
    expect(d).toEqual({ flipBack: false, message: expect.stringMatching(/during deploying \(the job is cancelled\); no new color was live and unproven/) });
    expect(decidePost('rollback-on-request', 'green', 'blue', 'cancelled', true).flipBack).toBe(false);
  });
  it.each(['flipping', 'watching', 'rolling-back'])('flips back when the main step stopped while %s', (phase) => {
    const d = decidePost(phase, 'blue', 'green', 'cancelled', true);
    expect(d.flipBack).toBe(true);
    expect(d.message).toMatch(/flipping back to blue/);
  });
  it('respects rollback-on-failure false, but always finishes a rollback in progress', () => {
    expect(decidePost('watching', 'blue', 'green', 'cancelled', false).flipBack).toBe(false);
    expect(decidePost('rolling-back', 'blue', 'green', 'cancelled', false).flipBack).toBe(true);
  });
  it('cannot flip back a first release', () => {
    const d = decidePost('watching', '', 'blue', 'cancelled', true);
    expect(d).toEqual({ flipBack: false, message: expect.stringMatching(/first release/) });
  });
});

describe('notOwnWrite: the post step undoes only its own last write', () => {
  const wrote = JSON.stringify([{ route: 'blue 90%, green 10%', revision: 'r1' }, { route: 'green' }]);
  it('accepts what this run wrote, or the write it had begun', () => {
    expect(notOwnWrite({ route: 'blue 90%, green 10%', revision: 'r1' }, wrote, 'blue')).toBeUndefined();
    expect(notOwnWrite({ route: 'green', revision: 'r2' }, wrote, 'blue')).toBeUndefined();
  });
  it('refuses a state someone wrote since, naming what it shows', () => {
    expect(notOwnWrite({ route: 'blue 50%, green 50%' }, wrote, 'blue')).toMatch(/it shows blue 50%, green 50%, not what this run wrote \(blue 90%, green 10% or green\): someone else changed the router after this run/);
    expect(notOwnWrite({ route: 'blue 90%, green 10%', revision: 'r9' }, wrote, 'blue')).toMatch(/written again since \(r9, not r1\)/);
  });
  it('refuses when nothing was recorded', () => {
    expect(notOwnWrite({ route: 'green' }, '', 'blue')).toMatch(/recorded no write of its own/);
  });
});
