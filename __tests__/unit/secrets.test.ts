import { describe, expect, it } from 'vitest';
import { secretsOf } from '../../src/secrets.js';
import { inputs } from '../helpers/fakes.js';

describe('secrets read from the raw inputs', () => {
  it('covers every form a credential may come back in', () => {
    const secrets = secretsOf(
      inputs({
        'smoke-headers': 'Authorization: Bearer tok-123456\nX-Key: key-abcdef\nnot a header line',
        'prometheus-headers': `Authorization: Basic ${Buffer.from('bot:pw-secret').toString('base64')}`,
        'prometheus-url': 'https://u%40x:p%40ss-word@prom.example',
        'smoke-tests': '- url: http://x/\n  headers:\n    X-Api: yaml-secret',
        'github-token': 'ghs_token',
      }),
    );
    const basicOfUrl = Buffer.from('u@x:p@ss-word').toString('base64');
    expect(secrets).toEqual(
      expect.arrayContaining([
        'Bearer tok-123456',
        'tok-123456',
        'key-abcdef',
        'bot:pw-secret',
        'pw-secret',
        'p%40ss-word',
        'p@ss-word',
        basicOfUrl,
        `Basic ${basicOfUrl}`,
        'yaml-secret',
        'ghs_token',
      ]),
    );
  });

  it('reads what it can from inputs that fail validation, and never throws', () => {
    expect(secretsOf(inputs({ 'smoke-tests': '- [unclosed', 'prometheus-url': 'http://a:%zz-secret@x', 'smoke-headers': 'X: v\u0000alue-1234' }))).toEqual(
      expect.arrayContaining(['%zz-secret', 'v\u0000alue-1234']),
    );
  });
});
