import type { MetricSums } from './metric-types.js';
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

/** `Pin.pin_metrics` (the spec's example names, lowercase), from PIN_METRICS_COLUMNS' sums. */
export interface PresentedPinMetrics {
  '90d': { pin_click: number; impression: number; clickthrough: number };
  lifetime_metrics: {
    pin_click: number;
    impression: number;
    clickthrough: number;
    reaction: number;
    comment: number;
  };
}

const recentFields = (sums: MetricSums) => ({
  pin_click: sums.pin_click ?? 0,
  impression: sums.impression ?? 0,
  clickthrough: sums.outbound_click ?? 0,
});

/** `Pin.pin_metrics`: the last 90 days as "90d" and the pin's lifetime. */
export function presentPinMetrics(totals: PinMetricsTotals | null): PresentedPinMetrics | null {
  if (!totals) return null;
  return {
    '90d': recentFields(totals.recent),
    lifetime_metrics: {
      ...recentFields(totals.lifetime),
      reaction: totals.lifetime.reaction ?? 0,
      comment: totals.lifetime.comment ?? 0,
    },
  };
}
