import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
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

  it('cannot write', () => {
    expect(() =>
      handle.database.fastReader!.all("insert into settings (key, value) values ('x', 'y')", []),
    ).toThrow();
  });
});
