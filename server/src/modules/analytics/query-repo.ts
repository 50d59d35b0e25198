import { sql, type RawBuilder } from 'kysely';
import type { DatabaseHandle } from '../../db/index.js';
import { idOf, intOf } from '../../db/values.js';
import { visibleBoardCondition } from '../visibility/sql.js';
import type { VisibleBoards } from '../visibility/policy.js';
import type { Day } from './dates.js';
import type { MetricColumn, MetricSums } from './metric-types.js';

/**
 * The only SQL of analytics reads. Every query reads one of the daily roll-ups of
 * migrations/0003_analytics.ts and sums its metric columns; rates are computed by the service.
 * On SQLite the queries run on the read-only WAL connection (db/index.ts), so they never wait
 * behind an ingestion batch holding the writer; on PostgreSQL through the pool.
 */

/** Dimension columns of both roll-ups that a response may be split by. */
export type SplitColumn = 'app_type' | 'source' | 'claimed' | 'pin_format';

/** Row filters on the dimension columns; an absent filter keeps every value. */
export interface RollupFilters {
  appTypes?: readonly string[];
  sources?: readonly string[];
  /** 1: the pin links to a claimed domain; 0: it does not. */
  claimed?: 0 | 1;
  pinFormats?: readonly string[];
}

export interface DayGroup {
  day: Day;
  /** Value of the split column (as text), or '' when not split. */
  key: string;
  sums: MetricSums;
}

export interface PinDayGroup extends DayGroup {
  pinId: string;
}

export interface PinTotals {
  pinId: string;
  appType: string;
  /** First day the pin has any roll-up row (for data_status). */
  firstDay: Day;
  sums: MetricSums;
}

export interface TopPinQuery {
  userId: string;
  start: Day;
  end: Day;
  filters: RollupFilters;
  /** Columns to return for each pin (those of the requested metrics and the sort metric). */
  columns: readonly MetricColumn[];
  /** What to sort by, larger first: a sum of columns, or a sum over another column (an average). */
  sortBy: SortKey;
  limit: number;
  /** Only pins created at or after this ISO time. */
  createdSince?: string;
  /** Only pins the viewer may see (the one visibility rule). */
  visible: VisibleBoards;
}

export interface SortKey {
  sumOf: readonly MetricColumn[];
  /** When given, the sum is divided by this column's sum (0 when that is 0). */
  dividedBy?: MetricColumn;
}

function sortExpression(key: SortKey) {
  const sum = sql.join(
    key.sumOf.map((c) => sql.ref(`totals.${c}`)),
    sql` + `,
  );
  if (!key.dividedBy) return sql`(${sum})`;
  const divisor = sql.ref(`totals.${key.dividedBy}`);
  return sql`(case when ${divisor} = 0 then 0 else (${sum}) * 1.0 / ${divisor} end)`;
}

export interface TopPinRow {
  pinId: string;
  sums: MetricSums;
}

export interface PinMetricTotals {
  pinId: string;
  recent: MetricSums;
  lifetime: MetricSums;
}

const sumOf = (column: MetricColumn) => sql`sum(${sql.ref(column)}) as ${sql.ref(column)}`;

function sumsOf(row: Record<string, unknown>, columns: readonly MetricColumn[], prefix = ''): MetricSums {
  const sums: MetricSums = {};
  for (const column of columns) sums[column] = intOf(row[`${prefix}${column}`]);
  return sums;
}

function filterConditions(filters: RollupFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  const inList = (column: string, values: readonly string[]) =>
    values.length === 0 ? sql`1 = 0` : sql`${sql.ref(column)} in (${sql.join(values)})`;
  if (filters.appTypes) conditions.push(inList('app_type', filters.appTypes));
  if (filters.sources) conditions.push(inList('source', filters.sources));
  if (filters.claimed !== undefined) conditions.push(sql`claimed = ${filters.claimed}`);
  if (filters.pinFormats) conditions.push(inList('pin_format', filters.pinFormats));
  return conditions;
}

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`` : sql` and ${sql.join(conditions, sql` and `)}`;

/** The split column's value as text on both databases (claimed is an integer). */
const splitKey = (split: SplitColumn | null) =>
  split === null ? sql`''` : split === 'claimed' ? sql`cast(claimed as varchar(1))` : sql.ref(split);

export interface AnalyticsQueryRepoOptions {
  /** Pins read per step of top pins' walk down the lifetime totals, at most. */
  topPinsChunk: number;
}

/** The first step of top pins' walk reads this many pins (or twice the limit), then 4× more per step. */
const TOP_PINS_FIRST_STEP = 16;

