import { describe, expect, it } from 'vitest';
import { decidePost } from '../../src/post-decision.js';

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
