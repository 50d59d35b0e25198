import type { MetricColumn, MetricSums } from './metric-types.js';
import type {
  AccountAnalytics,
  DailyMetrics,
  PinAnalytics,
  PinMetricsTotals,
  TopPins,
} from './query-service.js';

function presentDaily(daily: readonly DailyMetrics[]) {
  return daily.map((day) => ({ data_status: day.dataStatus, date: day.date, metrics: day.metrics }));
}

/** Pinterest's `AnalyticsResponse`: one AnalyticsMetricsResponse per group key. */
export function presentAccountAnalytics(analytics: AccountAnalytics) {
  return Object.fromEntries(
    [...analytics].map(([key, group]) => [
      key,
      { daily_metrics: presentDaily(group.daily), summary_metrics: group.summary },
    ]),
  );
}

/** Pinterest's `PinAnalyticsResponse`: one PinAnalyticsMetricsResponse per group key. */
export function presentPinAnalytics(analytics: PinAnalytics) {
  return Object.fromEntries(
    [...analytics].map(([key, group]) => [
      key,
      {
        daily_metrics: presentDaily(group.daily),
        lifetime_metrics: group.lifetime,
        summary_metrics: group.summary,
      },
    ]),
  );
}

/** Pinterest's `BulkPinAnalyticsResponse`: a PinAnalyticsResponse per pin id. */
export function presentMultiPinAnalytics(byPin: Map<string, PinAnalytics>) {
  return Object.fromEntries([...byPin].map(([pinId, analytics]) => [pinId, presentPinAnalytics(analytics)]));
}

/** Pinterest's `TopPinsAnalyticsResponse` and `TopVideoPinsAnalyticsResponse`. */
export function presentTopPins(top: TopPins) {
  return {
    date_availability: { is_realtime: true, latest_available_timestamp: top.latestAvailableMs },
    pins: top.pins.map((pin) => ({ data_status: pin.dataStatus, metrics: pin.metrics, pin_id: pin.pinId })),
    sort_by: top.sortBy,
  };
}

/** `pin_metrics` field names (the spec's example) and the roll-up column each reads. */
const RECENT_FIELDS = {
  pin_click: 'pin_click',
  impression: 'impression',
  clickthrough: 'outbound_click',
} as const;
const LIFETIME_FIELDS = { ...RECENT_FIELDS, reaction: 'reaction', comment: 'comment' } as const;

/** The roll-up columns pin_metrics reads. */
export const PIN_METRICS_COLUMNS: MetricColumn[] = [...new Set(Object.values(LIFETIME_FIELDS))];

function fields(map: Record<string, MetricColumn>, sums: MetricSums) {
  return Object.fromEntries(Object.entries(map).map(([field, column]) => [field, sums[column] ?? 0]));
}

/** `Pin.pin_metrics`: the last 90 days as "90d" and the pin's lifetime, with lowercase names. */
export function presentPinMetrics(totals: PinMetricsTotals | null) {
  if (!totals) return null;
  return {
    '90d': fields(RECENT_FIELDS, totals.recent),
    lifetime_metrics: fields(LIFETIME_FIELDS, totals.lifetime),
  };
}
