import type { METRIC_COLUMNS } from '../../db/migrations/0003_analytics.js';

/** One roll-up column: a plain daily sum (see migrations/0003_analytics.ts). */
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** Sums of some roll-up columns over a group of rows (absent columns count as 0). */
export type MetricSums = Partial<Record<MetricColumn, number>>;

interface MetricDefinition {
  /** The roll-up columns the value is computed from. */
  columns: readonly MetricColumn[];
  value(sums: MetricSums): number;
  /** A count (an integer, summable); rates and averages are not. */
  isCount: boolean;
}

const get = (sums: MetricSums, column: MetricColumn) => sums[column] ?? 0;
/** Rates and averages of nothing are 0, not NaN. */
const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

const count = (column: MetricColumn): MetricDefinition => ({
  columns: [column],
  value: (sums) => get(sums, column),
  isCount: true,
});

/** Engagement as Pinterest counts it: every interaction with the pin after seeing it. */
const ENGAGEMENT_COLUMNS = ['pin_click', 'outbound_click', 'save', 'comment', 'reaction'] as const;
const engagementOf = (sums: MetricSums) =>
  ENGAGEMENT_COLUMNS.reduce((total, column) => total + get(sums, column), 0);

const rateOfImpressions = (columns: readonly MetricColumn[], part: (sums: MetricSums) => number) => ({
  columns: [...columns, 'impression'] as MetricColumn[],
  value: (sums: MetricSums) => ratio(part(sums), get(sums, 'impression')),
  isCount: false,
});

/**
 * Every metric type the analytics operations accept, computed from the roll-up's sums:
 * counts are sums of one column, rates are those counts over impressions, and the average
 * watch time is total watch time over video starts (milliseconds).
 */
export const METRIC_DEFINITIONS = {
  IMPRESSION: count('impression'),
  PIN_CLICK: count('pin_click'),
  OUTBOUND_CLICK: count('outbound_click'),
  SAVE: count('save'),
  TOTAL_COMMENTS: count('comment'),
  TOTAL_REACTIONS: count('reaction'),
  PROFILE_VISIT: count('profile_visit'),
  USER_FOLLOW: count('user_follow'),
  VIDEO_START: count('video_start'),
  VIDEO_10S_VIEW: count('video_10s_view'),
  VIDEO_MRC_VIEW: count('video_mrc_view'),
  QUARTILE_95_PERCENT_VIEW: count('video_q95_view'),
  VIDEO_V50_WATCH_TIME: count('video_v50_watch_time_ms'),
  ENGAGEMENT: { columns: ENGAGEMENT_COLUMNS, value: engagementOf, isCount: true },
  SAVE_RATE: rateOfImpressions(['save'], (s) => get(s, 'save')),
  PIN_CLICK_RATE: rateOfImpressions(['pin_click'], (s) => get(s, 'pin_click')),
  OUTBOUND_CLICK_RATE: rateOfImpressions(['outbound_click'], (s) => get(s, 'outbound_click')),
  ENGAGEMENT_RATE: rateOfImpressions(ENGAGEMENT_COLUMNS, engagementOf),
  VIDEO_AVG_WATCH_TIME: {
    columns: ['video_watch_time_ms', 'video_start'],
    value: (sums) => ratio(get(sums, 'video_watch_time_ms'), get(sums, 'video_start')),
    isCount: false,
  },
} satisfies Record<string, MetricDefinition>;

export type MetricType = keyof typeof METRIC_DEFINITIONS;

/** user_account/analytics and top_pins (query_metric_types): also their default, all of them. */
export const ACCOUNT_METRIC_TYPES = [
  'ENGAGEMENT',
  'ENGAGEMENT_RATE',
  'IMPRESSION',
  'OUTBOUND_CLICK',
  'OUTBOUND_CLICK_RATE',
  'PIN_CLICK',
  'PIN_CLICK_RATE',
  'SAVE',
  'SAVE_RATE',
] as const satisfies readonly MetricType[];

/** pins/analytics and multi_pins/analytics: the standard and the video pin metric types. */
export const PIN_METRIC_TYPES = [
  'IMPRESSION',
  'OUTBOUND_CLICK',
  'PIN_CLICK',
  'SAVE',
  'SAVE_RATE',
  'TOTAL_COMMENTS',
  'TOTAL_REACTIONS',
  'USER_FOLLOW',
  'PROFILE_VISIT',
  'VIDEO_MRC_VIEW',
  'VIDEO_10S_VIEW',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_V50_WATCH_TIME',
  'VIDEO_START',
  'VIDEO_AVG_WATCH_TIME',
] as const satisfies readonly MetricType[];

/** top_video_pins (query_video_pin_metric_types): also its default. */
export const VIDEO_METRIC_TYPES = [
  'IMPRESSION',
  'SAVE',
  'VIDEO_MRC_VIEW',
  'VIDEO_AVG_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_10S_VIEW',
  'VIDEO_START',
  'OUTBOUND_CLICK',
] as const satisfies readonly MetricType[];

/** top_pins sort_by (query_sort_by). */
export const TOP_PINS_SORT_BY = [
  'ENGAGEMENT',
  'IMPRESSION',
  'OUTBOUND_CLICK',
  'PIN_CLICK',
  'SAVE',
] as const satisfies readonly MetricType[];

/** top_video_pins sort_by (query_video_pin_sort_by). */
export const TOP_VIDEO_PINS_SORT_BY = [
  'IMPRESSION',
  'SAVE',
  'OUTBOUND_CLICK',
  'VIDEO_MRC_VIEW',
  'VIDEO_AVG_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_10S_VIEW',
  'VIDEO_START',
] as const satisfies readonly MetricType[];

/** The roll-up columns the given metric types need, each once. */
export function columnsFor(metricTypes: readonly MetricType[]): MetricColumn[] {
  return [...new Set(metricTypes.flatMap((type) => METRIC_DEFINITIONS[type].columns))];
}

/** `{ METRIC_TYPE: value }` for the given types, in their order. */
export function metricValues(metricTypes: readonly MetricType[], sums: MetricSums): Record<string, number> {
  return Object.fromEntries(metricTypes.map((type) => [type, METRIC_DEFINITIONS[type].value(sums)]));
}

/** Only the count metrics (lifetime_metrics holds integers). */
export function countTypes(metricTypes: readonly MetricType[]): MetricType[] {
  return metricTypes.filter((type) => METRIC_DEFINITIONS[type].isCount);
}

export function addSums(into: MetricSums, more: MetricSums): MetricSums {
  for (const [column, value] of Object.entries(more) as Array<[MetricColumn, number]>) {
    into[column] = (into[column] ?? 0) + value;
  }
  return into;
}
