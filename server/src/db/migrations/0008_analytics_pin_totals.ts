import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';
import { METRIC_COLUMNS } from './0003_analytics.js';

/**
 * Lifetime totals per (account, pin), kept by ingestion beside the daily roll-ups. A pin's sum
 * over any date range is at most its lifetime total, so top pins can walk pins from the largest
 * total down and stop once no remaining pin can enter the top: a few hundred pins read instead
 * of every pin's every day.
 */
export const migration0008: Migration = {
  name: '0008_analytics_pin_totals',
  async up(db: Kysely<unknown>) {
    const metrics = sql.join(
      METRIC_COLUMNS.map((c) => sql`${sql.ref(c)} bigint not null default 0`),
      sql`, `,
    );
    await sql`create table analytics_account_pin_totals (
      user_id bigint not null,
      pin_id bigint not null,
      ${metrics},
      primary key (user_id, pin_id)
    )`.execute(db);
    await sql`create index analytics_account_pin_totals_impression on analytics_account_pin_totals (user_id, impression)`.execute(
      db,
    );
    const columns = sql.join(METRIC_COLUMNS.map((c) => sql.ref(c)));
    const sums = sql.join(METRIC_COLUMNS.map((c) => sql`sum(${sql.ref(c)})`));
    await sql`insert into analytics_account_pin_totals (user_id, pin_id, ${columns})
      select user_id, pin_id, ${sums} from analytics_account_pin_daily group by user_id, pin_id`.execute(db);
  },
};
