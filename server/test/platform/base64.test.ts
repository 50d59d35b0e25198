import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64 } from '../../src/lib/base64.js';

/** The definition decodeBase64 implements, written the slow, obvious way. */
function isStandardBase64(text: string): boolean {
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(text);
  return match !== null && match[1]!.length > 0 && match[1]!.length % 4 !== 1;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Characters a wrong body might hold: padding, URL-safe digits, whitespace, NUL, Latin-1, UTF-16. */
const INTRUDERS = ['=', '-', '_', ' ', '\n', '\t', '\r', '\0', '.', 'é', '\u00c1', 'Ł', 'ā', '😀', '\ud800'];

describe('decodeBase64', () => {
  it('decodes standard base64 with up to two padding characters at the end', () => {
    for (const ok of [
      'QQ==',
      'QUI=',
      'QUJD',
      'a+/9',
      'QQ',
      'QUI',
      Buffer.from('x'.repeat(1000)).toString('base64'),
    ]) {
      expect(decodeBase64(ok), ok).toEqual(Buffer.from(ok, 'base64'));
    }
  });

  it('refuses empty text, other characters, padding in the middle, too much padding and a lone digit', () => {
    const bad = [
      '',
      'QQ=A',
      'Q===',
      'QU-_',
      'QUJD\n',
      'data:image/png;base64,QUJD',
      '=',
      '==',
      'QUJDR',
      'QUJDR==',
    ];
    for (const text of bad) expect(decodeBase64(text), JSON.stringify(text)).toBeNull();
  });

  it('refuses characters past ASCII that Node would read by their low byte', () => {
    // U+0141 is read as 0x41 ("A") by Node's decoder: 'QUEŁ' would decode to three bytes.
    expect(Buffer.from('QUEŁ', 'base64')).toHaveLength(3);
    expect(decodeBase64('QUEŁ')).toBeNull();
    expect(decodeBase64('QUE\u0100')).toBeNull();
  });

  it('refuses every character that is not a base64 digit, in every place of a group', () => {
    const digits = new Set(ALPHABET);
    for (let unit = 0; unit <= 0xffff; unit++) {
      const char = String.fromCharCode(unit);
      if (digits.has(char)) continue;
      for (const text of [
        `${char}UJDQUJD`,
        `Q${char}JDQUJD`,
        `QU${char}DQUJD`,
        `QUJ${char}QUJD`,
        `QUJDQU${char}D`,
      ]) {
        if (decodeBase64(text) !== null)
          expect.fail(`accepted ${JSON.stringify(text)} (U+${unit.toString(16)})`);
      }
    }
  });

  it('agrees with the definition on random valid text with one or two characters changed', () => {
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const length = 1 + (round % 37);
      const valid = randomBytes(length).toString('base64');
      const chars = [...valid];
      const changes = 1 + (round % 2);
      for (let c = 0; c < changes; c++) {
        const at = (round * 7 + c * 13) % chars.length;
        const pool = round % 3 === 0 ? ALPHABET + '=' : INTRUDERS.join('');
        chars[at] = [...pool][(round + c) % [...pool].length]!;
      }
      for (const text of [
        valid,
        valid.replace(/=+$/, ''),
        chars.join(''),
        chars.join('').replace(/=+$/, ''),
      ]) {
        const expected = isStandardBase64(text);
        const bytes = decodeBase64(text);
        expect(bytes !== null, JSON.stringify(text)).toBe(expected);
        if (bytes) expect(bytes).toEqual(Buffer.from(text, 'base64'));
        else refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it('gives the decoded size from the length alone, for caps before decoding', () => {
    for (const length of [1, 2, 3, 4, 5, 1000, 4_000_000]) {
      const text = randomBytes(length).toString('base64');
      expect(base64DecodedLength(text)).toBe(length);
      expect(base64DecodedLength(text.replace(/=+$/, ''))).toBe(length);
    }
  });
});
