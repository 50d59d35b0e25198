import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openTestDatabase, TEST_DATABASE } from '../helpers/app.js';

describe('LIMIT and OFFSET values', () => {
  let handle: { database: DatabaseHandle; dropAll(): Promise<void> };
  beforeAll(async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.database.db as never, handle.database.dialect);
    const keys = Array.from({ length: 8 }, (_, i) => ({ key: `limit-probe-${i}`, value: String(i) }));
    await handle.database.db.insertInto('settings').values(keys).execute();
  });
  afterAll(async () => {
    await handle.dropAll();
  });

  const page = (limit: number, offset: number) =>
    handle.database.db
      .selectFrom('settings')
      .select('value')
      .where('key', 'like', 'limit-probe-%')
      .orderBy('key')
      .limit(limit)
      .offset(offset);

  it('are still bound, and page as before', async () => {
    expect((await page(3, 2).execute()).map((r) => r.value)).toEqual(['2', '3', '4']);
    expect((await page(3, 6).execute()).map((r) => r.value)).toEqual(['6', '7']);
    // The same statement again with other values (SQLite reuses the prepared statement).
    expect((await page(1, 0).execute()).map((r) => r.value)).toEqual(['0']);
    const compiled = page(3, 2).compile();
    expect(compiled.parameters).toEqual(['limit-probe-%', 3, 2]);
  });

  it.runIf(TEST_DATABASE === 'sqlite')(
    'are an expression on SQLite, which its planner does not read (a bare ? made every run compile the statement again)',
    () => {
      expect(page(3, 2).compile().sql).toMatch(/ limit \? \+ 0 offset \? \+ 0$/);
      // In a subquery too (the request log's trim has one).
      const nested = handle.database.db
        .selectFrom('settings')
        .select('key')
        .where('key', 'in', (eb) => eb.selectFrom('settings').select('key').limit(2))
        .compile();
      expect(nested.sql).toContain('limit ? + 0)');
      // A literal stays a literal.
      const literal = handle.database.db.selectFrom('settings').select('key').limit(sql.lit(5)).compile();
      expect(literal.sql).toMatch(/ limit 5$/);
    },
  );

  it.runIf(TEST_DATABASE === 'postgres')('are plain parameters on PostgreSQL', () => {
    expect(page(3, 2).compile().sql).toMatch(/ limit \$2 offset \$3$/);
  });
});
