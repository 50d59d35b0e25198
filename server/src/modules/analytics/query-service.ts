import { ApiError, notFound } from '../../lib/errors.js';
import type { AccountsService } from '../accounts/service.js';
import type { AnalyticsIngestService } from './ingest-service.js';
import type { PinRow } from '../pins/repo.js';
import type { PinsService } from '../pins/service.js';
import { visibleBoardsFor, type Viewer } from '../visibility/policy.js';
import { addDays, checkDayRange, dayOf, daysFrom, type Day, type DayRange } from './dates.js';
import {
  ACCOUNT_METRIC_TYPES,
  METRIC_DEFINITIONS,
  VIDEO_METRIC_TYPES,
  addSums,
  columnsFor,
  countTypes,
  metricValues,
  type MetricColumn,
  type MetricSums,
  type MetricType,
} from './metric-types.js';
import type { AnalyticsQueryRepo, RollupFilters, SortKey, SplitColumn } from './query-repo.js';

/** The spec's enums for the dimensions (without ALL/BOTH). */
export const APP_TYPES = ['WEB', 'MOBILE', 'TABLET'] as const;
export const SOURCES = ['YOUR_PINS', 'OTHER_PINS'] as const;
export const ORGANIC_PIN_FORMATS = ['ORGANIC_IMAGE', 'ORGANIC_PRODUCT', 'ORGANIC_VIDEO'] as const;
export const PIN_FORMATS = [
  'ALL',
  ...ORGANIC_PIN_FORMATS,
  'ADS_STANDARD',
  'ADS_PRODUCT',
  'ADS_VIDEO',
  'ADS_IDEA',
] as const;

export type AppTypeFilter = 'ALL' | (typeof APP_TYPES)[number];
export type SourceFilter = 'ALL' | (typeof SOURCES)[number];
export type ClaimedFilter = 'BOTH' | 'CLAIMED' | 'OTHER';
export type PinFormatFilter = (typeof PIN_FORMATS)[number];
export type ContentTypeFilter = 'ALL' | 'PAID' | 'ORGANIC';
export type AccountSplitField = 'NO_SPLIT' | 'APP_TYPE' | 'OWNED_CONTENT' | 'SOURCE' | 'PIN_FORMAT';
export type PinSplitField = 'NO_SPLIT' | 'APP_TYPE';

/** The spec's DataStatus values a daily row can carry here. */
export type DataStatus = 'READY' | 'PROCESSING' | 'BEFORE_BUSINESS_CREATED' | 'BEFORE_PIN_CREATED';

/** The dimension filters user_account/analytics and the top pins operations share. */
export interface AccountFilterInput {
  fromClaimedContent: ClaimedFilter;
  pinFormat: PinFormatFilter;
  appTypes: AppTypeFilter;
  contentType: ContentTypeFilter;
  source: SourceFilter;
}

export interface AccountAnalyticsInput extends AccountFilterInput {
  startDate: string;
  endDate: string;
  /** Absent or empty: every metric of the operation. */
  metricTypes?: readonly MetricType[];
  splitField: AccountSplitField;
}

export interface PinAnalyticsInput {
  startDate: string;
  endDate: string;
  appTypes: AppTypeFilter;
  metricTypes: readonly MetricType[];
  splitField: PinSplitField;
}

export interface TopPinsInput extends AccountFilterInput {
  startDate: string;
  endDate: string;
  sortBy: MetricType;
  metricTypes?: readonly MetricType[];
  numOfPins: number;
  createdInLastNDays?: number;
}

export interface DailyMetrics {
  date: Day;
  dataStatus: DataStatus;
  metrics: Record<string, number>;
}

/** One group of a response: its days and the totals over the range. */
export interface MetricsGroup {
  daily: DailyMetrics[];
  summary: Record<string, number>;
}

export interface PinMetricsGroup extends MetricsGroup {
  lifetime: Record<string, number>;
}

/** user_account/analytics: groups by key ("all", or the split's values). */
export type AccountAnalytics = Map<string, MetricsGroup>;
/** pins/analytics: groups by key ("all", or app types). */
export type PinAnalytics = Map<string, PinMetricsGroup>;

export interface TopPins {
  sortBy: MetricType;
  /** Roll-ups are updated as events arrive: data is available up to this moment. */
  latestAvailableMs: number;
  pins: Array<{ pinId: string; metrics: Record<string, number>; dataStatus: Record<string, DataStatus> }>;
}

