import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { App } from '../../http/types.js';
import { ApiError } from '../../lib/errors.js';
import { BackupRepo } from '../backup/repo.js';
import { seedDemoIfEmpty, type DemoInfo } from '../demo/seed.js';

/** Raised for a sandbox tool in production mode: the message says why nothing happened. */
export const sandboxOnly = (tool: string) =>
  new ApiError(
    403,
    29,
    `${tool} is a sandbox tool and this server runs in production mode (CORKBOARD_MODE=production); nothing was changed.`,
  );

/**
 * Settings kept across a reset: the secrets every running process loaded at start (cookie
 * signing, bookmark signing). Deleting them would split processes that keep the old ones in
 * memory from those that start later.
 */
function keptSetting(key: string): boolean {
  return key.endsWith('_secret');
}

export interface ResetResult {
  /** The new demo credentials, or null when SEED_DEMO is off (the reset state is then empty). */
  demo: DemoInfo | null;
}

/**
 * Brings a sandbox back to its seeded state: every row of every table (found in the catalog,
 * so later tables are included) and every media file removed, then the demo seed run again.
 */
export async function resetSandbox(app: App): Promise<ResetResult> {
  const { ctx } = app;
  if (ctx.config.mode !== 'sandbox') throw sandboxOnly('Reset');
  // Buffered request-log rows name apps about to be deleted: write them now, then delete them.
  await ctx.requestLog.flush();
  const db = ctx.database.db as unknown as Kysely<unknown>;
  const repo = new BackupRepo(db, ctx.database.dialect);
  const tables = await repo.dataTables();
  await db.transaction().execute(async (trx) => {
    const tx = repo.withExecutor(trx);
    await tx.deferForeignKeys();
    for (const table of [...tables].reverse()) {
      if (table.name === 'settings') await tx.deleteSettingsExcept(keptSetting);
      else await tx.deleteAll(table.name);
    }
  });
  ctx.apps.forgetCachedIds();
  // Cached token lookups go too, here and (through Redis, when set) in every other process.
  await ctx.tokens.forget({ all: true });
  const mediaDir = path.join(ctx.config.dataDir, 'media');
  for (const entry of await fs.readdir(mediaDir).catch(() => [] as string[])) {
    await fs.rm(path.join(mediaDir, entry), { recursive: true, force: true });
  }
  return { demo: ctx.config.seedDemo ? await seedDemoIfEmpty(app) : null };
}
