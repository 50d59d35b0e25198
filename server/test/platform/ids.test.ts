import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { IdGenerator, type IdParts, idText, isValidId, MAX_ID } from '../../src/lib/ids.js';
import { idOf } from '../../src/db/values.js';
import { openTestDatabase, TEST_DATABASE } from '../helpers/app.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { DatabaseHandle } from '../../src/db/index.js';

describe(`64-bit ids on ${TEST_DATABASE}`, () => {
  let handle: { database: DatabaseHandle; dropAll(): Promise<void> };
  beforeAll(async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.database.db as never, handle.database.dialect);
  });
  afterAll(async () => {
    await handle.dropAll();
  });

  it('round-trips the largest id through the database as an exact string', async () => {
    const { db } = handle.database;
    const largest = MAX_ID.toString();
    expect(largest).toBe('9223372036854775807');
    await db
      .insertInto('users')
      .values({
        id: largest,
        username: 'max',
        username_key: 'max',
        email: null,
        email_key: null,
        password_hash: null,
        account_type: 'PINNER',
        business_name: null,
        about: '',
        website_url: '',
        profile_image_url: '',
        is_admin: 0,
        created_at: new Date().toISOString(),
      })
      .execute();
    const row = await db.selectFrom('users').select('id').where('id', '=', largest).executeTakeFirstOrThrow();
    expect(idOf(row.id)).toBe(largest);
    const viaRaw = await sql<{ id: unknown }>`select id from users where id = ${largest}`.execute(db);
    expect(idOf(viaRaw.rows[0]!.id)).toBe(largest);
    // A JS number would have rounded it.
    expect(Number(largest).toString()).not.toBe(largest);
  });

  it('mints increasing, unique, valid ids, many per millisecond', () => {
    const ids = new IdGenerator(7);
    const minted = Array.from({ length: 20_000 }, () => ids.next());
    expect(new Set(minted).size).toBe(minted.length);
    for (let i = 1; i < minted.length; i++) expect(BigInt(minted[i]!) > BigInt(minted[i - 1]!)).toBe(true);
    expect(minted.every(isValidId)).toBe(true);
  });

  it('gives the same ids as parts (nextInto, written later with idText) as next() does', () => {
    const ms = Date.UTC(2026, 10, 29, 8, 0, 0, 1);
    const now = vi.spyOn(Date, 'now').mockReturnValue(ms);
    const asText = new IdGenerator(5);
    const asParts = new IdGenerator(5);
    const texts = Array.from({ length: 4097 }, () => asText.next());
    const parts: IdParts[] = Array.from({ length: 4097 }, () => {
      const out = { high: '', low: 0 };
      asParts.nextInto(out);
      return out;
    });
    now.mockRestore();
    expect(parts.map(idText)).toEqual(texts);
    // A carry into the leading digits, and an id too small to have any.
    expect(idText({ high: '12', low: 10_003 })).toBe('130003');
    expect(idText({ high: '12', low: 3 })).toBe('120003');
    expect(idText({ high: '', low: 42 })).toBe('42');
  });

  it('writes every id of a full millisecond exactly: time, worker and sequence, in canonical digits', () => {
    // 4,096 ids in one millisecond run the sequence through every value, carries into the
    // leading digits included; then the generator borrows the next millisecond.
    for (const ms of [
      Date.UTC(2026, 10, 29, 8, 0, 0, 1),
      Date.UTC(2031, 0, 1),
      Date.UTC(2020, 0, 1, 0, 0, 5),
    ]) {
      const now = vi.spyOn(Date, 'now').mockReturnValue(ms);
      const ids = new IdGenerator(1023);
      const minted = Array.from({ length: 4097 }, () => ids.next());
      now.mockRestore();
      minted.forEach((id, i) => {
        const expectedMs = BigInt(ms) + (i === 4096 ? 1n : 0n);
        const expected =
          ((expectedMs - 1_577_836_800_000n) << 22n) | (1023n << 12n) | BigInt(i === 4096 ? 0 : i);
        expect(id).toBe(expected.toString());
      });
    }
  });

  it('accepts exactly the decimal strings of 1 … 2^63-1', () => {
    for (const valid of ['1', '0001', '42', '1000000000000000000', '0000000000000000001', MAX_ID.toString()])
      expect(isValidId(valid), valid).toBe(true);
    for (const invalid of [
      '',
      '0',
      '000',
      '-1',
      '+1',
      '1.0',
      ' 1',
      '1e3',
      '9223372036854775808',
      '9999999999999999999',
      '10000000000000000000',
      '١٢٣',
    ])
      expect(isValidId(invalid), invalid).toBe(false);
  });

  it('two workers never mint the same id in the same millisecond', () => {
    const a = new IdGenerator(1);
    const b = new IdGenerator(2);
    const all = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      all.add(a.next());
      all.add(b.next());
    }
    expect(all.size).toBe(10_000);
  });

  it('treats out-of-range and malformed ids as invalid', () => {
    expect(isValidId('9223372036854775808')).toBe(false);
    expect(isValidId('0')).toBe(false);
    expect(isValidId('12a')).toBe(false);
    expect(isValidId('99999999999999999999')).toBe(false);
    expect(isValidId('1')).toBe(true);
  });
});