/** pin_metrics of pins/get and pins/list, before the presenter names its fields. */
export interface PinMetricsTotals {
  recent: MetricSums;
  lifetime: MetricSums;
}

/** Key of the unsplit group, as Pinterest's clients read it. */
export const UNSPLIT_KEY = 'all';
/** How many days pin_metrics' "90d" covers, today included. */
export const PIN_METRICS_RECENT_DAYS = 90;
/** The roll-up columns pin_metrics reports (presenter.ts names them). */
export const PIN_METRICS_COLUMNS: readonly MetricColumn[] = [
  'impression',
  'pin_click',
  'outbound_click',
  'reaction',
  'comment',
];
/** Top pins: at most this many (the spec's "limited to the top 50"). */
export const TOP_PINS_MAX = 50;

/** What each operation answers when the caller's account is not a business account. */
const NOT_BUSINESS_HINT = ' Analytics are for business accounts: convert the account to a business account.';
export const ANALYTICS_REFUSALS = {
  account: () =>
    new ApiError(403, 403, `Not authorized to access the user account analytics.${NOT_BUSINESS_HINT}`),
  pin: () => new ApiError(403, 403, `Not authorized to access board or Pin.${NOT_BUSINESS_HINT}`),
  multiPin: () => new ApiError(401, 7, `Not authorized to access board or Pin.${NOT_BUSINESS_HINT}`),
};
const PIN_NOT_FOUND = {
  pin: () => notFound('Pin not found.', 404),
  multiPin: () => notFound('Pin not found.', 50),
};

/** Which roll-up rows a set of account filters selects; null when it selects none (paid, ads). */
function rollupFilters(input: AccountFilterInput): RollupFilters | null {
  if (input.contentType === 'PAID' || input.pinFormat.startsWith('ADS_')) return null;
  return {
    ...(input.appTypes !== 'ALL' ? { appTypes: [input.appTypes] } : {}),
    ...(input.source !== 'ALL' ? { sources: [input.source] } : {}),
    ...(input.fromClaimedContent !== 'BOTH'
      ? { claimed: input.fromClaimedContent === 'CLAIMED' ? 1 : 0 }
      : {}),
    ...(input.pinFormat !== 'ALL' ? { pinFormats: [input.pinFormat] } : {}),
  };
}

interface SplitPlan {
  column: SplitColumn | null;
  /** Response keys, in order. */
  keys: string[];
  /** Roll-up value of the split column (as text) → response key. */
  keyOf(value: string): string | undefined;
}

const CLAIMED_KEYS: Record<string, string> = { '1': 'CLAIMED', '0': 'OTHER' };

/** The groups a split makes: the split's values the filters leave (all of them when unfiltered). */
function accountSplitPlan(split: AccountSplitField, input: AccountFilterInput): SplitPlan {
  const identity = (keys: string[]) => (value: string) => (keys.includes(value) ? value : undefined);
  switch (split) {
    case 'NO_SPLIT':
      return { column: null, keys: [UNSPLIT_KEY], keyOf: () => UNSPLIT_KEY };
    case 'APP_TYPE': {
      const keys = input.appTypes === 'ALL' ? [...APP_TYPES] : [input.appTypes];
      return { column: 'app_type', keys, keyOf: identity(keys) };
    }
    case 'SOURCE': {
      const keys = input.source === 'ALL' ? [...SOURCES] : [input.source];
      return { column: 'source', keys, keyOf: identity(keys) };
    }
    case 'OWNED_CONTENT': {
      const keys = input.fromClaimedContent === 'BOTH' ? ['CLAIMED', 'OTHER'] : [input.fromClaimedContent];
      return { column: 'claimed', keys, keyOf: (value) => CLAIMED_KEYS[value] };
    }
    case 'PIN_FORMAT': {
      // Account events without a pin (profile visits, follows) have no format: in no group.
      const keys = input.pinFormat === 'ALL' ? [...ORGANIC_PIN_FORMATS] : [input.pinFormat];
      return { column: 'pin_format', keys, keyOf: identity(keys) };
    }
  }
}

function statusOf(day: Day, range: DayRange, existsFrom: Day, before: DataStatus): DataStatus {
  if (day > range.today) return 'PROCESSING';
  if (day < existsFrom) return before;
  return 'READY';
}

