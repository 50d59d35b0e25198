import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../../db/index.js';
import { migrateToLatest, migrations } from '../../db/migrate.js';
import { isValidMediaKey } from '../media/storage.js';
import { BackupRepo, type ColumnInfo, type ColumnKind, type TableInfo } from './repo.js';
import { ArchiveError, extractTar, tarChunks, type TarSource } from './tar.js';

/**
 * Backups: the whole state (every table and every media file) as one tar.gz, with a manifest
 * of format version, migrations, row counts and a SHA-256 per table dump and per file.
 * Exports read one consistent snapshot in chunks; imports check the whole archive before they
 * change anything, write every row in one transaction, and move media into place only after
 * the rows commit. Values are written by kind, never through a JS number for integers, so
 * 64-bit ids survive any pair of databases.
 */

export const BACKUP_FORMAT = 'corkboard-backup';
export const BACKUP_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const CHUNK_ROWS = 2000;
/** Bound parameters per INSERT (SQLite allows 32766, PostgreSQL 65535). */
const MAX_PARAMETERS = 30_000;

export interface ManifestTable {
  name: string;
  columns: ColumnInfo[];
  primary_key: string[];
  rows: number;
  file: string;
  bytes: number;
  sha256: string;
}

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  created_at: string;
  source_dialect: Dialect;
  migrations: string[];
  tables: ManifestTable[];
  media: ManifestFile[];
}

/** Feedback on long runs (the CLI shows a progress bar). */
export interface BackupProgress {
  phase(name: string, total: number): void;
  advance(amount: number): void;
  done(): void;
}

const silent: BackupProgress = { phase() {}, advance() {}, done() {} };

export interface BackupSummary {
  tables: number;
  rows: number;
  files: number;
  /** Import only: what was in the target and was replaced (with --force). */
  replaced?: string[];
}

/** A refusal with what is wrong and what to do; nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

// ---------------------------------------------------------------------------------------------
// Values

function encodeValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return kind === 'integer' && Number.isInteger(value) ? String(value) : value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  return value;
}

const INTEGER_TEXT = /^-?\d+$/;

function decodeValue(value: unknown, kind: ColumnKind, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer': {
      const text = String(value);
      if (!INTEGER_TEXT.test(text)) return value;
      return dialect === 'sqlite' ? BigInt(text) : text;
    }
    case 'boolean':
      return value === true || value === '1' || value === 1 || value === 'true';
    case 'real':
      return typeof value === 'number' ? value : Number(value);
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Export

async function listMediaFiles(mediaDir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      // Dot files are a storage's temp files, never media.
      if (entry.name.startsWith('.')) continue;
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), key);
      else if (entry.isFile()) files.push(key);
    }
  };
  await walk(mediaDir, '');
  return files;
}

async function writeLines(stream: fs.WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Dumps every table, in one snapshot, to NDJSON files (one JSON array per row) under `dir`. */
async function dumpTables(
  database: DatabaseHandle,
  dir: string,
  progress: BackupProgress,
  chunkRows: number,
): Promise<{ migrations: string[]; tables: Omit<ManifestTable, 'bytes' | 'sha256'>[] }> {
  const run = async (trx: Kysely<unknown>) => {
    const repo = new BackupRepo(trx, database.dialect);
    const migrationNames = await repo.migrationNames();
    const tables = await repo.dataTables();
    const counts = new Map<string, number>();
    for (const table of tables) counts.set(table.name, await repo.countRows(table.name));
    progress.phase(
      'Exporting rows',
      [...counts.values()].reduce((a, b) => a + b, 0),
    );
    const dumped: Omit<ManifestTable, 'bytes' | 'sha256'>[] = [];
    for (const table of tables) {
      const file = `tables/${table.name}.ndjson`;
      const stream = fs.createWriteStream(path.join(dir, `${table.name}.ndjson`));
      const closed = once(stream, 'close');
      let rows = 0;
      try {
        let after: unknown[] | null = null;
        for (;;) {
          const chunk = await repo.readChunk(table, after, chunkRows, rows);
          if (chunk.length === 0) break;
          let text = '';
          for (const row of chunk) {
            text += JSON.stringify(table.columns.map((c) => encodeValue(row[c.name], c.kind))) + '\n';
          }
          await writeLines(stream, text);
          rows += chunk.length;
          progress.advance(chunk.length);
          const last = chunk[chunk.length - 1]!;
          after = table.primaryKey.map((c) => last[c]);
          if (chunk.length < chunkRows) break;
        }
      } finally {
        stream.end();
        await closed;
      }
      dumped.push({ name: table.name, columns: table.columns, primary_key: table.primaryKey, rows, file });
    }
    return { migrations: migrationNames, tables: dumped };
  };
  const db = database.db as unknown as Kysely<unknown>;
  // One snapshot for every table: PostgreSQL repeatable read; SQLite's read transaction (WAL).
  return database.dialect === 'postgres'
    ? db.transaction().setIsolationLevel('repeatable read').execute(run)
    : db.transaction().execute(run);
}

