import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openTestDatabase, TEST_DATABASE } from '../helpers/app.js';

describe.runIf(TEST_DATABASE === 'sqlite')('the SQLite fast reader', () => {
  let handle: { database: DatabaseHandle; dropAll(): Promise<void> };
  beforeAll(async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.database.db as never, handle.database.dialect);
  });
  afterAll(async () => {
    await handle.dropAll();
  });

  it('sees committed rows only, never an open transaction of the writer', async () => {
    const { db, fastReader } = handle.database;
    expect(fastReader).not.toBeNull();
    const read = () => fastReader!.all('select value from settings where key = ?', ['probe']);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'probe', value: 'uncommitted' }).execute();
      expect(read()).toEqual([]);
    });
    expect(read()).toEqual([{ value: 'uncommitted' }]);
  });

  it('gives each row as an object of its columns, whatever their names and types', () => {
    const rows = handle.database.fastReader!.all(
      `select 9223372036854775807 as big, null as absent, 'text "quoted"' as "a""b", 1.5 as "x-y",
              'first' as twice, 'second' as twice, ? as "constructor", ? as "__proto__"`,
      ['c', 'p'],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.big).toBe(9223372036854775807n);
    expect(row.absent).toBeNull();
    expect(row['a"b']).toBe('text "quoted"');
    expect(row['x-y']).toBe(1.5);
    expect(row.twice).toBe('second');
    expect(Object.hasOwn(row, 'constructor')).toBe(true);
    expect(row.constructor).toBe('c');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('p');
    expect(handle.database.fastReader!.all('select key from settings where key = ?', ['none'])).toEqual([]);
  });

  it('reads with read() calls, not a memory map, and sees every commit of the writer at once', async () => {
    // A mapped reader unmaps its whole mapping after every commit of another connection, which
    // held the event loop for tens of milliseconds under load (openFastReader).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-reader-'));
    const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(dir, 'reader.sqlite') });
    try {
      await migrateToLatest(database.db as never, database.dialect);
      const { db, fastReader } = database;
      expect(fastReader!.all('pragma mmap_size', [])).toEqual([{ mmap_size: 0n }]);
      const values = (key: string) => fastReader!.all('select value from settings where key = ?', [key]);
      for (let i = 0; i < 50; i++) {
        await db
          .insertInto('settings')
          .values({ key: `k${i}`, value: 'x'.repeat(3000) + i })
          .execute();
        expect(values(`k${i}`)).toEqual([{ value: 'x'.repeat(3000) + i }]);
      }
      await db.updateTable('settings').set({ value: 'changed' }).where('key', '=', 'k7').execute();
      expect(values('k7')).toEqual([{ value: 'changed' }]);
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cannot write', () => {
    expect(() =>
      handle.database.fastReader!.all("insert into settings (key, value) values ('x', 'y')", []),
    ).toThrow();
  });
});
