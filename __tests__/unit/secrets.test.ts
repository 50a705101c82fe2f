import { describe, expect, it, vi } from 'vitest';
import { secretSink } from '../../src/entry/adapters.js';
import { redactor } from '../../src/infra/log.js';
import { secretsOf } from '../../src/secrets.js';
import { inputs } from '../../test-support/fakes.js';

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

describe('secrets learnt during the run', () => {
  it('are masked by the runner once each, and hidden by the run\'s redactor from then on', () => {
    const secrets = ['input-secret'];
    const redact = redactor(secrets);
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      const onSecret = secretSink(secrets);
      onSecret('minted-token-1');
      onSecret('minted-token-1');
      onSecret('input-secret');
      onSecret('');
    } finally {
      write.mockRestore();
    }
    expect(written.filter((line) => line.startsWith('::add-mask::'))).toEqual([expect.stringMatching(/^::add-mask::minted-token-1\r?\n$/)]);
    expect(redact('sent minted-token-1 and input-secret')).toBe('sent *** and ***');
  });
});
