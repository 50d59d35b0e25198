import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../db/index.js';
import { METRIC_COLUMNS } from '../../db/migrations/0003_analytics.js';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

/** What ingestion needs to know of a pin. */
export interface PinFacts {
  id: string;
  ownerId: string;
  link: string | null;
  creativeType: string;
}

/** One raw event row, as appended to analytics_events. */
export interface RawEventRow {
  id: string;
  eventType: string;
  pinId: string | null;
  ownerId: string;
  viewerId: string | null;
  appType: string;
  value: number;
  occurredAt: string;
  day: string;
  dedupeKey: string | null;
}

/** A roll-up key and its metric sums (in METRIC_COLUMNS order). */
export interface RollupRow {
  userId: string;
  /** null for the account roll-up. */
  pinId: string | null;
  day: string;
  appType: string;
  source: string;
  claimed: number;
  pinFormat: string;
  metrics: number[];
}

const LOOKUP_CHUNK = 500;
const RAW_COLUMNS = [
  'id',
  'event_type',
  'pin_id',
  'owner_id',
  'viewer_id',
  'app_type',
  'value',
  'occurred_at',
  'day',
  'dedupe_key',
] as const;
/** Largest multi-row statement: a power of two, so any batch splits into few distinct SQL texts. */
const RAW_CHUNK = 512;
const ROLLUP_CHUNK = 128;

/**
 * SQL of analytics ingestion. Writes go as multi-row statements whose SQL text depends only on
 * the row count (powers of two), run as compiled SQL: the database keeps them prepared and no
 * query is built per row, which is what lets a batch of thousands of events take milliseconds.
 */
export class AnalyticsIngestRepo {
  private readonly sqlCache = new Map<string, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** The pins that exist among `ids` (unknown or deleted ones are simply absent). */
  async pinFacts(ids: readonly string[]): Promise<Map<string, PinFacts>> {
    const found = new Map<string, PinFacts>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('pins')
        .select(['id', 'owner_id', 'link', 'creative_type'])
        .where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const row of rows) {
        const id = idOf(row.id);
        found.set(id, { id, ownerId: idOf(row.owner_id), link: row.link, creativeType: row.creative_type });
      }
    }
    return found;
  }

  /** The accounts that exist among `ids`. */
  async existingUsers(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('users')
        .select('id')
        .where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const row of rows) found.add(idOf(row.id));
    }
    return found;
  }

  /** Claims (account, website key) whose key is one of `keys`. */
  async claimsByKey(keys: readonly string[]): Promise<Array<{ userId: string; key: string }>> {
    const claims: Array<{ userId: string; key: string }> = [];
    for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('websites')
        .select(['user_id', 'website_key'])
        .where('website_key', 'in', keys.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const row of rows) claims.push({ userId: idOf(row.user_id), key: row.website_key });
    }
    return claims;
  }

  /**
   * Appends the events and adds the roll-ups, in one transaction. Events with a dedupe key
   * already stored (or repeated in the batch) are not appended; `rollupsFor` is then asked for
   * the roll-ups of the events that were, so a duplicate never reaches a total.
   */
  async write<Row extends RawEventRow>(
    events: readonly Row[],
    rollupsFor: (accepted: readonly Row[]) => { accountPin: RollupRow[]; account: RollupRow[] },
  ): Promise<{ accepted: number; duplicates: number }> {
    return this.db.transaction().execute(async (trx) => {
      const plain: Row[] = [];
      const keyed = new Map<string, Row>();
      let duplicates = 0;
      for (const event of events) {
        if (event.dedupeKey === null) plain.push(event);
        else if (keyed.has(event.dedupeKey)) duplicates += 1;
        else keyed.set(event.dedupeKey, event);
      }
      await this.insertRaw(trx, plain, false);
      // In key order, so concurrent writers (several processes on PostgreSQL) wait on each other instead of deadlocking.
      const keyedRows = [...keyed.values()].sort((a, b) => cmp(a.dedupeKey!, b.dedupeKey!));
      const stored = await this.insertRaw(trx, keyedRows, true);
      duplicates += keyedRows.length - stored.size;
      const accepted = plain.concat(keyedRows.filter((e) => stored.has(e.dedupeKey!)));
      const { accountPin, account } = rollupsFor(accepted);
      await this.upsertRollups(trx, 'analytics_account_pin_daily', accountPin);
      await this.upsertRollups(trx, 'analytics_account_daily', account);
      await this.upsertTotals(trx, pinTotalsOf(accountPin));
      return { accepted: accepted.length, duplicates };
    });
  }

  /** Inserts raw rows; with `deduplicate`, skips stored dedupe keys and returns the keys inserted. */
  private async insertRaw(
    trx: Transaction<Database>,
    rows: readonly RawEventRow[],
    deduplicate: boolean,
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const [start, count] of chunks(rows.length, RAW_CHUNK)) {
      const sqlText = this.sqlFor(`raw:${deduplicate}:${count}`, () => {
        const head = `insert into analytics_events (${RAW_COLUMNS.join(', ')}) values ${this.valuesList(count, RAW_COLUMNS.length)}`;
        return deduplicate ? `${head} on conflict do nothing returning dedupe_key` : head;
      });
      const parameters: unknown[] = [];
      for (let i = start; i < start + count; i += 1) {
        const e = rows[i]!;
        parameters.push(
          e.id,
          e.eventType,
          e.pinId,
          e.ownerId,
          e.viewerId,
          e.appType,
          e.value,
          e.occurredAt,
          e.day,
          e.dedupeKey,
        );
      }
      const result = await trx.executeQuery<{ dedupe_key: string }>(CompiledQuery.raw(sqlText, parameters));
      if (deduplicate) for (const row of result.rows) inserted.add(row.dedupe_key);
    }
    return inserted;
  }

  /** Adds the sums to each key's row, creating it when missing. Rows are sorted so concurrent writers lock in one order. */
  private async upsertRollups(
    trx: Transaction<Database>,
    table: 'analytics_account_pin_daily' | 'analytics_account_daily',
    rows: RollupRow[],
  ): Promise<void> {
    const withPin = table === 'analytics_account_pin_daily';
    const keyColumns = withPin
      ? ['user_id', 'pin_id', 'day', 'app_type', 'source', 'claimed', 'pin_format']
      : ['user_id', 'day', 'app_type', 'source', 'claimed', 'pin_format'];
    const columns = [...keyColumns, ...METRIC_COLUMNS];
    const sorted = rows.slice().sort(compareRollupKeys);
    for (const [start, count] of chunks(sorted.length, ROLLUP_CHUNK)) {
      const sqlText = this.sqlFor(`${table}:${count}`, () => {
        const sums = METRIC_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
        return (
          `insert into ${table} (${columns.join(', ')}) values ${this.valuesList(count, columns.length)}` +
          ` on conflict (${keyColumns.join(', ')}) do update set ${sums}`
        );
      });
      const parameters: unknown[] = [];
      for (let i = start; i < start + count; i += 1) {
        const r = sorted[i]!;
        if (withPin) parameters.push(r.userId, r.pinId, r.day, r.appType, r.source, r.claimed, r.pinFormat);
        else parameters.push(r.userId, r.day, r.appType, r.source, r.claimed, r.pinFormat);
        for (const value of r.metrics) parameters.push(value);
      }
      await trx.executeQuery(CompiledQuery.raw(sqlText, parameters));
    }
  }

  /** Adds lifetime sums per (account, pin); top pins reads them as upper bounds. */
  private async upsertTotals(trx: Transaction<Database>, rows: PinTotalsRow[]): Promise<void> {
    const keyColumns = ['user_id', 'pin_id'];
    const columns = [...keyColumns, ...METRIC_COLUMNS];
    for (const [start, count] of chunks(rows.length, ROLLUP_CHUNK)) {
      const sqlText = this.sqlFor(`totals:${count}`, () => {
        const sums = METRIC_COLUMNS.map(
          (c) => `${c} = analytics_account_pin_totals.${c} + excluded.${c}`,
        ).join(', ');
        return (
          `insert into analytics_account_pin_totals (${columns.join(', ')}) values ${this.valuesList(count, columns.length)}` +
          ` on conflict (${keyColumns.join(', ')}) do update set ${sums}`
        );
      });
      const parameters: unknown[] = [];
      for (let i = start; i < start + count; i += 1) {
        const r = rows[i]!;
        parameters.push(r.userId, r.pinId);
        for (const value of r.metrics) parameters.push(value);
      }
      await trx.executeQuery(CompiledQuery.raw(sqlText, parameters));
    }
  }

  private sqlFor(key: string, build: () => string): string {
    let text = this.sqlCache.get(key);
    if (text === undefined) {
      text = build();
      this.sqlCache.set(key, text);
    }
    return text;
  }

  /** `(?, ?), (?, ?)` on SQLite, `($1, $2), ($3, $4)` on PostgreSQL. */
  private valuesList(rows: number, columns: number): string {
    const tuples: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r += 1) {
      const slots: string[] = [];
      for (let c = 0; c < columns; c += 1) {
        n += 1;
        slots.push(this.dialect === 'postgres' ? `$${n}` : '?');
      }
      tuples.push(`(${slots.join(', ')})`);
    }
    return tuples.join(', ');
  }
}

