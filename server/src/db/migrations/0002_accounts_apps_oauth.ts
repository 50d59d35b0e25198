import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * Accounts with sessions and email, business profiles, claimed websites, the developer
 * platform (apps, review, tiers), OAuth codes, client-credential tokens and the request log.
 */
export const migration0002: Migration = {
  name: '0002_accounts_apps_oauth',
  async up(db: Kysely<unknown>, dialect) {
    const idPk = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
    const ts = sql`varchar(40)`;

    // Users: verification, business profile (JSON: language, country, about, goals, promote, ads interest).
    await sql`alter table users add column email_verified_at ${ts}`.execute(db);
    await sql`alter table users add column business_profile_json text`.execute(db);
    await sql`alter table users add column profile_image_key text`.execute(db);
    await sql`alter table users add column website_verification_code varchar(64)`.execute(db);
    await sql`alter table users add column password_changed_at ${ts}`.execute(db);

    await sql`create table sessions (
      id ${idPk},
      token_hash char(64) not null unique,
      user_id bigint not null references users(id) on delete cascade,
      created_at ${ts} not null,
      expires_at ${ts} not null,
      last_seen_at ${ts} not null,
      user_agent varchar(400) not null default ''
    )`.execute(db);
    await sql`create index sessions_user on sessions (user_id)`.execute(db);

    // One-time email links: verify an address, reset a password.
    await sql`create table email_tokens (
      id ${idPk},
      token_hash char(64) not null unique,
      user_id bigint not null references users(id) on delete cascade,
      kind varchar(20) not null,
      email varchar(320) not null,
      created_at ${ts} not null,
      expires_at ${ts} not null,
      used_at ${ts}
    )`.execute(db);

    // Mail that went out (or would have, without SMTP_URL): admins read it.
    await sql`create table outbox (
      id ${idPk},
      to_address varchar(320) not null,
      subject varchar(400) not null,
      text_body text not null,
      delivery varchar(20) not null,
      created_at ${ts} not null
    )`.execute(db);

    await sql`create table invites (
      id ${idPk},
      code_hash char(64) not null unique,
      created_by bigint references users(id) on delete set null,
      email varchar(320),
      created_at ${ts} not null,
      expires_at ${ts} not null,
      used_by bigint references users(id) on delete set null,
      used_at ${ts}
    )`.execute(db);

    await sql`create table websites (
      id ${idPk},
      user_id bigint not null references users(id) on delete cascade,
      website varchar(2048) not null,
      website_key varchar(2048) not null,
      method varchar(20) not null,
      verified_at ${ts} not null
    )`.execute(db);
    await sql`create unique index websites_user_site on websites (user_id, website_key)`.execute(db);
    await sql`create index websites_key on websites (website_key)`.execute(db);

    // Developer apps: numeric client_id, hashed secret, review status, access tier.
    await sql`alter table apps add column client_id varchar(20)`.execute(db);
    await sql`alter table apps add column client_secret_hash char(64)`.execute(db);
    await sql`alter table apps add column icon_key text`.execute(db);
    await sql`alter table apps add column website_url text not null default ''`.execute(db);
    await sql`alter table apps add column redirect_uris text not null default '[]'`.execute(db);
    await sql`alter table apps add column rejection_reason text`.execute(db);
    await sql`alter table apps add column reviewed_at ${ts}`.execute(db);
    await sql`alter table apps add column reviewed_by bigint references users(id) on delete set null`.execute(
      db,
    );
    await sql`alter table apps add column secret_rotated_at ${ts}`.execute(db);
    await sql`create unique index apps_client_id on apps (client_id)`.execute(db);
    await sql`create index apps_owner on apps (owner_id)`.execute(db);
    await sql`create index apps_status on apps (status)`.execute(db);

    // Tokens: client-credential tokens (pinc_) and the refresh token an access token came from.
    await sql`alter table access_tokens add column refresh_token_id bigint`.execute(db);
    await sql`create index access_tokens_app on access_tokens (app_id)`.execute(db);

    await sql`create table oauth_codes (
      id ${idPk},
      code_hash char(64) not null unique,
      app_id bigint not null references apps(id) on delete cascade,
      user_id bigint not null references users(id) on delete cascade,
      redirect_uri text not null,
      scopes text not null,
      code_challenge varchar(200),
      code_challenge_method varchar(10),
      created_at ${ts} not null,
      expires_at ${ts} not null,
      used_at ${ts}
    )`.execute(db);

    // What a Trial app's token creates is visible only to its creator (decided at creation).
    await sql`alter table boards add column trial_only integer not null default 0`.execute(db);
    await sql`alter table pins add column trial_only integer not null default 0`.execute(db);

    // API calls per app, written in batches off the request path; never a secret or a body.
    await sql`create table request_log (
      id ${idPk},
      app_id bigint not null references apps(id) on delete cascade,
      user_id bigint,
      token_prefix varchar(20) not null,
      method varchar(10) not null,
      path varchar(2048) not null,
      operation_id varchar(120),
      status integer not null,
      latency_ms integer not null,
      created_at ${ts} not null
    )`.execute(db);
    await sql`create index request_log_app on request_log (app_id, id)`.execute(db);
  },
};
