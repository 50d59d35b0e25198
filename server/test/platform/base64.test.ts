import { describe, expect, it } from 'vitest';
import { isBase64 } from '../../src/lib/base64.js';

describe('isBase64', () => {
  it('accepts standard base64 with up to two padding characters at the end', () => {
    for (const ok of ['QQ==', 'QUI=', 'QUJD', 'a+/9', Buffer.from('x'.repeat(1000)).toString('base64')]) {
      expect(isBase64(ok), ok).toBe(true);
    }
  });

  it('refuses empty text, other characters, padding in the middle and too much padding', () => {
    for (const bad of ['', 'QQ=A', 'Q===', 'QU-_', 'QUJD\n', 'data:image/png;base64,QUJD', '=']) {
      expect(isBase64(bad), bad).toBe(false);
    }
  });
});
