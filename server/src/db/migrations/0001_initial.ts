import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

export const migration0001: Migration = {
  name: '0001_initial',
  async up(db: Kysely<unknown>, dialect) {
    // SQLite: "integer primary key" makes the id the rowid (fast); PostgreSQL: int8.
    const idPk = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
    const ts = sql`varchar(40)`;

    await sql`create table settings (key varchar(100) primary key, value text not null)`.execute(db);
    await sql`create table worker_leases (
      worker_id integer primary key,
      holder varchar(200) not null,
      expires_at_ms bigint not null
    )`.execute(db);

    await sql`create table users (
      id ${idPk},
      username varchar(100) not null,
      username_key varchar(100) not null unique,
      email varchar(320),
      email_key varchar(320) unique,
      password_hash text,
      account_type varchar(20) not null default 'PINNER',
      business_name varchar(200),
      about text not null default '',
      website_url text not null default '',
      profile_image_url text not null default '',
      is_admin integer not null default 0,
      created_at ${ts} not null
    )`.execute(db);

    await sql`create table apps (
      id ${idPk},
      owner_id bigint references users(id) on delete cascade,
      name varchar(200) not null,
      description text not null default '',
      tier varchar(20) not null default 'STANDARD',
      status varchar(20) not null default 'APPROVED',
      is_builtin integer not null default 0,
      created_at ${ts} not null
    )`.execute(db);

    await sql`create table access_tokens (
      id ${idPk},
      token_hash char(64) not null unique,
      kind varchar(20) not null,
      user_id bigint not null references users(id) on delete cascade,
      app_id bigint not null references apps(id) on delete cascade,
      scopes text not null,
      created_at ${ts} not null,
      expires_at ${ts} not null,
      revoked_at ${ts},
      last_used_at ${ts}
    )`.execute(db);
    await sql`create index access_tokens_user on access_tokens (user_id)`.execute(db);

    await sql`create table boards (
      id ${idPk},
      owner_id bigint not null references users(id) on delete cascade,
      name varchar(200) not null,
      name_key varchar(200) not null,
      description text,
      privacy varchar(20) not null,
      is_ads_only integer not null default 0,
      created_app_id bigint references apps(id) on delete set null,
      created_at ${ts} not null,
      pins_modified_at ${ts} not null,
      pin_count integer not null default 0,
      follower_count integer not null default 0,
      collaborator_count integer not null default 0
    )`.execute(db);
    await sql`create unique index boards_owner_name on boards (owner_id, name_key)`.execute(db);
    await sql`create index boards_owner_id on boards (owner_id, id)`.execute(db);

    await sql`create table board_sections (
      id ${idPk},
      board_id bigint not null references boards(id) on delete cascade,
      name varchar(180) not null,
      name_key varchar(180) not null,
      created_at ${ts} not null
    )`.execute(db);
    await sql`create unique index board_sections_board_name on board_sections (board_id, name_key)`.execute(
      db,
    );

    await sql`create table pins (
      id ${idPk},
      owner_id bigint not null references users(id) on delete cascade,
      board_id bigint not null references boards(id) on delete cascade,
      board_section_id bigint references board_sections(id) on delete cascade,
      parent_pin_id bigint,
      title varchar(100),
      description text,
      link text,
      alt_text text,
      dominant_color varchar(7),
      creative_type varchar(40) not null default 'REGULAR',
      is_standard integer not null default 1,
      has_been_promoted integer not null default 0,
      media_json text not null,
      media_root bigint not null,
      created_app_id bigint references apps(id) on delete set null,
      created_at ${ts} not null
    )`.execute(db);
    await sql`create index pins_board on pins (board_id, id)`.execute(db);
    await sql`create index pins_section on pins (board_section_id, id)`.execute(db);
    await sql`create index pins_owner on pins (owner_id, id)`.execute(db);
    await sql`create index pins_media_root on pins (media_root)`.execute(db);
  },
};
