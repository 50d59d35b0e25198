import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { BackgroundCheckpointer, SAFETY_NET_PAGES } from './checkpointer.js';
import { SqliteLimitPlugin } from './sqlite-limit-plugin.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite only: a second, read-only connection for the API's hottest reads (see
   * prepared.ts). In WAL mode it reads the last committed state, never another request's open
   * transaction, and skips the query builder's per-call overhead. Null on PostgreSQL.
   */
  fastReader: FastReader | null;
  /** SQLite only, when asked for: the worker running WAL checkpoints off the event loop. */
  checkpointer: BackgroundCheckpointer | null;
  close(): Promise<void>;
}

/** Runs a read-only SQL statement synchronously and returns its rows. */
export interface FastReader {
  all(sql: string, parameters: readonly unknown[]): unknown[];
}

export interface OpenDatabaseOptions {
  /** postgres://… to use PostgreSQL; otherwise the SQLite file at sqlitePath. */
  databaseUrl: string | null;
  sqlitePath: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  pgSchema?: string;
  pgPoolSize?: number;
  /**
   * SQLite file only: run WAL checkpoints every this many milliseconds in a worker thread
   * instead of inside commits on the event loop (see checkpointer.ts). The server turns it on;
   * short-lived commands and tests leave SQLite's default.
   */
  backgroundCheckpointMs?: number;
}

// int8 and numeric come back as strings: ids must never pass through a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', fastReader: null, checkpointer: null, close: () => db.destroy() };
  }
  if (options.sqlitePath !== ':memory:') fs.mkdirSync(path.dirname(options.sqlitePath), { recursive: true });
  const sqlite = new SQLite(options.sqlitePath);
  sqlite.defaultSafeIntegers(true);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new SqliteLimitPlugin()],
  });
  const onDisk = options.sqlitePath !== ':memory:' && options.sqlitePath !== '';
  const reader = options.sqlitePath === ':memory:' ? null : openFastReader(options.sqlitePath);
  let checkpointer: BackgroundCheckpointer | null = null;
  if (onDisk && options.backgroundCheckpointMs) {
    checkpointer = new BackgroundCheckpointer(options.sqlitePath, options.backgroundCheckpointMs);
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  }
  return {
    db,
    dialect: 'sqlite',
    fastReader: reader?.fastReader ?? null,
    checkpointer,
    close: async () => {
      await checkpointer?.close();
      reader?.close();
      await db.destroy();
    },
  };
}

/** Lower-cased key used for case-insensitive uniqueness on both databases. */
export function caseKey(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query it runs; SQLite then parses and plans the SQL each time, which
 * costs more than running a simple indexed query. Statements are kept by SQL text and reused
 * (the one connection runs one statement at a time, so sharing them is safe).
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') {
        return (source: string) => {
          let statement = cache.get(source);
          if (!statement) {
            statement = prepare(source);
            if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
            cache.set(source, statement);
          }
          return statement;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The read-only connection the API's hot reads use, synchronously.
 *
 * It reads with read() calls, not through a memory map (`mmap_size`), on purpose. After any commit
 * by another connection (the request log commits several times a second under load) SQLite drops
 * this connection's page cache and, when mapped, unmaps the whole mapping, to map it again and
 * fault every page back in. Unmapping what a second of reads had touched held the event loop for
 * 10 to 45 ms; measured on the 1,000,000-pin file, the map cost pin get a third of its throughput
 * (7.3k against 11.3k req/s) and doubled its p99 at 1,000 req/s (bench/RESULTS.md). With 5,000
 * reads between two commits, the first read after a commit took 14 ms mapped and 1.4 ms unmapped.
 */
function openFastReader(file: string): { fastReader: FastReader; close(): void } {
  const connection = new SQLite(file, { readonly: true });
  connection.defaultSafeIntegers(true);
  connection.pragma('busy_timeout = 5000');
  const statements = new Map<string, { statement: SQLite.Statement; toRow: RowMaker }>();
  return {
    fastReader: {
      all(sql, parameters) {
        let entry = statements.get(sql);
        if (!entry) {
          const prepared = connection.prepare(sql);
          if (!prepared.reader) throw new Error('the fast reader runs statements that return rows only');
          const statement = prepared.raw(true);
          entry = { statement, toRow: rowMaker(statement.columns().map((column) => column.name)) };
          if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
          statements.set(sql, entry);
        }
        const rows = entry.statement.all(...parameters) as unknown[][];
        const objects: Record<string, unknown>[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) objects[i] = entry.toRow(rows[i]!);
        return objects;
      },
    },
    close: () => connection.close(),
  };
}

type RowMaker = (values: unknown[]) => Record<string, unknown>;

/**
 * A function making a row object from a statement's values, written for its columns: an object
 * literal gets one shape for every row, where better-sqlite3's own row objects are built a
 * property at a time through V8's API (looking each column name up again for every row). A page
 * of 26 pins reads about a quarter faster this way. Column names come from our own SQL; each is
 * written as a JSON string literal, so no name can be taken for code. A repeated name keeps the
 * last column, as better-sqlite3's objects do.
 */
function rowMaker(columns: string[]): RowMaker {
  // "__proto__" as a plain key would set the prototype; computed, it is an own property like any other.
  const key = (name: string) => (name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name));
  const fields = columns.map((name, i) => `${key(name)}: values[${i}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as RowMaker;
}
