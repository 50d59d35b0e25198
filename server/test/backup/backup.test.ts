import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Dialect } from '../../src/db/index.js';
import { BackupError, exportBackup, importBackup } from '../../src/modules/backup/service.js';
import { extractTar, tarChunks, type TarSource } from '../../src/modules/backup/tar.js';
import { TEST_DATABASE } from '../helpers/app.js';
import {
  MAX_ID,
  appConfig,
  listFiles,
  openInstance,
  postgresReachable,
  seedInstance,
  snapshotTables,
  type Instance,
  type Seeded,
} from './support.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-archives-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const opened: Instance[] = [];
async function instance(dialect: Dialect): Promise<Instance> {
  const created = await openInstance(dialect);
  opened.push(created);
  return created;
}
afterAll(async () => {
  for (const one of opened) await one.drop();
});

function mediaOf(one: Instance) {
  return listFiles(path.join(one.dataDir, 'media'));
}

/** An import must fail with a BackupError whose message contains `expected`. */
async function expectRefused(promise: Promise<unknown>, expected: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  expect((error as Error).message).toMatch(expected);
  expect((error as Error).message).toContain('Nothing was changed');
}

/** Unpacks an archive, lets `change` edit its entries, and packs it again (a well-formed gzip and tar). */
async function repack(
  file: string,
  out: string,
  change: (entries: Map<string, Buffer>) => void,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(work, 'repack-'));
  const entries = await extractTar(
    (async function* () {
      yield zlib.gunzipSync(fs.readFileSync(file));
    })(),
    dir,
    () => true,
  );
  const contents = new Map(
    entries.map((e) => [e.name, fs.readFileSync(path.join(dir, ...e.name.split('/')))]),
  );
  change(contents);
  const chunks: Buffer[] = [];
  const sources: TarSource[] = [...contents].map(([name, data]) => ({ name, data }));
  for await (const chunk of tarChunks(sources)) chunks.push(chunk);
  fs.writeFileSync(out, zlib.gzipSync(Buffer.concat(chunks)));
}

