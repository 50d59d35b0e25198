import { apiGet } from './client';
import type { Pin } from './types';

/** How a metric's number reads: a whole count, a fraction of impressions, or milliseconds. */
export type MetricUnit = 'count' | 'ratio' | 'milliseconds';

export interface MetricDescription {
  type: string;
  unit: MetricUnit;
}

/** GET /api/analytics/definition: the page's choices and date rules, from the server. */
export interface AnalyticsDefinition {
  today: string;
  max_days_back: number;
  max_range_days: number;
  account_metrics: MetricDescription[];
  top_pins_sort_by: string[];
  top_video_pins_sort_by: string[];
  video_metrics: MetricDescription[];
  app_types: string[];
}

export interface DailyMetrics {
  data_status: string;
  date: string;
  metrics: Record<string, number>;
}

/** user_account/analytics' shape: groups by key ("all", or app types when split). */
export type AccountAnalytics = Record<
  string,
  { daily_metrics: DailyMetrics[]; summary_metrics: Record<string, number> }
>;

export interface TopPin {
  pin_id: string;
  metrics: Record<string, number>;
  data_status: Record<string, string>;
  pin: Pin | null;
}

export interface TopPins {
  pins: TopPin[];
  sort_by: string;
  date_availability: { is_realtime: boolean; latest_available_timestamp: number };
}

export interface RangeQuery {
  start: string;
  end: string;
}

const rangeParams = (range: RangeQuery) =>
  new URLSearchParams({ start_date: range.start, end_date: range.end });

export const fetchDefinition = () => apiGet<AnalyticsDefinition>('/api/analytics/definition');

export function fetchAccountAnalytics(
  range: RangeQuery,
  options: { split?: 'NO_SPLIT' | 'APP_TYPE'; metricTypes?: string[] } = {},
) {
  const params = rangeParams(range);
  params.set('split_field', options.split ?? 'NO_SPLIT');
  if (options.metricTypes?.length) params.set('metric_types', options.metricTypes.join(','));
  return apiGet<AccountAnalytics>(`/api/analytics/account?${params}`);
}

export function fetchTopPins(kind: 'top_pins' | 'top_video_pins', range: RangeQuery, sortBy: string) {
  const params = rangeParams(range);
  params.set('sort_by', sortBy);
  params.set('num_of_pins', '10');
  return apiGet<TopPins>(`/api/analytics/${kind}?${params}`);
}

/** Words for the spec's metric names (anything new reads as its name in lower case). */
const METRIC_WORDS: Record<string, string> = {
  IMPRESSION: 'Impressions',
  SAVE: 'Saves',
  PIN_CLICK: 'Pin clicks',
  OUTBOUND_CLICK: 'Outbound clicks',
  ENGAGEMENT: 'Engagements',
  ENGAGEMENT_RATE: 'Engagement rate',
  SAVE_RATE: 'Save rate',
  PIN_CLICK_RATE: 'Pin click rate',
  OUTBOUND_CLICK_RATE: 'Outbound click rate',
  VIDEO_START: 'Video starts',
  VIDEO_MRC_VIEW: 'Video views',
  VIDEO_10S_VIEW: '10-second views',
  QUARTILE_95_PERCENT_VIEW: '95% views',
  VIDEO_AVG_WATCH_TIME: 'Average watch time',
  VIDEO_V50_WATCH_TIME: 'Total watch time',
};

export function metricWords(type: string): string {
  if (METRIC_WORDS[type]) return METRIC_WORDS[type];
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });

/** A metric's value in words: "1,234", "12.5%", "8.2 s". */
export function formatMetric(value: number, unit: MetricUnit): string {
  if (unit === 'ratio') return PERCENT.format(value);
  if (unit === 'milliseconds') {
    const seconds = value / 1000;
    return seconds >= 3600
      ? `${(seconds / 3600).toFixed(1)} h`
      : seconds >= 60
        ? `${(seconds / 60).toFixed(1)} min`
        : `${Number(seconds.toFixed(1))} s`;
  }
  return COUNT.format(value);
}
