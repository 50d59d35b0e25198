import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * Analytics: raw events and the daily roll-ups the analytics operations read.
 *
 * - `analytics_events` keeps what happened, one row per event, appended in batches and pruned
 *   after `ANALYTICS_RETENTION_DAYS`. `dedupe_key` (a client's impression id, say) makes a
 *   reported event count once.
 * - `analytics_account_pin_daily` is one row per (account, pin, UTC day, app type, source,
 *   claimed, pin format): the account's view of one pin. The pin's owner has its row with
 *   source YOUR_PINS; an account whose claimed website the pin links to gets a row with source
 *   OTHER_PINS. `pins/analytics`, `multi_pins/analytics`, `pin_metrics` and top pins read it.
 * - `analytics_account_daily` is the same summed over pins, plus account events without a pin
 *   (profile visits, follows; pin_format '' there): `user_account/analytics` reads it.
 *
 * Days are 'YYYY-MM-DD' (UTC). Metric columns are plain sums; rates are computed when read.
 */
export const METRIC_COLUMNS = [
  'impression',
  'pin_click',
  'outbound_click',
  'save',
  'comment',
  'reaction',
  'profile_visit',
  'user_follow',
  'video_start',
  'video_10s_view',
  'video_mrc_view',
  'video_q95_view',
  'video_watch_time_ms',
  'video_v50_watch_time_ms',
] as const;

export const migration0003: Migration = {
  name: '0003_analytics',
  async up(db: Kysely<unknown>, dialect) {
    const idPk = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
    const ts = sql`varchar(40)`;
    const metrics = sql.join(
      METRIC_COLUMNS.map((c) => sql`${sql.ref(c)} bigint not null default 0`),
      sql`, `,
    );

    await sql`create table analytics_events (
      id ${idPk},
      event_type varchar(40) not null,
      pin_id bigint,
      owner_id bigint not null,
      viewer_id bigint,
      app_type varchar(10) not null,
      value bigint not null default 1,
      occurred_at ${ts} not null,
      day varchar(10) not null,
      dedupe_key varchar(120)
    )`.execute(db);
    await sql`create unique index analytics_events_dedupe on analytics_events (dedupe_key) where dedupe_key is not null`.execute(
      db,
    );
    await sql`create index analytics_events_occurred on analytics_events (occurred_at)`.execute(db);

    await sql`create table analytics_account_pin_daily (
      user_id bigint not null,
      pin_id bigint not null,
      day varchar(10) not null,
      app_type varchar(10) not null,
      source varchar(12) not null,
      claimed integer not null,
      pin_format varchar(20) not null,
      ${metrics},
      primary key (user_id, pin_id, day, app_type, source, claimed, pin_format)
    )`.execute(db);
    await sql`create index analytics_account_pin_daily_day on analytics_account_pin_daily (user_id, day)`.execute(
      db,
    );
    await sql`create index analytics_account_pin_daily_pin on analytics_account_pin_daily (pin_id, day)`.execute(
      db,
    );

    await sql`create table analytics_account_daily (
      user_id bigint not null,
      day varchar(10) not null,
      app_type varchar(10) not null,
      source varchar(12) not null,
      claimed integer not null,
      pin_format varchar(20) not null,
      ${metrics},
      primary key (user_id, day, app_type, source, claimed, pin_format)
    )`.execute(db);
  },
};
