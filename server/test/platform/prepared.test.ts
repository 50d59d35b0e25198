import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { compiledQuery, preparedQuery } from '../../src/db/prepared.js';
import { openTestDatabase } from '../helpers/app.js';

describe('queries compiled once, arguments bound per call', () => {
  let database: DatabaseHandle;
  let dropAll: () => Promise<void>;

  beforeAll(async () => {
    ({ database, dropAll } = await openTestDatabase());
    await migrateToLatest(database.db as never, database.dialect);
  });
  afterAll(async () => {
    await dropAll();
  });

  it('preparedQuery runs with each call’s arguments in their places', async () => {
    const settingsNamed = preparedQuery(database.db, ['key'] as const, ({ key }) =>
      database.db.selectFrom('settings').select(['key', 'value']).where('key', '=', key),
    );
    await database.db
      .insertInto('settings')
      .values([
        { key: 'prepared-a', value: '1' },
        { key: 'prepared-b', value: '2' },
      ])
      .execute();
    expect(await settingsNamed({ key: 'prepared-a' })).toEqual([{ key: 'prepared-a', value: '1' }]);
    expect(await settingsNamed({ key: 'prepared-b' })).toEqual([{ key: 'prepared-b', value: '2' }]);
  });

  it('compiledQuery gives the statement to run inside a transaction, rolled back with it', async () => {
    const removeSetting = compiledQuery(['key'] as const, ({ key }) =>
      database.db.deleteFrom('settings').where('key', '=', key),
    );
    const first = removeSetting({ key: 'prepared-a' });
    const second = removeSetting({ key: 'prepared-b' });
    expect(second.sql).toBe(first.sql);
    expect(first.parameters).toEqual(['prepared-a']);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.executeQuery(first);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const keys = async () =>
      (await database.db.selectFrom('settings').select('key').where('key', 'like', 'prepared-%').execute())
        .map((r) => r.key)
        .sort();
    expect(await keys()).toEqual(['prepared-a', 'prepared-b']);
    await database.db.transaction().execute((trx) => trx.executeQuery(second));
    expect(await keys()).toEqual(['prepared-a']);
  });
});
