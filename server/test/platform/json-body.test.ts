import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hasControlByte,
  jsonBodyText,
  LIFT_BODY_BYTES,
  LIFT_STRING_BYTES,
  liftLongStrings,
} from '../../src/http/json-body.js';

/** What the server makes of a body: lifted and restored when it can, else parsed whole. */
function parseAsServer(body: Buffer): { value?: unknown; error?: true; lifted: boolean } {
  const lifted = liftLongStrings(body);
  try {
    if (lifted)
      return { value: lifted.restore(JSON.parse(lifted.text.replace(/^\uFEFF/, ''))), lifted: true };
    return { value: JSON.parse(jsonBodyText(body).replace(/^\uFEFF/, '')), lifted: false };
  } catch {
    return { error: true, lifted: lifted !== null };
  }
}

/** What JSON.parse makes of the body decoded as UTF-8 (the byte-order mark left out, as secure-json-parse does). */
function parseAsReference(body: Buffer): { value?: unknown; error?: true } {
  try {
    return { value: JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) };
  } catch {
    return { error: true };
  }
}

const base64 = (bytes: number) => randomBytes(bytes).toString('base64');
const big = base64(LIFT_BODY_BYTES);

describe('JSON request bodies', () => {
  it('decodes any bytes as UTF-8 would', () => {
    for (const text of ['{"a":"plain"}', '{"a":"é ✓ 😀"}', '\uFEFF{"a":1}', '']) {
      const bytes = Buffer.from(text, 'utf8');
      expect(jsonBodyText(bytes)).toBe(bytes.toString('utf8'));
    }
    const invalid = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(jsonBodyText(invalid)).toBe(invalid.toString('utf8'));
  });

  it('lifts the long strings of a big upload body and parses only the rest', () => {
    const carousel = [base64(LIFT_BODY_BYTES / 2), base64(LIFT_BODY_BYTES / 2)];
    const value = {
      board_id: '123',
      title: 'Café ✓',
      media_source: {
        source_type: 'multiple_image_base64',
        items: carousel.map((data) => ({ content_type: 'image/png', data, title: 'é' })),
      },
    };
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    const lifted = liftLongStrings(body);
    expect(lifted).not.toBeNull();
    expect(lifted!.text.length).toBeLessThan(1000);
    expect(lifted!.restore(JSON.parse(lifted!.text))).toEqual(value);
  });

  it('gives the same value or the same refusal as JSON.parse for every kind of body', () => {
    const bodies: (string | Buffer)[] = [
      // lifted
      JSON.stringify({ data: big }),
      JSON.stringify([big, 1, { x: [big] }, 'short']),
      JSON.stringify(big),
      `{ "data" :\n\t"${big}"  , "n": null }`,
      `\uFEFF{"data":"${big}"}`,
      JSON.stringify({ text: 'ü'.repeat(LIFT_BODY_BYTES), after: 'ä' }),
      JSON.stringify({ data: big, note: 'a "quoted" word and a \\ backslash' }),
      // not lifted: a key, an escape, too short, a control character
      JSON.stringify({ [big]: 1 }),
      `{"${big}"   :  2}`,
      JSON.stringify({ data: big + '"\n' }),
      `{"data":"${big.slice(0, LIFT_STRING_BYTES - 1)}"${' '.repeat(LIFT_BODY_BYTES)}}`,
      `{"data":"${big}\u0001"}`,
      `{"data":"${big}\t"}`,
      // malformed: refused either way
      `{"data":"${big}"`,
      `{"data":"${big}" "more":1}`,
      `{"data":"${big}`,
      `{"data":${big}"}`,
      `{"data":"${big}",}`,
      `["${big}"]]`,
      `"${big}" "${big}"`,
      Buffer.concat([Buffer.from(`{"data":"${big}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      // a client's string that looks like a placeholder stays a string
      JSON.stringify({ data: big, fake: '\u0000corkboard-lifted:000000000000000000000000:0' }),
    ];
    for (const [index, raw] of bodies.entries()) {
      const body = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const server = parseAsServer(body);
      // The first seven are lifted, the next six not (the rest are malformed).
      if (index < 13) expect(server.lifted, `body ${index}`).toBe(index < 7);
      const reference = parseAsReference(body);
      const label = body.subarray(0, 40).toString() + '…' + body.subarray(-20).toString();
      expect(server.error ?? false, label).toBe(reference.error ?? false);
      if (!reference.error) expect(server.value, label).toEqual(reference.value);
    }
  });

  it('lifts only values without escapes or control characters, and only from big bodies', () => {
    expect(liftLongStrings(Buffer.from(JSON.stringify({ data: base64(LIFT_STRING_BYTES) })))).toBeNull();
    expect(liftLongStrings(Buffer.from(JSON.stringify({ data: big })))).not.toBeNull();
    expect(liftLongStrings(Buffer.from(JSON.stringify({ [big]: 1 })))).toBeNull();
    expect(liftLongStrings(Buffer.from(JSON.stringify({ data: big + '\n' })))).toBeNull();
    expect(liftLongStrings(Buffer.from(`{"data":"${big}\u0001"}`))).toBeNull();
  });

  it('parses a body of very many strings as it is, without walking them all', () => {
    const many = JSON.stringify({ tags: Array.from({ length: 20_000 }, (_, i) => `t${i}`), data: big });
    const body = Buffer.from(many);
    expect(liftLongStrings(body)).toBeNull();
    expect(parseAsServer(body).value).toEqual(JSON.parse(many));
  });

  it('finds a control byte at any place and alignment, and only a control byte', () => {
    const backing = Buffer.alloc(64 + 8, 0x41);
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; length <= 40; length++) {
        const bytes = backing.subarray(offset, offset + length);
        expect(hasControlByte(bytes)).toBe(false);
        for (let at = 0; at < length; at++) {
          for (const value of [0x00, 0x01, 0x09, 0x0a, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0x9f, 0xa0, 0xff]) {
            bytes[at] = value;
            expect(hasControlByte(bytes), `${offset}/${length}/${at}: ${value}`).toBe(value < 0x20);
            bytes[at] = 0x41;
          }
        }
      }
    }
    // Every byte value next to every other, where a borrow from one byte could reach the next.
    const pair = Buffer.alloc(8, 0x41);
    for (let low = 0; low < 256; low++) {
      for (let high = 0; high < 256; high++) {
        pair[4] = low;
        pair[5] = high;
        if (hasControlByte(pair) !== (low < 0x20 || high < 0x20)) {
          expect.fail(`bytes ${low}, ${high}`);
        }
      }
    }
  });
});