/** Builds each group's days (every day of the range, in order) and totals from per-day sums. */
function buildGroups(
  keys: readonly string[],
  days: readonly Day[],
  sumsByKeyDay: Map<string, MetricSums>,
  statusOfDay: (day: Day) => DataStatus,
  types: readonly MetricType[],
): Map<string, MetricsGroup> {
  const groups = new Map<string, MetricsGroup>();
  for (const key of keys) {
    const total: MetricSums = {};
    const daily = days.map((day) => {
      const sums = sumsByKeyDay.get(`${key}|${day}`) ?? {};
      addSums(total, sums);
      return { date: day, dataStatus: statusOfDay(day), metrics: metricValues(types, sums) };
    });
    groups.set(key, { daily, summary: metricValues(types, total) });
  }
  return groups;
}

/** Unique metric types in the order asked, or the operation's default set. */
function metricTypesOf(
  asked: readonly MetricType[] | undefined,
  defaults: readonly MetricType[],
): MetricType[] {
  return asked && asked.length > 0 ? [...new Set(asked)] : [...defaults];
}

/** A metric as a sort key for the repo: a sum of columns, or the average watch time. */
function sortKeyOf(type: MetricType): SortKey {
  if (type === 'VIDEO_AVG_WATCH_TIME') return { sumOf: ['video_watch_time_ms'], dividedBy: 'video_start' };
  const definition = METRIC_DEFINITIONS[type];
  if (!definition.isCount) throw new Error(`${type} is not a sortable count`);
  return { sumOf: definition.columns };
}

/**
 * Analytics reads: the rules of user_account/analytics, top pins, pins/analytics,
 * multi_pins/analytics and pin_metrics. Who may read (a business account, its own pins, the
 * one visibility rule), which roll-up rows a request selects, which groups a split makes,
 * each day's data_status, and rates computed from the summed counts.
 */