interface PinTotalsRow {
  userId: string;
  pinId: string;
  metrics: number[];
}

/** The account-pin roll-ups summed per (account, pin), in key order so writers lock in one order. */
function pinTotalsOf(rows: readonly RollupRow[]): PinTotalsRow[] {
  const totals = new Map<string, PinTotalsRow>();
  for (const row of rows) {
    const key = `${row.userId}|${row.pinId}`;
    let total = totals.get(key);
    if (!total) {
      total = {
        userId: row.userId,
        pinId: row.pinId!,
        metrics: new Array<number>(row.metrics.length).fill(0),
      };
      totals.set(key, total);
    }
    for (let i = 0; i < row.metrics.length; i += 1) total.metrics[i]! += row.metrics[i]!;
  }
  return [...totals.values()].sort((a, b) => compareIds(a.userId, b.userId) || compareIds(a.pinId, b.pinId));
}

/** [start, count] pieces of `total`: full chunks of `max`, then the rest as powers of two. */
function* chunks(total: number, max: number): Generator<[number, number]> {
  let start = 0;
  while (total - start >= max) {
    yield [start, max];
    start += max;
  }
  for (let size = max >> 1; size >= 1; size >>= 1) {
    if (total - start >= size) {
      yield [start, size];
      start += size;
    }
  }
}

function compareRollupKeys(a: RollupRow, b: RollupRow): number {
  return (
    compareIds(a.userId, b.userId) ||
    compareIds(a.pinId ?? '', b.pinId ?? '') ||
    cmp(a.day, b.day) ||
    cmp(a.appType, b.appType) ||
    cmp(a.source, b.source) ||
    a.claimed - b.claimed ||
    cmp(a.pinFormat, b.pinFormat)
  );
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || cmp(a, b);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
