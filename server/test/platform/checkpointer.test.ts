import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SAFETY_NET_PAGES } from '../../src/db/checkpointer.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { TEST_DATABASE } from '../helpers/app.js';

describe.runIf(TEST_DATABASE === 'sqlite')('SQLite WAL checkpoints in a worker thread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-checkpoint-'));
  const handles: DatabaseHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed WAL frames into the database file without a commit doing it', async () => {
    const file = path.join(dir, 'bg.sqlite');
    const database = openDatabase({ databaseUrl: null, sqlitePath: file, backgroundCheckpointMs: 20 });
    handles.push(database);
    await migrateToLatest(database.db as never, database.dialect);
    expect(database.checkpointer).not.toBeNull();
    // The writing connection only checkpoints as a safety net, far later than SQLite's 1,000 pages.
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
      database.db,
    );
    expect(Number(rows[0]!.wal_autocheckpoint)).toBe(SAFETY_NET_PAGES);

    for (let i = 0; i < 50; i++) {
      await database.db
        .insertInto('settings')
        .values({ key: `k${i}`, value: 'x'.repeat(4000) })
        .execute();
    }
    await vi.waitFor(
      () => {
        const last = database.checkpointer!.last;
        expect(last).not.toBeNull();
        expect(last!.busy).toBe(false);
        expect(last!.logFrames).toBeGreaterThan(0);
        expect(last!.checkpointedFrames).toBe(last!.logFrames);
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(database.checkpointer!.lastError).toBeNull();
    // The rows are in the main file: a copy of it alone, without its WAL, has them.
    const copy = path.join(dir, 'copy.sqlite');
    fs.copyFileSync(file, copy);
    const alone = openDatabase({ databaseUrl: null, sqlitePath: copy });
    handles.push(alone);
    const count = await alone.db
      .selectFrom('settings')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('key', 'like', 'k%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(50);
  });

  it('is off unless asked for: the default keeps SQLite checkpointing in commits', async () => {
    const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(dir, 'plain.sqlite') });
    handles.push(database);
    expect(database.checkpointer).toBeNull();
  });
});