export interface ExportOptions {
  database: DatabaseHandle;
  mediaDir: string;
  file: string;
  progress?: BackupProgress;
  chunkRows?: number;
}

/** Writes the archive to `file` (through a temp file renamed at the end: never half an archive). */
export async function exportBackup(options: ExportOptions): Promise<BackupSummary> {
  const progress = options.progress ?? silent;
  const target = path.resolve(options.file);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(path.dirname(target), '.corkboard-export-'));
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  try {
    const tablesDir = path.join(staging, 'tables');
    await fs.promises.mkdir(tablesDir);
    const dump = await dumpTables(options.database, tablesDir, progress, options.chunkRows ?? CHUNK_ROWS);
    const mediaFiles = await listMediaFiles(options.mediaDir);

    const hashes = new Map<string, { bytes: number; sha256: string }>();
    const sources = function* (): Generator<TarSource> {
      for (const table of dump.tables)
        yield { name: table.file, file: path.join(tablesDir, `${table.name}.ndjson`) };
      for (const key of mediaFiles)
        yield { name: `media/${key}`, file: path.join(options.mediaDir, ...key.split('/')) };
      // Last, once every entry above has been hashed on its way into the archive.
      const manifest: Manifest = {
        format: BACKUP_FORMAT,
        format_version: BACKUP_FORMAT_VERSION,
        created_at: new Date().toISOString(),
        source_dialect: options.database.dialect,
        migrations: dump.migrations,
        tables: dump.tables.map((t) => ({ ...t, ...hashes.get(t.file)! })),
        media: mediaFiles.map((key) => ({ path: key, ...hashes.get(`media/${key}`)! })),
      };
      yield { name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 1) + '\n') };
    };
    progress.phase('Writing archive', dump.tables.length + mediaFiles.length + 1);
    await pipeline(
      Readable.from(
        tarChunks(sources(), (source, size, sha256) => {
          hashes.set(source.name, { bytes: size, sha256 });
          progress.advance(1);
        }),
      ),
      zlib.createGzip({ level: 6 }),
      fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
    );
    await fs.promises.rename(partial, target);
    progress.done();
    return {
      tables: dump.tables.length,
      rows: dump.tables.reduce((n, t) => n + t.rows, 0),
      files: mediaFiles.length,
    };
  } finally {
    progress.done();
    await fs.promises.rm(partial, { force: true });
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Import

function acceptName(name: string): boolean {
  if (name === MANIFEST) return true;
  const table = /^tables\/([A-Za-z0-9_]{1,100})\.ndjson$/.exec(name);
  if (table) return true;
  return name.startsWith('media/') && isValidMediaKey(name.slice('media/'.length));
}

function zlibProblem(error: NodeJS.ErrnoException): string | null {
  if (error.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(error.message))
    return 'the archive is truncated: its gzip stream ends early (an interrupted copy or download?)';
  if (error.code?.startsWith('Z_') || error.code === 'ERR_ZLIB_INITIALIZATION_FAILED')
    return `the archive is not a valid gzip file (${error.message})`;
  return null;
}

function readManifest(text: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    throw new ArchiveError('its manifest.json is not valid JSON');
  }
  if (manifest?.format !== BACKUP_FORMAT)
    throw new ArchiveError('it is not a Corkboard backup (wrong manifest format)');
  if (manifest.format_version !== BACKUP_FORMAT_VERSION) {
    throw new ArchiveError(
      `it has backup format version ${String(manifest.format_version)}, and this Corkboard reads version ${BACKUP_FORMAT_VERSION}: ` +
        'import it with the Corkboard version that made it, or a newer one',
    );
  }
  if (
    !Array.isArray(manifest.migrations) ||
    !Array.isArray(manifest.tables) ||
    !Array.isArray(manifest.media)
  )
    throw new ArchiveError('its manifest.json lacks migrations, tables or media');
  return manifest;
}

