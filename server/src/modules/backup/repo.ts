import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../../db/index.js';

/**
 * The database catalog and generic row access for backups: tables are discovered from the
 * database itself, so tables added by later migrations are carried without code changes.
 */

/** Bookkeeping that is not state: the migration list (carried in the manifest) and process leases. */
export const TABLES_NOT_EXPORTED = new Set(['corkboard_migrations', 'worker_leases']);

/** How a column's values are written to and read from an archive, whatever the database. */
export type ColumnKind = 'integer' | 'real' | 'text' | 'blob' | 'boolean';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** Primary-key columns in key order (empty when the table has none). */
  primaryKey: string[];
  /** Tables this one references with foreign keys. */
  references: string[];
}

// Any executor: the database or an open transaction.
type Executor = Kysely<unknown>;

function kindOf(declared: string, dialect: Dialect): ColumnKind {
  const type = declared.toLowerCase();
  if (dialect === 'postgres') {
    if (type === 'boolean') return 'boolean';
    if (type === 'bytea') return 'blob';
    if (/^(smallint|integer|bigint)$/.test(type)) return 'integer';
    if (/^(real|double precision)$/.test(type)) return 'real';
    return 'text';
  }
  // SQLite's affinity rules, in its own order.
  if (type.includes('int')) return 'integer';
  if (/char|clob|text/.test(type)) return 'text';
  if (type === '' || type.includes('blob')) return 'blob';
  if (/real|floa|doub/.test(type)) return 'real';
  return 'text';
}

export class BackupRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  withExecutor(db: Executor): BackupRepo {
    return new BackupRepo(db, this.dialect);
  }

  async tableNames(): Promise<string[]> {
    const rows =
      this.dialect === 'postgres'
        ? await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
            this.db,
          )
        : await sql<{ name: string }>`select name from sqlite_master
            where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`.execute(this.db);
    return rows.rows.map((r) => r.name);
  }

  async migrationNames(): Promise<string[]> {
    const names = await this.tableNames();
    if (!names.includes('corkboard_migrations')) return [];
    const rows = await sql<{ name: string }>`select name from corkboard_migrations order by name`.execute(
      this.db,
    );
    return rows.rows.map((r) => r.name);
  }

  /** Every table but bookkeeping, parents before children (foreign keys decide the order). */
  async dataTables(): Promise<TableInfo[]> {
    const names = (await this.tableNames()).filter((name) => !TABLES_NOT_EXPORTED.has(name));
    const tables: TableInfo[] = [];
    for (const name of names) tables.push(await this.describe(name));
    return orderByReferences(tables);
  }

  async describe(table: string): Promise<TableInfo> {
    if (this.dialect === 'postgres') {
      const columns = await sql<{ name: string; type: string }>`select column_name as name, data_type as type
        from information_schema.columns where table_schema = current_schema() and table_name = ${table}
        order by ordinal_position`.execute(this.db);
      const key = await sql<{ name: string }>`select a.attname as name
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where c.relname = ${table} and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())
          and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`.execute(this.db);
      const references = await sql<{ name: string }>`select distinct r.relname as name
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_class r on r.oid = k.confrelid
        where k.contype = 'f' and c.relname = ${table}
          and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(
        this.db,
      );
      return {
        name: table,
        columns: columns.rows.map((c) => ({ name: c.name, kind: kindOf(c.type, 'postgres') })),
        primaryKey: key.rows.map((k) => k.name),
        references: references.rows.map((r) => r.name),
      };
    }
    const columns = await sql<{ name: string; type: string; pk: unknown }>`select name, type, pk
      from pragma_table_info(${table}) order by cid`.execute(this.db);
    const references = await sql<{ name: string }>`select distinct "table" as name
      from pragma_foreign_key_list(${table})`.execute(this.db);
    return {
      name: table,
      columns: columns.rows.map((c) => ({ name: c.name, kind: kindOf(c.type, 'sqlite') })),
      primaryKey: columns.rows
        .filter((c) => Number(c.pk) > 0)
        .sort((a, b) => Number(a.pk) - Number(b.pk))
        .map((c) => c.name),
      references: references.rows.map((r) => r.name),
    };
  }

  async countRows(table: string): Promise<number> {
    const row = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(this.db);
    return Number(row.rows[0]?.n ?? 0);
  }

  /**
   * One chunk of rows in primary-key order, after the key `after` (a keyset cursor, so a huge
   * table is read in constant memory and time per chunk). Tables without a key page by offset.
   */
  async readChunk(
    table: TableInfo,
    after: unknown[] | null,
    limit: number,
    offset: number,
  ): Promise<Record<string, unknown>[]> {
    const columns = sql.join(table.columns.map((c) => sql.ref(c.name)));
    const from = sql.table(table.name);
    if (table.primaryKey.length === 0) {
      const order = sql.join(table.columns.map((c) => sql.ref(c.name)));
      return (
        await sql<Record<string, unknown>>`select ${columns} from ${from} order by ${order}
          limit ${limit} offset ${offset}`.execute(this.db)
      ).rows;
    }
    const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
    let where: RawBuilder<unknown> = sql``;
    if (after) {
      where =
        table.primaryKey.length === 1
          ? sql`where ${key} > ${after[0]}`
          : sql`where (${key}) > (${sql.join(after.map((v) => sql`${v}`))})`;
    }
    return (
      await sql<
        Record<string, unknown>
      >`select ${columns} from ${from} ${where} order by ${key} limit ${limit}`.execute(this.db)
    ).rows;
  }

  async insertRows(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
      rows.map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`),
    )}`.execute(this.db);
  }

  async deleteAll(table: string): Promise<void> {
    await sql`delete from ${sql.table(table)}`.execute(this.db);
  }

  /** Deletes every setting whose key `keep` does not accept. */
  async deleteSettingsExcept(keep: (key: string) => boolean): Promise<void> {
    const keys = (await sql<{ key: string }>`select ${sql.ref('key')} from settings`.execute(this.db)).rows
      .map((r) => r.key)
      .filter((key) => !keep(key));
    for (const key of keys) await sql`delete from settings where ${sql.ref('key')} = ${key}`.execute(this.db);
  }

  /** SQLite: foreign keys checked at commit, so rows may arrive in any order within the import. */
  async deferForeignKeys(): Promise<void> {
    if (this.dialect === 'sqlite') await sql`pragma defer_foreign_keys = on`.execute(this.db);
  }
}

/** Parents before children; a table that references itself does not count as its own parent. */
export function orderByReferences(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableInfo, chain: string[]) => {
    const seen = state.get(table.name);
    if (seen === 'done') return;
    if (seen === 'visiting')
      throw new Error(`foreign keys form a cycle: ${[...chain, table.name].join(' → ')}`);
    state.set(table.name, 'visiting');
    for (const parent of table.references) {
      const parentTable = byName.get(parent);
      if (parentTable && parent !== table.name) visit(parentTable, [...chain, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}
