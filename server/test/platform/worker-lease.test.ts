import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { WorkerLease } from '../../src/db/worker-lease.js';
import { openTestDatabase, TEST_DATABASE } from '../helpers/app.js';

describe(`worker number leases on ${TEST_DATABASE}`, () => {
  let handle: { database: DatabaseHandle; dropAll(): Promise<void> };
  beforeAll(async () => {
    handle = await openTestDatabase();
    await migrateToLatest(handle.database.db as never, handle.database.dialect);
  });
  afterAll(async () => {
    await handle.dropAll();
  });

  it('gives concurrent processes different worker numbers', async () => {
    const leases = await Promise.all(
      Array.from({ length: 5 }, () => WorkerLease.acquire(handle.database.db)),
    );
    expect(new Set(leases.map((l) => l.workerId)).size).toBe(5);
    await Promise.all(leases.map((l) => l.release()));
  });

  it('hands a released number out again', async () => {
    const first = await WorkerLease.acquire(handle.database.db);
    const number = first.workerId;
    await first.release();
    const second = await WorkerLease.acquire(handle.database.db);
    expect(second.workerId).toBe(number);
    await second.release();
  });

  it('takes over the number of a process whose lease expired', async () => {
    await handle.database.db
      .insertInto('worker_leases')
      .values({ worker_id: 0, holder: 'crashed-process', expires_at_ms: Date.now() - 1000 })
      .onConflict((oc) =>
        oc.column('worker_id').doUpdateSet({ holder: 'crashed-process', expires_at_ms: Date.now() - 1000 }),
      )
      .execute();
    const lease = await WorkerLease.acquire(handle.database.db);
    expect(lease.workerId).toBe(0);
    await lease.release();
  });
});