/** Extracts and checks the whole archive into `dir`; any damage is an ArchiveError. */
async function unpackAndVerify(file: string, dir: string, progress: BackupProgress): Promise<Manifest> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch {
    throw new BackupError(`Cannot read ${file}: no such file.`);
  }
  progress.phase('Checking archive', size);
  const gunzip = zlib.createGunzip();
  const feeding = pipeline(
    fs.createReadStream(file),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        progress.advance(chunk.length);
        yield chunk;
      }
    },
    gunzip,
  );
  // Both settle before anything is cleaned up: no file is still being written on failure.
  const [fed, extracted] = await Promise.allSettled([feeding, extractTar(gunzip, dir, acceptName)]);
  for (const outcome of [fed, extracted]) {
    if (outcome.status === 'rejected') {
      const problem = zlibProblem(outcome.reason as NodeJS.ErrnoException);
      if (problem) throw new ArchiveError(problem);
    }
  }
  if (extracted.status === 'rejected') throw extracted.reason;
  if (fed.status === 'rejected') throw fed.reason;
  const entries = extracted.value;
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (!byName.has(MANIFEST))
    throw new ArchiveError(
      'it has no manifest.json (the manifest is written last, so the archive is probably truncated)',
    );
  const manifest = readManifest(await fs.promises.readFile(path.join(dir, MANIFEST), 'utf8'));

  const known = new Set(migrations.map((m) => m.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ArchiveError(
      `it was made by a newer Corkboard (its database has migrations this server does not know: ${unknown.join(', ')}): upgrade this server, then import again`,
    );
  }
  const listed = new Set<string>([MANIFEST]);
  const check = (name: string, bytes: number, sha256: string) => {
    listed.add(name);
    const entry = byName.get(name);
    if (!entry) throw new ArchiveError(`${name} is listed in the manifest but missing from the archive`);
    if (entry.size !== bytes || entry.sha256 !== sha256)
      throw new ArchiveError(`checksum mismatch for ${name}: the archive is damaged`);
  };
  for (const table of manifest.tables) {
    if (table.file !== `tables/${table.name}.ndjson`)
      throw new ArchiveError(`the manifest names a bad file for table ${table.name}`);
    check(table.file, table.bytes, table.sha256);
  }
  for (const media of manifest.media) {
    if (!isValidMediaKey(media.path))
      throw new ArchiveError(`the manifest lists a bad media path "${media.path}"`);
    check(`media/${media.path}`, media.bytes, media.sha256);
  }
  const extra = entries.filter((e) => !listed.has(e.name));
  if (extra.length > 0) throw new ArchiveError(`${extra[0]!.name} is in the archive but not in its manifest`);
  return manifest;
}

async function mediaDirHasFiles(mediaDir: string): Promise<boolean> {
  return (await listMediaFiles(mediaDir)).length > 0;
}

async function* rowsOf(file: string): AsyncGenerator<unknown[]> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    yield JSON.parse(line) as unknown[];
  }
}

export interface ImportOptions {
  database: DatabaseHandle;
  /** DATA_DIR: media go to DATA_DIR/media; the archive is unpacked in a temp folder beside it. */
  dataDir: string;
  file: string;
  /** Replace a target that is not empty. */
  force?: boolean;
  progress?: BackupProgress;
}

/**
 * Imports an archive into a fresh target: checks everything first (archive, schema, emptiness),
 * then writes every row in one transaction, then moves the media in place.
 */
