import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { getSetting, putSetting } from '../../db/settings.js';

/** The setting that holds the sandbox's "today" (shared by every process). */
const TODAY_SETTING = 'sandbox_today';

/** SQL for sandbox analytics control. */
export class AnalyticsControlRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored "today", or '' / null when the clock runs on real time. */
  getToday(): Promise<string | null> {
    return getSetting(this.db, TODAY_SETTING);
  }

  putToday(day: string | null): Promise<void> {
    return putSetting(this.db, TODAY_SETTING, day ?? '');
  }

  /** Which of `ids` exist in `table`. */
  async existingIds(table: 'pins' | 'users', ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom(table)
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) found.add(String(row.id));
    }
    return found;
  }
}