export class AnalyticsQueryService {
  constructor(
    private readonly deps: {
      repo: AnalyticsQueryRepo;
      accounts: Pick<AccountsService, 'getById'>;
      pins: Pick<PinsService, 'get' | 'getMany'>;
      /**
       * This process's ingestion: live events (beacon, /r/ redirect, saves) wait in its buffer
       * until the next flush; a read writes them first, so it answers with every event accepted
       * before it began (see caughtUp).
       */
      ingest?: Pick<AnalyticsIngestService, 'flush'>;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  /**
   * Writes what this process's ingestion has queued (and waits for a write in progress), so an
   * analytics answer includes every event the server accepted before the request: a visit
   * followed by the owner opening the analytics page shows on that first load, not after the
   * next flush (the page does not ask again on its own). Nothing new is written on the read
   * path: the same batch would be written by the flush timer within ANALYTICS_FLUSH_MS. Never
   * fails the read (a failed write keeps its events for the next flush). Events queued by other
   * server processes are written by their own timers.
   */
  private async caughtUp(): Promise<void> {
    await this.deps.ingest?.flush();
  }

  /** Today (UTC) as the date rules see it (the sandbox clock may set it). */
  today(): Day {
    return dayOf(this.now());
  }

  /** The caller's account when it is a business account; otherwise the operation's refusal. */
  private async businessAccount(viewer: Viewer, refusal: () => ApiError) {
    const user = await this.deps.accounts.getById(viewer.userId);
    if (!user || user.accountType !== 'BUSINESS') throw refusal();
    return user;
  }

  /** user_account/analytics, read from the account's daily roll-up. */
  async accountAnalytics(viewer: Viewer, input: AccountAnalyticsInput): Promise<AccountAnalytics> {
    const user = await this.businessAccount(viewer, ANALYTICS_REFUSALS.account);
    await this.caughtUp();
    const range = checkDayRange(input.startDate, input.endDate, this.now());
    const types = metricTypesOf(input.metricTypes, ACCOUNT_METRIC_TYPES);
    const plan = accountSplitPlan(input.splitField, input);
    const filters = rollupFilters(input);
    const sumsByKeyDay = new Map<string, MetricSums>();
    let firstDataDay: Day | null = null;
    if (filters) {
      const [groups, first] = await Promise.all([
        this.deps.repo.accountDays(user.id, range, filters, plan.column, columnsFor(types)),
        this.deps.repo.accountFirstDay(user.id),
      ]);
      firstDataDay = first;
      for (const group of groups) {
        const key = plan.keyOf(group.key);
        if (key === undefined) continue;
        const at = `${key}|${group.day}`;
        sumsByKeyDay.set(at, addSums(sumsByKeyDay.get(at) ?? {}, group.sums));
      }
    } else {
      firstDataDay = await this.deps.repo.accountFirstDay(user.id);
    }
    const existsFrom = earliest(dayOf(new Date(user.createdAt)), firstDataDay);
    const days = daysFrom(range.start, range.end);
    const groups = buildGroups(
      plan.keys,
      days,
      sumsByKeyDay,
      (day) => statusOf(day, range, existsFrom, 'BEFORE_BUSINESS_CREATED'),
      types,
    );
    return groups;
  }

  /** pins/analytics: one of the caller's own pins. */
  async pinAnalytics(viewer: Viewer, pinId: string, input: PinAnalyticsInput): Promise<PinAnalytics> {
    await this.businessAccount(viewer, ANALYTICS_REFUSALS.pin);
    const range = checkDayRange(input.startDate, input.endDate, this.now());
    const pin = await this.ownPin(viewer, pinId, PIN_NOT_FOUND.pin);
    await this.caughtUp();
    const results = await this.pinsAnalytics(viewer, [pin], range, input);
    return results.get(pin.id)!;
  }

  /** multi_pins/analytics: 1 to 100 of the caller's own pins, by pin id. */
  async multiPinAnalytics(
    viewer: Viewer,
    pinIds: readonly string[],
    input: Omit<PinAnalyticsInput, 'splitField'>,
  ): Promise<Map<string, PinAnalytics>> {
    await this.businessAccount(viewer, ANALYTICS_REFUSALS.multiPin);
    const range = checkDayRange(input.startDate, input.endDate, this.now());
    // One read for every id; each pin still under the one visibility rule and owned by the caller.
    const pins = await this.deps.pins.getMany(
      viewer,
      [...new Set(pinIds)],
      PIN_NOT_FOUND.multiPin,
      (pin) => pin.ownerId === viewer.userId,
    );
    await this.caughtUp();
    return this.pinsAnalytics(viewer, pins, range, { ...input, splitField: 'NO_SPLIT' });
  }

  /** A pin the viewer may see (the one visibility rule) and owns; anything else is not found. */
  private async ownPin(viewer: Viewer, pinId: string, notFoundError: () => ApiError): Promise<PinRow> {
    const pin = await this.deps.pins.get(viewer, pinId, notFoundError);
    if (pin.ownerId !== viewer.userId) throw notFoundError();
    return pin;
  }

  private async pinsAnalytics(
    viewer: Viewer,
    pins: readonly PinRow[],
    range: DayRange,
    input: PinAnalyticsInput,
  ): Promise<Map<string, PinAnalytics>> {
    const types = metricTypesOf(input.metricTypes, []);
    const lifetimeTypes = countTypes(types);
    const splitByAppType = input.splitField === 'APP_TYPE';
    const keys = splitByAppType
      ? input.appTypes === 'ALL'
        ? [...APP_TYPES]
        : [input.appTypes]
      : [UNSPLIT_KEY];
    const appTypes: string[] | undefined = input.appTypes === 'ALL' ? undefined : [input.appTypes];
    const pinIds = pins.map((p) => p.id);
    const [dayGroups, lifetimeRows] = await Promise.all([
      this.deps.repo.pinDays(viewer.userId, pinIds, range, appTypes, splitByAppType, columnsFor(types)),
      this.deps.repo.pinLifetimeByAppType(viewer.userId, pinIds, columnsFor(lifetimeTypes)),
    ]);
    const days = daysFrom(range.start, range.end);
    const results = new Map<string, PinAnalytics>();
    for (const pin of pins) {
      const sumsByKeyDay = new Map<string, MetricSums>();
      for (const group of dayGroups) {
        if (group.pinId !== pin.id) continue;
        sumsByKeyDay.set(`${splitByAppType ? group.key : UNSPLIT_KEY}|${group.day}`, group.sums);
      }
      const lifetimeByKey = new Map<string, MetricSums>();
      let firstDataDay: Day | null = null;
      for (const row of lifetimeRows) {
        if (row.pinId !== pin.id) continue;
        firstDataDay = earliest(row.firstDay, firstDataDay);
        if (appTypes && !appTypes.includes(row.appType)) continue;
        const key = splitByAppType ? row.appType : UNSPLIT_KEY;
        lifetimeByKey.set(key, addSums(lifetimeByKey.get(key) ?? {}, row.sums));
      }
      const existsFrom = earliest(dayOf(new Date(pin.createdAt)), firstDataDay);
      const groups = buildGroups(
        keys,
        days,
        sumsByKeyDay,
        (day) => statusOf(day, range, existsFrom, 'BEFORE_PIN_CREATED'),
        types,
      );
      const analytics: PinAnalytics = new Map();
      for (const [key, group] of groups) {
        analytics.set(key, { ...group, lifetime: metricValues(lifetimeTypes, lifetimeByKey.get(key) ?? {}) });
      }
      results.set(pin.id, analytics);
    }
    return results;
  }

  /** user_account/analytics/top_pins. */
  async topPins(viewer: Viewer, input: TopPinsInput): Promise<TopPins> {
    return this.top(viewer, input, ACCOUNT_METRIC_TYPES, null);
  }

  /** user_account/analytics/top_video_pins: only video pins, with the video metric set. */
  async topVideoPins(viewer: Viewer, input: TopPinsInput): Promise<TopPins> {
    return this.top(viewer, input, VIDEO_METRIC_TYPES, 'ORGANIC_VIDEO');
  }

  private async top(
    viewer: Viewer,
    input: TopPinsInput,
    defaultTypes: readonly MetricType[],
    onlyFormat: 'ORGANIC_VIDEO' | null,
  ): Promise<TopPins> {
    await this.businessAccount(viewer, ANALYTICS_REFUSALS.account);
    const now = this.now();
    const range = checkDayRange(input.startDate, input.endDate, now);
    const types = metricTypesOf(input.metricTypes, defaultTypes);
    let filters = rollupFilters(input);
    if (filters && onlyFormat) {
      const formats = filters.pinFormats ?? [onlyFormat];
      filters = formats.includes(onlyFormat) ? { ...filters, pinFormats: [onlyFormat] } : null;
    }
    const sortKey = sortKeyOf(input.sortBy);
    await this.caughtUp();
    const columns: MetricColumn[] = [
      ...new Set([...columnsFor(types), ...sortKey.sumOf, ...(sortKey.dividedBy ? [sortKey.dividedBy] : [])]),
    ];
    const rows = filters
      ? await this.deps.repo.topPins({
          userId: viewer.userId,
          start: range.start,
          end: range.end,
          filters,
          columns,
          sortBy: sortKey,
          limit: Math.min(input.numOfPins, TOP_PINS_MAX),
          createdSince:
            input.createdInLastNDays !== undefined
              ? new Date(now.getTime() - input.createdInLastNDays * 86_400_000).toISOString()
              : undefined,
          visible: visibleBoardsFor(viewer, 'pin'),
        })
      : [];
    return {
      sortBy: input.sortBy,
      latestAvailableMs: now.getTime(),
      pins: rows.map((row) => ({
        pinId: row.pinId,
        metrics: metricValues(types, row.sums),
        dataStatus: Object.fromEntries(types.map((type) => [type, 'READY' as const])),
      })),
    };
  }

  /**
   * pin_metrics for pins/get and pins/list: the owner's sums over the last 90 days (today
   * included) and over each pin's lifetime. Null for pins the caller does not own, and for
   * every pin when the caller's account is not a business account.
   */
  async pinMetrics(
    viewer: Viewer,
    pins: readonly Pick<PinRow, 'id' | 'ownerId'>[],
  ): Promise<Map<string, PinMetricsTotals | null>> {
    const result = new Map<string, PinMetricsTotals | null>(pins.map((p) => [p.id, null]));
    const own = pins.filter((p) => p.ownerId === viewer.userId).map((p) => p.id);
    if (own.length === 0) return result;
    const user = await this.deps.accounts.getById(viewer.userId);
    if (!user || user.accountType !== 'BUSINESS') return result;
    const since = addDays(dayOf(this.now()), -(PIN_METRICS_RECENT_DAYS - 1));
    const totals = await this.deps.repo.pinMetricTotals(viewer.userId, own, since, PIN_METRICS_COLUMNS);
    for (const id of own) result.set(id, { recent: {}, lifetime: {} });
    for (const row of totals) result.set(row.pinId, { recent: row.recent, lifetime: row.lifetime });
    return result;
  }
}

function earliest(day: Day, other: Day | null): Day {
  return other !== null && other < day ? other : day;
}