export async function importBackup(options: ImportOptions): Promise<BackupSummary> {
  const progress = options.progress ?? silent;
  const { database } = options;
  const db = database.db as unknown as Kysely<unknown>;
  const mediaDir = path.join(options.dataDir, 'media');
  await fs.promises.mkdir(options.dataDir, { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(options.dataDir, '.corkboard-import-'));
  try {
    let manifest: Manifest;
    try {
      manifest = await unpackAndVerify(path.resolve(options.file), staging, progress);
    } catch (error) {
      if (error instanceof ArchiveError)
        throw new BackupError(
          `Refusing to import ${options.file}: ${error.message}. Nothing was changed. Use an intact archive (compare its size with the original, or export again).`,
        );
      throw error;
    } finally {
      progress.done();
    }

    // The target's schema reaches the archive's level first, so later migrations (with any data
    // changes they make) run on the imported rows afterwards.
    const last = manifest.migrations.filter((name) => migrations.some((m) => m.name === name)).at(-1);
    await migrateToLatest(db, database.dialect, { until: last });
    const repo = new BackupRepo(db, database.dialect);
    const targetTables = await repo.dataTables();
    const targetByName = new Map(targetTables.map((t) => [t.name, t]));
    for (const table of manifest.tables) {
      const target = targetByName.get(table.name);
      if (!target)
        throw new BackupError(
          `Refusing to import: the archive has a table "${table.name}" that this database does not have. Nothing was changed.`,
        );
      const missing = table.columns.filter((c) => !target.columns.some((t) => t.name === c.name));
      if (missing.length > 0)
        throw new BackupError(
          `Refusing to import: table "${table.name}" in the archive has column(s) ${missing.map((c) => c.name).join(', ')} that this database does not have. Nothing was changed.`,
        );
    }

    const occupied: string[] = [];
    for (const table of targetTables) {
      // Settings hold the secrets a server makes on its first start; the archive's replace them.
      if (table.name === 'settings') continue;
      const count = await repo.countRows(table.name);
      if (count > 0) occupied.push(`${table.name} (${count} rows)`);
    }
    if (await mediaDirHasFiles(mediaDir)) occupied.push(`media files in ${mediaDir}`);
    if (occupied.length > 0 && !options.force) {
      throw new BackupError(
        `Refusing to import: the target is not empty: ${occupied.join(', ')}. Import into a fresh DATA_DIR and an empty database ` +
          '(run `corkboard migrate` there, not `serve`, which seeds the demo in sandbox mode), or pass --force to replace everything in it. Nothing was changed.',
      );
    }

    const totalRows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    progress.phase('Importing rows', totalRows);
    try {
      await db.transaction().execute(async (trx) => {
        const tx = repo.withExecutor(trx);
        await tx.deferForeignKeys();
        for (const table of [...targetTables].reverse()) await tx.deleteAll(table.name);
        for (const target of targetTables) {
          const archived = manifest.tables.find((t) => t.name === target.name);
          if (!archived) continue;
          await importTable(
            tx,
            database.dialect,
            target,
            archived,
            path.join(staging, ...archived.file.split('/')),
            progress,
          );
        }
      });
    } finally {
      progress.done();
    }
    await migrateToLatest(db, database.dialect);

    // Rows are committed: the media go in place, replacing what was there (only with --force).
    const unpackedMedia = path.join(staging, 'media');
    const old = path.join(staging, 'replaced-media');
    await fs.promises.rename(mediaDir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    if (fs.existsSync(unpackedMedia)) await fs.promises.rename(unpackedMedia, mediaDir);
    else await fs.promises.mkdir(mediaDir, { recursive: true });

    return {
      tables: manifest.tables.length,
      rows: totalRows,
      files: manifest.media.length,
      ...(occupied.length > 0 ? { replaced: occupied } : {}),
    };
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function importTable(
  repo: BackupRepo,
  dialect: Dialect,
  target: TableInfo,
  archived: ManifestTable,
  file: string,
  progress: BackupProgress,
): Promise<void> {
  const kinds = archived.columns.map((c) => target.columns.find((t) => t.name === c.name)!.kind);
  const names = archived.columns.map((c) => c.name);
  const batchSize = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMETERS / Math.max(1, names.length))));
  let batch: unknown[][] = [];
  let rows = 0;
  for await (const values of rowsOf(file)) {
    if (!Array.isArray(values) || values.length !== names.length)
      throw new BackupError(`Refusing to import: a row of ${archived.name} has the wrong number of values.`);
    batch.push(values.map((v, i) => decodeValue(v, kinds[i]!, dialect)));
    if (batch.length >= batchSize) {
      await repo.insertRows(target.name, names, batch);
      progress.advance(batch.length);
      rows += batch.length;
      batch = [];
    }
  }
  await repo.insertRows(target.name, names, batch);
  progress.advance(batch.length);
  rows += batch.length;
  if (rows !== archived.rows)
    throw new BackupError(
      `Refusing to import: table ${archived.name} has ${rows} rows in the archive but its manifest says ${archived.rows}.`,
    );
}