describe(`backup and restore on ${TEST_DATABASE}`, () => {
  let source: Instance;
  let seeded: Seeded;
  let archive: string;
  let exported: Record<string, string[]>;
  let exportedMedia: Map<string, string>;

  beforeAll(async () => {
    source = await instance(TEST_DATABASE);
    seeded = await seedInstance(source);
    exported = await snapshotTables(source.database);
    exportedMedia = mediaOf(source);
    archive = path.join(work, 'same.tar.gz');
    await exportBackup({
      database: source.database,
      mediaDir: path.join(source.dataDir, 'media'),
      file: archive,
    });
  });

  it('export → change → import into a fresh data dir reproduces every row and every file as exported', async () => {
    // Change the source after the export: the import must bring back the exported state.
    const db = source.database.db as unknown as Kysely<unknown>;
    await sql`update users set about = ${'changed after export'}`.execute(db);
    await sql`delete from pins where id = ${seeded.pinIds[0]!}`.execute(db);
    fs.rmSync(path.join(source.dataDir, 'media', seeded.mediaKeys[0]!));
    expect(await snapshotTables(source.database)).not.toEqual(exported);

    const target = await instance(TEST_DATABASE);
    const summary = await importBackup({ database: target.database, dataDir: target.dataDir, file: archive });
    expect(summary.files).toBe(exportedMedia.size);

    const imported = await snapshotTables(target.database);
    expect(Object.keys(imported)).toEqual(Object.keys(exported));
    for (const table of Object.keys(exported))
      expect({ table, rows: imported[table] }).toEqual({ table, rows: exported[table] });
    expect(exported.users!.length).toBeGreaterThanOrEqual(3);
    expect(exported.access_tokens!.length).toBeGreaterThanOrEqual(2);
    expect(exported.request_log!.length).toBeGreaterThanOrEqual(2);
    expect(exportedMedia.size).toBeGreaterThanOrEqual(8);
    expect(mediaOf(target)).toEqual(exportedMedia);
  });

  it('an imported server accepts the exported tokens and serves the exported pins and media', async () => {
    const target = await instance(TEST_DATABASE);
    await importBackup({ database: target.database, dataDir: target.dataDir, file: archive });
    const app = await buildApp(appConfig(target), { database: target.database, logger: false });
    try {
      const pin = await app.inject({
        method: 'GET',
        url: `/v5/pins/${seeded.pinIds[1]}`,
        headers: { authorization: `Bearer ${seeded.token}` },
      });
      expect(pin.statusCode).toBe(200);
      const url = new URL(
        (pin.json() as { media: { images: Record<string, { url: string }> } }).media.images['150x150']!.url,
      );
      const image = await app.inject({ method: 'GET', url: url.pathname });
      expect(image.statusCode).toBe(200);
      const maxBoard = await app.inject({
        method: 'GET',
        url: `/v5/boards/${MAX_ID}`,
        headers: { authorization: `Bearer ${seeded.token}` },
      });
      expect(maxBoard.statusCode).toBe(200);
      expect((maxBoard.json() as { id: string }).id).toBe(MAX_ID);
    } finally {
      await app.close();
    }
  });

  it('ids at the 64-bit maximum and 64-bit metric values round-trip exactly', async () => {
    const target = await instance(TEST_DATABASE);
    await importBackup({ database: target.database, dataDir: target.dataDir, file: archive });
    const db = target.database.db as unknown as Kysely<unknown>;
    const user = await sql<{
      id: unknown;
      username: string;
    }>`select id, username from users where username = ${'max_id_user'}`.execute(db);
    expect(String(user.rows[0]!.id)).toBe(MAX_ID);
    const board = await sql<{
      id: unknown;
      owner_id: unknown;
    }>`select id, owner_id from boards where name = ${'Max board'}`.execute(db);
    expect([String(board.rows[0]!.id), String(board.rows[0]!.owner_id)]).toEqual([MAX_ID, MAX_ID]);
    const daily = await sql<{
      impression: unknown;
    }>`select impression from analytics_account_daily where user_id = ${target.dialect === 'sqlite' ? BigInt(MAX_ID) : MAX_ID}`.execute(
      db,
    );
    expect(String(daily.rows[0]!.impression)).toBe(MAX_ID);
  });

  it('refuses a target that is not empty and names what is there; --force replaces it', async () => {
    const target = await instance(TEST_DATABASE);
    await seedInstance(target);
    const before = await snapshotTables(target.database);
    await expectRefused(
      importBackup({ database: target.database, dataDir: target.dataDir, file: archive }),
      /target is not empty: .*users \(\d+ rows\).*--force/,
    );
    expect(await snapshotTables(target.database)).toEqual(before);

    const summary = await importBackup({
      database: target.database,
      dataDir: target.dataDir,
      file: archive,
      force: true,
    });
    expect(summary.replaced?.join(' ')).toContain('users');
    expect(await snapshotTables(target.database)).toEqual(exported);
    expect(mediaOf(target)).toEqual(exportedMedia);
  });

  describe('a damaged archive is refused before anything changes', () => {
    let target: Instance;
    let before: Record<string, string[]>;
    let beforeMedia: Map<string, string>;

    beforeAll(async () => {
      target = await instance(TEST_DATABASE);
      await seedInstance(target);
      before = await snapshotTables(target.database);
      beforeMedia = mediaOf(target);
    });

    const refusedAndUnchanged = async (file: string, expected: RegExp) => {
      // --force: even an import allowed to replace everything must change nothing.
      await expectRefused(
        importBackup({ database: target.database, dataDir: target.dataDir, file, force: true }),
        expected,
      );
      expect(await snapshotTables(target.database)).toEqual(before);
      expect(mediaOf(target)).toEqual(beforeMedia);
      expect(fs.readdirSync(target.dataDir).filter((n) => n.startsWith('.corkboard-import'))).toEqual([]);
    };

    it('a truncated archive', async () => {
      const file = path.join(work, 'truncated.tar.gz');
      const bytes = fs.readFileSync(archive);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await refusedAndUnchanged(file, /truncated/);
    });

    it('a corrupt archive (bytes flipped in the middle)', async () => {
      const file = path.join(work, 'corrupt.tar.gz');
      const bytes = Buffer.from(fs.readFileSync(archive));
      for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 64; i++)
        bytes[i] = bytes[i]! ^ 0xff;
      fs.writeFileSync(file, bytes);
      await refusedAndUnchanged(file, /not a valid gzip|damaged|truncated/);
    });

    it('a file that is not gzip at all', async () => {
      const file = path.join(work, 'plain.txt');
      fs.writeFileSync(file, 'this is not a backup\n'.repeat(100));
      await refusedAndUnchanged(file, /not a valid gzip/);
    });

    it('a table dump whose bytes do not match its checksum', async () => {
      const file = path.join(work, 'tampered.tar.gz');
      await repack(archive, file, (entries) => {
        const users = entries.get('tables/users.ndjson')!;
        entries.set(
          'tables/users.ndjson',
          Buffer.from(users.toString('utf8').replace('alice_backup', 'alice_hacked')),
        );
      });
      await refusedAndUnchanged(file, /checksum mismatch for tables\/users\.ndjson/);
    });

    it('a media file whose bytes do not match its checksum', async () => {
      const file = path.join(work, 'tampered-media.tar.gz');
      await repack(archive, file, (entries) => {
        const key = [...entries.keys()].find((k) => k.startsWith('media/'))!;
        const bytes = Buffer.from(entries.get(key)!);
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
        entries.set(key, bytes);
      });
      await refusedAndUnchanged(file, /checksum mismatch for media\//);
    });

    it('an unknown format version', async () => {
      const file = path.join(work, 'future-format.tar.gz');
      await repack(archive, file, (entries) => {
        const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<
          string,
          unknown
        >;
        entries.set('manifest.json', Buffer.from(JSON.stringify({ ...manifest, format_version: 99 })));
      });
      await refusedAndUnchanged(file, /format version 99.*reads version 1/);
    });

    it('migrations newer than this server knows', async () => {
      const file = path.join(work, 'future-schema.tar.gz');
      await repack(archive, file, (entries) => {
        const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
          migrations: string[];
        };
        manifest.migrations.push('9999_from_the_future');
        entries.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
      });
      await refusedAndUnchanged(file, /newer Corkboard.*9999_from_the_future.*upgrade this server/);
    });

    it('an archive without its manifest', async () => {
      const file = path.join(work, 'no-manifest.tar.gz');
      await repack(archive, file, (entries) => entries.delete('manifest.json'));
      await refusedAndUnchanged(file, /no manifest\.json/);
    });
  });
});