export class AnalyticsQueryRepo {
  constructor(
    private readonly handle: Pick<DatabaseHandle, 'db' | 'fastReader' | 'dialect'>,
    private readonly options: AnalyticsQueryRepoOptions = { topPinsChunk: 400 },
  ) {}

  private async rows(query: RawBuilder<unknown>): Promise<Array<Record<string, unknown>>> {
    const reader = this.handle.fastReader;
    if (reader) {
      const compiled = query.compile(this.handle.db);
      return reader.all(compiled.sql, compiled.parameters) as Array<Record<string, unknown>>;
    }
    const result = await query.execute(this.handle.db);
    return result.rows as Array<Record<string, unknown>>;
  }

  /** user_account/analytics: the account's daily sums, per day and split value. */
  async accountDays(
    userId: string,
    range: { start: Day; end: Day },
    filters: RollupFilters,
    split: SplitColumn | null,
    columns: readonly MetricColumn[],
  ): Promise<DayGroup[]> {
    const rows = await this.rows(sql`
      select day, ${splitKey(split)} as split_key, ${sql.join(columns.map(sumOf))}
      from analytics_account_daily
      where user_id = ${userId} and day >= ${range.start} and day <= ${range.end}${and(filterConditions(filters))}
      group by day${split ? sql`, ${sql.ref(split)}` : sql``}`);
    return rows.map((row) => ({
      day: String(row.day),
      key: String(row.split_key),
      sums: sumsOf(row, columns),
    }));
  }

  /** The first day the account has any roll-up row, or null. */
  async accountFirstDay(userId: string): Promise<Day | null> {
    const rows = await this.rows(
      sql`select min(day) as first_day from analytics_account_daily where user_id = ${userId}`,
    );
    const first = rows[0]?.first_day;
    return typeof first === 'string' ? first : null;
  }

  /**
   * pins/analytics and multi_pins/analytics: the owner's own (YOUR_PINS) daily sums for these
   * pins, per pin, day and (when split by app type) app type.
   */
  async pinDays(
    ownerId: string,
    pinIds: readonly string[],
    range: { start: Day; end: Day },
    appTypes: readonly string[] | undefined,
    splitByAppType: boolean,
    columns: readonly MetricColumn[],
  ): Promise<PinDayGroup[]> {
    const filters = filterConditions({ appTypes, sources: ['YOUR_PINS'] });
    const rows = await this.rows(sql`
      select pin_id, day, ${splitKey(splitByAppType ? 'app_type' : null)} as split_key, ${sql.join(columns.map(sumOf))}
      from analytics_account_pin_daily
      where user_id = ${ownerId} and pin_id in (${sql.join(pinIds)})
        and day >= ${range.start} and day <= ${range.end}${and(filters)}
      group by pin_id, day${splitByAppType ? sql`, app_type` : sql``}`);
    return rows.map((row) => ({
      pinId: idOf(row.pin_id),
      day: String(row.day),
      key: String(row.split_key),
      sums: sumsOf(row, columns),
    }));
  }

  /** Lifetime sums of the owner's own rows for these pins, per pin and app type, with the first day. */
  async pinLifetimeByAppType(
    ownerId: string,
    pinIds: readonly string[],
    columns: readonly MetricColumn[],
  ): Promise<PinTotals[]> {
    const rows = await this.rows(sql`
      select pin_id, app_type, min(day) as first_day${columns.length > 0 ? sql`, ${sql.join(columns.map(sumOf))}` : sql``}
      from analytics_account_pin_daily
      where user_id = ${ownerId} and pin_id in (${sql.join(pinIds)}) and source = 'YOUR_PINS'
      group by pin_id, app_type`);
    return rows.map((row) => ({
      pinId: idOf(row.pin_id),
      appType: String(row.app_type),
      firstDay: String(row.first_day),
      sums: sumsOf(row, columns),
    }));
  }

  /**
   * pin_metrics: per pin, the owner's own sums since `recentSince` and over its lifetime, in
   * one pass over the pins' rows.
   */
  async pinMetricTotals(
    ownerId: string,
    pinIds: readonly string[],
    recentSince: Day,
    columns: readonly MetricColumn[],
  ): Promise<PinMetricTotals[]> {
    if (pinIds.length === 0) return [];
    const recent = columns.map(
      (c) =>
        sql`sum(case when day >= ${recentSince} then ${sql.ref(c)} else 0 end) as ${sql.ref(`recent_${c}`)}`,
    );
    const rows = await this.rows(sql`
      select pin_id, ${sql.join([...recent, ...columns.map(sumOf)])}
      from analytics_account_pin_daily
      where user_id = ${ownerId} and pin_id in (${sql.join(pinIds)}) and source = 'YOUR_PINS'
      group by pin_id`);
    return rows.map((row) => ({
      pinId: idOf(row.pin_id),
      recent: sumsOf(row, columns, 'recent_'),
      lifetime: sumsOf(row, columns),
    }));
  }

