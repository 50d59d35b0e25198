import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/db/index.js';
import { TEST_POSTGRES_URL, TEST_PUBLIC_URL } from '../helpers/app.js';
import { Factories } from '../helpers/factories.js';
import { base64Source, testJpeg, testPng } from '../helpers/images.js';

export const MAX_ID = '9223372036854775807';

/** A database and a DATA_DIR of their own, on the dialect asked for, removed by drop(). */
export interface Instance {
  dialect: Dialect;
  database: DatabaseHandle;
  dataDir: string;
  drop(): Promise<void>;
}

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function openInstance(dialect: Dialect): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-backup-'));
  if (dialect === 'postgres') {
    const schema = `b_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = openDatabase({
      databaseUrl: TEST_POSTGRES_URL,
      sqlitePath: '',
      pgSchema: schema,
      pgPoolSize: 2,
    });
    return {
      dialect,
      database,
      dataDir,
      async drop() {
        await database.close();
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(dataDir, 'corkboard.sqlite') });
  return {
    dialect,
    database,
    dataDir,
    async drop() {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function appConfig(instance: Instance) {
  return loadConfig({ DATA_DIR: instance.dataDir, PUBLIC_URL: TEST_PUBLIC_URL, LOG_LEVEL: 'silent' });
}

export interface Seeded {
  token: string;
  pinIds: string[];
  mediaKeys: string[];
}

/**
 * Fills an instance through the real services and API: users, an app, tokens, a session,
 * boards, a section, pins with real image files, request-log rows, analytics rows, and a user
 * and board whose ids are the largest 64-bit integer.
 */
export async function seedInstance(instance: Instance): Promise<Seeded> {
  const app = await buildApp(appConfig(instance), { database: instance.database, logger: false });
  try {
    const factories = new Factories(app);
    const alice = await factories.user({ username: 'alice_backup', accountType: 'BUSINESS' });
    const bob = await factories.user({ username: 'bob_backup' });
    await app.ctx.sessions.create(alice.user.id, 'vitest');
    await app.ctx.apps.create(
      alice.user.id,
      {
        name: 'Backup test app',
        description: 'ünïcödé ✓',
        websiteUrl: '',
        redirectUris: ['http://localhost/cb'],
      },
      { approve: true },
    );
    const board = await factories.board({ owner: alice, name: 'Kept board', privacy: 'SECRET' });
    const section = await factories.section({ board, name: 'A section' });
    const pinIds: string[] = [];
    for (const image of [await testJpeg(), await testPng()]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v5/pins',
        headers: alice.auth,
        payload: {
          board_id: board.id,
          board_section_id: section.id,
          title: 'Pin with "quotes" and\nnewline',
          media_source: base64Source(image),
        },
      });
      if (res.statusCode !== 201) throw new Error(`seed pin: ${res.statusCode} ${res.body}`);
      pinIds.push((res.json() as { id: string }).id);
    }
    await factories.pin({ owner: bob, description: null, link: 'https://example.com/x' });

    const db = instance.database.db as unknown as Kysely<unknown>;
    const bigId = instance.dialect === 'sqlite' ? BigInt(MAX_ID) : MAX_ID;
    const now = new Date().toISOString();
    await sql`insert into users (id, username, username_key, account_type, about, website_url, profile_image_url, is_admin, created_at)
      values (${bigId}, ${'max_id_user'}, ${'max_id_user'}, ${'PINNER'}, ${''}, ${''}, ${''}, ${0}, ${now})`.execute(
      db,
    );
    await sql`insert into boards (id, owner_id, name, name_key, privacy, created_at, pins_modified_at)
      values (${bigId}, ${bigId}, ${'Max board'}, ${'max board'}, ${'PUBLIC'}, ${now}, ${now})`.execute(db);
    await sql`insert into analytics_account_daily (user_id, day, app_type, source, claimed, pin_format, impression, video_watch_time_ms)
      values (${bigId}, ${'2026-01-02'}, ${'WEB'}, ${'YOUR_PINS'}, ${1}, ${''}, ${bigId}, ${instance.dialect === 'sqlite' ? 42n : '42'})`.execute(
      db,
    );
    // Several rows under a composite key, so chunked reads page through a multi-column keyset.
    for (const [day, source] of [
      ['2026-01-01', 'YOUR_PINS'],
      ['2026-01-01', 'OTHER_PINS'],
      ['2026-01-02', 'YOUR_PINS'],
    ]) {
      await sql`insert into analytics_account_pin_daily (user_id, pin_id, day, app_type, source, claimed, pin_format, save)
        values (${bigId}, ${bigId}, ${day}, ${'WEB'}, ${source}, ${0}, ${'IMAGE'}, ${7})`.execute(db);
    }
    const files = listFiles(path.join(instance.dataDir, 'media'));
    return { token: alice.token, pinIds, mediaKeys: [...files.keys()] };
  } finally {
    await app.close();
  }
}

/** Every row of every table, each value as text (or null), rows sorted: a dialect-free picture. */
export async function snapshotTables(database: DatabaseHandle): Promise<Record<string, string[]>> {
  const db = database.db as unknown as Kysely<unknown>;
  const names =
    database.dialect === 'postgres'
      ? (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
        ).rows.map((r) => r.name)
      : (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite%'`.execute(db)
        ).rows.map((r) => r.name);
  const result: Record<string, string[]> = {};
  for (const name of names.filter((n) => n !== 'worker_leases' && n !== 'corkboard_migrations').sort()) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    result[name] = rows
      .map((row) =>
        JSON.stringify(
          Object.keys(row)
            .sort()
            .map((key) => [key, row[key] === null ? null : String(row[key])]),
        ),
      )
      .sort();
  }
  return result;
}

/** Relative path → SHA-256 of every file under a directory. */
export function listFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(
      path.relative(dir, full).split(path.sep).join('/'),
      createHash('sha256').update(fs.readFileSync(full)).digest('hex'),
    );
  }
  return new Map([...files.entries()].sort());
}