describe('backup across databases: SQLite → PostgreSQL → SQLite', () => {
  it('carries every row and file from SQLite to PostgreSQL and back unchanged', async (context) => {
    if (!(await postgresReachable())) {
      if (process.env.CI === 'true') throw new Error('CI=true and PostgreSQL is not reachable');
      console.warn('\n*** SKIPPING the cross-database backup test: PostgreSQL is not reachable\n');
      context.skip();
    }
    const sqliteSource = await instance('sqlite');
    await seedInstance(sqliteSource);
    const original = await snapshotTables(sqliteSource.database);
    const originalMedia = mediaOf(sqliteSource);

    const first = path.join(work, 'sqlite.tar.gz');
    await exportBackup({
      database: sqliteSource.database,
      mediaDir: path.join(sqliteSource.dataDir, 'media'),
      file: first,
    });
    const postgres = await instance('postgres');
    await importBackup({ database: postgres.database, dataDir: postgres.dataDir, file: first });
    expect(await snapshotTables(postgres.database)).toEqual(original);
    expect(mediaOf(postgres)).toEqual(originalMedia);

    const second = path.join(work, 'postgres.tar.gz');
    await exportBackup({
      database: postgres.database,
      mediaDir: path.join(postgres.dataDir, 'media'),
      file: second,
    });
    const sqliteAgain = await instance('sqlite');
    await importBackup({ database: sqliteAgain.database, dataDir: sqliteAgain.dataDir, file: second });
    expect(await snapshotTables(sqliteAgain.database)).toEqual(original);
    expect(mediaOf(sqliteAgain)).toEqual(originalMedia);
  });
});