  /**
   * top_pins and top_video_pins: sums per pin over the range, largest `sortBy` first, ties by
   * pin id, among pins the viewer may see.
   *
   * A pin's sum over any range is at most its lifetime total (analytics_account_pin_totals),
   * so pins are read in steps from the largest total down (threshold algorithm): each step's
   * range sums are computed, and the walk stops once the next pin's total cannot reach the
   * current last place. Each step reads one pin more than it sums, so the walk usually ends
   * without another query. Steps start small (twice the pins asked for) and grow 4× (up to
   * `topPinsChunk`): on real data (a long tail) a few dozen pins are read, not every pin's every
   * day. An average (sum over another sum) has no such bound: it is computed over all.
   */
  async topPins(query: TopPinQuery): Promise<TopPinRow[]> {
    if (query.sortBy.dividedBy) return this.topPinsAmong(query, null);
    const bound = sql.join(
      query.sortBy.sumOf.map((c) => sql.ref(c)),
      sql` + `,
    );
    const best: Array<TopPinRow & { value: number }> = [];
    const lastPlace = () => (best.length >= query.limit ? best[query.limit - 1]!.value : null);
    const maxStep = Math.max(1, this.options.topPinsChunk);
    let step = Math.min(maxStep, Math.max(TOP_PINS_FIRST_STEP, 2 * query.limit));
    let after: { bound: number; pinId: string } | null = null;
    for (;;) {
      const read = await this.rows(sql`
        select pin_id, (${bound}) as bound
        from analytics_account_pin_totals
        where user_id = ${query.userId}${
          after
            ? sql` and ((${bound}) < ${after.bound} or ((${bound}) = ${after.bound} and pin_id > ${after.pinId}))`
            : sql``
        }
        order by bound desc, pin_id asc
        limit ${step + 1}`);
      const candidates = read.slice(0, step);
      if (candidates.length === 0) break;
      const highest = Number(candidates[0]!.bound);
      const last = lastPlace();
      // Every pin left sums to at most `highest`: below last place, none can enter (a tie still might, by pin id).
      if (last !== null && highest < last) break;
      if (highest === 0) {
        // Only pins without any count of this metric remain: their order is by pin id alone.
        const zeros = await this.topPinsAmong(
          query,
          null,
          best.map((b) => b.pinId),
        );
        for (const row of zeros) best.push({ ...row, value: sortValueOf(row, query.sortBy) });
        break;
      }
      const ids = candidates.map((c) => idOf(c.pin_id));
      for (const row of await this.topPinsAmong(query, ids)) {
        best.push({ ...row, value: sortValueOf(row, query.sortBy) });
      }
      best.sort((a, b) => b.value - a.value || compareIds(a.pinId, b.pinId));
      best.length = Math.min(best.length, query.limit);
      const next = read[step];
      if (!next) break;
      const nextLast = lastPlace();
      if (nextLast !== null && Number(next.bound) < nextLast) break;
      const tail = candidates[candidates.length - 1]!;
      after = { bound: Number(tail.bound), pinId: idOf(tail.pin_id) };
      step = Math.min(maxStep, step * 4);
    }
    best.sort((a, b) => b.value - a.value || compareIds(a.pinId, b.pinId));
    return best.slice(0, query.limit).map(({ pinId, sums }) => ({ pinId, sums }));
  }

  /**
   * Range sums of the pins among `pinIds` (all pins when null, except `excluded`), visible and
   * created recently enough, best first. Pins are summed first and joined to pins and boards
   * after, so the visibility rule costs one lookup per pin, not per roll-up row.
   */
  private async topPinsAmong(
    query: TopPinQuery,
    pinIds: readonly string[] | null,
    excluded: readonly string[] = [],
  ): Promise<TopPinRow[]> {
    const { columns } = query;
    const rows = await this.rows(sql`
      select totals.pin_id, ${sql.join(columns.map((c) => sql.ref(`totals.${c}`)))}
      from ${pinIds ? this.rangeSumsOf(query, pinIds) : this.rangeSumsOfAll(query, excluded)} totals
      join pins p on p.id = totals.pin_id
      join boards b on b.id = p.board_id
      where ${visibleBoardCondition('b', query.visible, 'p')}${query.createdSince ? sql` and p.created_at >= ${query.createdSince}` : sql``}
      order by ${sortExpression(query.sortBy)} desc, totals.pin_id asc
      limit ${query.limit}`);
    return rows.map((row) => ({ pinId: idOf(row.pin_id), sums: sumsOf(row, columns) }));
  }

