import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { compiledQuery } from '../../db/prepared.js';
import { idOf, idOrNull, intOf } from '../../db/values.js';

/** Kept per app: older rows are pruned by the batch writer. */
export const KEEP_PER_APP = 1000;
/**
 * Rows per INSERT, largest first: a batch goes in as statements of these sizes (10 columns
 * each, well under both databases' parameter limits). Each size's SQL is built once, so the
 * database (and SQLite's statement cache) sees a handful of statements, not one per batch size.
 */
const INSERT_SIZES = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

export interface RequestLogEntry {
  id: string;
  appId: string;
  userId: string | null;
  tokenPrefix: string;
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  latencyMs: number;
  createdAt: string;
}

/** A status filter: one exact code (404) or a class (4xx → 400 to 499). */
export type StatusFilter = { exact: number } | { from: number; to: number };

export class RequestLogRepo {
  private readonly insertSqlBySize = new Map<number, string>();
  /**
   * The DELETE keeping an app's latest KEEP_PER_APP rows, compiled once: building it with the
   * query builder took longer than running it. One indexed delete.
   */
  private readonly trimQuery = compiledQuery(['appId'], ({ appId }) =>
    this.db
      .deleteFrom('request_log')
      .where('app_id', '=', appId)
      .where('id', '<', (eb) =>
        eb
          .selectFrom('request_log')
          .select('id')
          .where('app_id', '=', appId)
          .orderBy('id', 'desc')
          .limit(1)
          .offset(KEEP_PER_APP - 1),
      ),
  );

  constructor(private readonly db: Kysely<Database>) {}

  /** INSERT of `size` rows, parameters row by row in the column order of writeBatch. */
  private insertSql(size: number): string {
    let text = this.insertSqlBySize.get(size);
    if (text === undefined) {
      const row = {
        id: '0',
        app_id: '0',
        user_id: null,
        token_prefix: '',
        method: '',
        path: '',
        operation_id: null,
        status: 0,
        latency_ms: 0,
        created_at: '',
      };
      const compiled = this.db
        .insertInto('request_log')
        .values(Array.from({ length: size }, () => row))
        .compile();
      if (compiled.parameters.length !== size * Object.keys(row).length)
        throw new Error('request log: unexpected INSERT parameters');
      text = compiled.sql;
      this.insertSqlBySize.set(size, text);
    }
    return text;
  }

  /**
   * Writes a batch and trims each app it touched to its latest KEEP_PER_APP rows, in one
   * transaction (database work only). The trim is one indexed delete per app.
   */
  async writeBatch(entries: readonly RequestLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const appIds = [...new Set(entries.map((e) => e.appId))];
    await this.db.transaction().execute(async (trx) => {
      let at = 0;
      for (const size of INSERT_SIZES) {
        for (; entries.length - at >= size; at += size) {
          const parameters: unknown[] = [];
          for (let i = at; i < at + size; i++) {
            const e = entries[i]!;
            parameters.push(
              e.id,
              e.appId,
              e.userId,
              e.tokenPrefix,
              e.method,
              e.path,
              e.operationId,
              e.status,
              e.latencyMs,
              e.createdAt,
            );
          }
          await trx.executeQuery(CompiledQuery.raw(this.insertSql(size), parameters));
        }
      }
      for (const appId of appIds) await trx.executeQuery(this.trimQuery({ appId }));
    });
  }

  /** The app's owner, or undefined when there is no such app. */
  async appOwner(appId: string): Promise<{ ownerId: string | null } | undefined> {
    const row = await this.db
      .selectFrom('apps')
      .select('owner_id')
      .where('id', '=', appId)
      .executeTakeFirst();
    return row ? { ownerId: idOrNull(row.owner_id) } : undefined;
  }

  /** Newest first, among the app's latest KEEP_PER_APP rows only; `limit` rows after `beforeId`. */
  async list(input: {
    appId: string;
    status: StatusFilter | null;
    beforeId: string | null;
    limit: number;
  }): Promise<RequestLogEntry[]> {
    const cutoff = await this.db
      .selectFrom('request_log')
      .select('id')
      .where('app_id', '=', input.appId)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(KEEP_PER_APP - 1)
      .executeTakeFirst();
    let query = this.db.selectFrom('request_log').selectAll().where('app_id', '=', input.appId);
    if (cutoff) query = query.where('id', '>=', idOf(cutoff.id));
    if (input.beforeId) query = query.where('id', '<', input.beforeId);
    const status = input.status;
    if (status && 'exact' in status) query = query.where('status', '=', status.exact);
    else if (status) query = query.where('status', '>=', status.from).where('status', '<=', status.to);
    const rows = await query.orderBy('id', 'desc').limit(input.limit).execute();
    return rows.map((row) => ({
      id: idOf(row.id),
      appId: idOf(row.app_id),
      userId: idOrNull(row.user_id),
      tokenPrefix: row.token_prefix,
      method: row.method,
      path: row.path,
      operationId: row.operation_id,
      status: intOf(row.status),
      latencyMs: intOf(row.latency_ms),
      createdAt: row.created_at,
    }));
  }
}
