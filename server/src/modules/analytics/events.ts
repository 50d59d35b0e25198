import type { METRIC_COLUMNS } from '../../db/migrations/0003_analytics.js';

/**
 * What analytics records: one event per thing that happened to a pin or an account. The
 * ingest service (ingest-service.ts) appends them to `analytics_events` and adds them to the
 * daily roll-ups the analytics operations read.
 */
export const ANALYTICS_EVENT_TYPES = [
  'IMPRESSION',
  'PIN_CLICK',
  'OUTBOUND_CLICK',
  'SAVE',
  'PROFILE_VISIT',
  'USER_FOLLOW',
  'COMMENT',
  'REACTION',
  'VIDEO_START',
  'VIDEO_10S_VIEW',
  'VIDEO_MRC_VIEW',
  'VIDEO_Q95_VIEW',
  'VIDEO_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
] as const;
export type AnalyticsEventType = (typeof ANALYTICS_EVENT_TYPES)[number];

/** The spec's app types: where the viewer was. */
export const APP_TYPES = ['WEB', 'MOBILE', 'TABLET'] as const;
export type AppType = (typeof APP_TYPES)[number];

export interface AnalyticsEventInput {
  type: AnalyticsEventType;
  /** null for profile visits and follows not tied to a pin. */
  pinId: string | null;
  /** Whose profile, when pinId is null; otherwise the pin's owner is used. */
  ownerId?: string;
  /** null = anonymous. */
  viewerId: string | null;
  appType: AppType;
  occurredAt: Date;
  /** 1 for counts (the default); milliseconds for the two watch-time types. */
  value?: number;
  /** The same key twice counts once (a client's impression id, say). */
  dedupeKey?: string;
}

/**
 * An event the server records as it happens (`enqueue`): without `occurredAt` it is stamped
 * with the server's clock (the sandbox can set its day, lib/clock.ts), never the machine's.
 */
export type LiveEventInput = Omit<AnalyticsEventInput, 'occurredAt'> & { occurredAt?: Date };

export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** The roll-up column each event type adds to. */
export const METRIC_COLUMN_OF: Record<AnalyticsEventType, MetricColumn> = {
  IMPRESSION: 'impression',
  PIN_CLICK: 'pin_click',
  OUTBOUND_CLICK: 'outbound_click',
  SAVE: 'save',
  PROFILE_VISIT: 'profile_visit',
  USER_FOLLOW: 'user_follow',
  COMMENT: 'comment',
  REACTION: 'reaction',
  VIDEO_START: 'video_start',
  VIDEO_10S_VIEW: 'video_10s_view',
  VIDEO_MRC_VIEW: 'video_mrc_view',
  VIDEO_Q95_VIEW: 'video_q95_view',
  VIDEO_WATCH_TIME: 'video_watch_time_ms',
  VIDEO_V50_WATCH_TIME: 'video_v50_watch_time_ms',
};

/** Types whose `value` is a duration in milliseconds; every other type counts 1. */
export const DURATION_EVENT_TYPES: ReadonlySet<AnalyticsEventType> = new Set([
  'VIDEO_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
]);

/** Types that may come without a pin (about the account itself). */
export const ACCOUNT_EVENT_TYPES: ReadonlySet<AnalyticsEventType> = new Set(['PROFILE_VISIT', 'USER_FOLLOW']);

/** Longest dedupe key stored (the column is varchar(120)). */
export const MAX_DEDUPE_KEY_LENGTH = 120;

/** A watch time above this in one event is not believable (a day); such events are rejected. */
export const MAX_DURATION_MS = 86_400_000;

export function isAnalyticsEventType(value: unknown): value is AnalyticsEventType {
  return typeof value === 'string' && (ANALYTICS_EVENT_TYPES as readonly string[]).includes(value);
}

export function isAppType(value: unknown): value is AppType {
  return typeof value === 'string' && (APP_TYPES as readonly string[]).includes(value);
}

/** The UTC day of an instant, 'YYYY-MM-DD'. */
export function utcDayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}