  /** Range sums of every pin with rows in the range (but `excluded`), one row per pin. */
  private rangeSumsOfAll(query: TopPinQuery, excluded: readonly string[]) {
    const except = excluded.length > 0 ? sql` and pin_id not in (${sql.join(excluded)})` : sql``;
    return sql`(
        select pin_id, ${sql.join(query.columns.map(sumOf))}
        from analytics_account_pin_daily
        where user_id = ${query.userId} and day >= ${query.start} and day <= ${query.end}${except}${and(filterConditions(query.filters))}
        group by pin_id
      )`;
  }

  /**
   * Range sums of a few pins with rows in the range, one row per pin. On PostgreSQL each pin is
   * one probe of the primary key (user_id, pin_id, day, …) through a lateral join: a plain
   * `pin_id in (…)` lets the planner pick the (user_id, day) index and filter every row of the
   * range when its statistics lag behind ingestion (as right after a bulk load). SQLite's
   * planner probes the primary key per listed pin already.
   */
  private rangeSumsOf(query: TopPinQuery, pinIds: readonly string[]) {
    const conditions = and(filterConditions(query.filters));
    if (this.handle.dialect === 'postgres') {
      return sql`(
        select c.pin_id, ${sql.join(query.columns.map((col) => sql.ref(`s.${col}`)))}
        from unnest(cast(${`{${pinIds.join(',')}}`} as bigint[])) as c(pin_id)
        cross join lateral (
          select count(*) as n, ${sql.join(query.columns.map(sumOf))}
          from analytics_account_pin_daily d
          where d.user_id = ${query.userId} and d.pin_id = c.pin_id
            and d.day >= ${query.start} and d.day <= ${query.end}${conditions}
        ) s
        where s.n > 0
      )`;
    }
    return sql`(
        select pin_id, ${sql.join(query.columns.map(sumOf))}
        from analytics_account_pin_daily
        where user_id = ${query.userId} and pin_id in (${sql.join(pinIds)})
          and day >= ${query.start} and day <= ${query.end}${conditions}
        group by pin_id
      )`;
  }
}

/** The value a pin is ranked by (sums only: averages are ranked in SQL). */
function sortValueOf(row: TopPinRow, key: SortKey): number {
  let total = 0;
  for (const column of key.sumOf) total += row.sums[column] ?? 0;
  return total;
}

/** Decimal id strings in numeric order. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The bare SQL behind user_account/analytics with 90 days and every metric (no split, no
 * filter), for the benchmark to compare the endpoint with: the same statement the repo runs.
 */
export function bareAccountAnalyticsQuery(userId: string, start: Day, end: Day) {
  const columns: MetricColumn[] = [
    'impression',
    'pin_click',
    'outbound_click',
    'save',
    'comment',
    'reaction',
  ];
  return sql`
      select day, '' as split_key, ${sql.join(columns.map(sumOf))}
      from analytics_account_daily
      where user_id = ${userId} and day >= ${start} and day <= ${end}
      group by day`;
}

/**
 * The bare SQL behind top_pins sorted by impressions (every metric, no filter), without the
 * visibility join: the aggregate and sort the endpoint cannot avoid.
 */
export function bareTopPinsQuery(userId: string, start: Day, end: Day, limit: number) {
  const columns: MetricColumn[] = [
    'impression',
    'pin_click',
    'outbound_click',
    'save',
    'comment',
    'reaction',
  ];
  return sql`
      select pin_id, ${sql.join(columns.map(sumOf))}
      from analytics_account_pin_daily
      where user_id = ${userId} and day >= ${start} and day <= ${end}
      group by pin_id
      order by impression desc, pin_id asc
      limit ${limit}`;
}

/**
 * Runs one of the bare queries above the way the repo runs its own (SQLite's read-only
 * connection, or the pool), so the benchmark's ratio measures only what the endpoint adds.
 */
export async function runBareQuery(
  handle: Pick<DatabaseHandle, 'db' | 'fastReader'>,
  query: RawBuilder<unknown>,
): Promise<unknown[]> {
  if (handle.fastReader) {
    const compiled = query.compile(handle.db);
    return handle.fastReader.all(compiled.sql, compiled.parameters);
  }
  const result = await query.execute(handle.db);
  return result.rows;
}
