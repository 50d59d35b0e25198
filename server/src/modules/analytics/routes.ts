import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { PinIdParams } from '../pins/schemas.js';
import type { PinRow } from '../pins/repo.js';
import type { Viewer } from '../visibility/policy.js';
import {
  presentAccountAnalytics,
  presentPinMetrics,
  type PresentedPinMetrics,
  presentMultiPinAnalytics,
  presentPinAnalytics,
  presentTopPins,
} from './presenter.js';
import {
  AccountAnalyticsQuery,
  AnalyticsResponseSchema,
  BulkPinAnalyticsResponseSchema,
  MultiPinAnalyticsQuery,
  PinAnalyticsQuery,
  PinAnalyticsResponseSchema,
  TopPinsQuery,
  TopPinsResponseSchema,
  TopVideoPinsQuery,
  TopVideoPinsResponseSchema,
} from './schemas.js';
import { accountAnalyticsInput, topPinsInput } from './query-input.js';

/**
 * pin_metrics for pins/get, pins/list and boards/list_pins: when asked for, one query for the
 * whole page; the function gives each pin's presenter option (no option when not asked).
 */
export async function pinMetricsOptions(
  ctx: AppContext,
  viewer: Viewer,
  pins: readonly PinRow[],
  asked: boolean,
): Promise<(pinId: string) => { pinMetrics?: PresentedPinMetrics | null }> {
  if (!asked) return () => ({});
  const metrics = await ctx.analyticsQueries.pinMetrics(viewer, pins);
  return (pinId) => ({ pinMetrics: presentPinMetrics(metrics.get(pinId) ?? null) });
}

const TOP_PINS_SCOPES = ['pins:read', 'user_accounts:read'] as const;
const PIN_SCOPES = ['boards:read', 'pins:read'] as const;

/** The analytics reads of the spec: account totals, top pins, one or many pins. */
export function registerAnalyticsRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/v5/user_account/analytics',
    {
      config: { operationId: 'user_account/analytics', scopes: ['user_accounts:read'] },
      schema: {
        operationId: 'user_account/analytics',
        tags: ['user_account'],
        summary: 'Get user account analytics',
        description:
          "The business account's daily metrics and totals over a range of UTC days, filtered and split by dimension.",
        querystring: AccountAnalyticsQuery,
        response: { 200: AnalyticsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const analytics = await ctx.analyticsQueries.accountAnalytics(
        callerOf(request),
        accountAnalyticsInput(request.query),
      );
      return presentAccountAnalytics(analytics);
    },
  );

  app.get(
    '/v5/user_account/analytics/top_pins',
    {
      config: { operationId: 'user_account/analytics/top_pins', scopes: TOP_PINS_SCOPES },
      schema: {
        operationId: 'user_account/analytics/top_pins',
        tags: ['user_account'],
        summary: 'Get user account top pins analytics',
        description:
          "The account's top pins (at most 50) over a range, sorted by one metric; ties by pin id.",
        querystring: TopPinsQuery,
        response: { 200: TopPinsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const top = await ctx.analyticsQueries.topPins(callerOf(request), topPinsInput(request.query));
      return presentTopPins(top);
    },
  );

  app.get(
    '/v5/user_account/analytics/top_video_pins',
    {
      config: { operationId: 'user_account/analytics/top_video_pins', scopes: TOP_PINS_SCOPES },
      schema: {
        operationId: 'user_account/analytics/top_video_pins',
        tags: ['user_account'],
        summary: 'Get user account top video pins analytics',
        description:
          "The account's top video pins (at most 50) over a range, sorted by one video metric; ties by pin id.",
        querystring: TopVideoPinsQuery,
        response: { 200: TopVideoPinsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const top = await ctx.analyticsQueries.topVideoPins(callerOf(request), topPinsInput(request.query));
      return presentTopPins(top);
    },
  );

  app.get(
    '/v5/pins/:pin_id/analytics',
    {
      config: { operationId: 'pins/analytics', scopes: PIN_SCOPES },
      schema: {
        operationId: 'pins/analytics',
        tags: ['pins'],
        summary: 'Get Pin analytics',
        description:
          "One of the caller's own Pins: daily metrics, totals over the range and lifetime counts.",
        params: PinIdParams,
        querystring: PinAnalyticsQuery,
        response: { 200: PinAnalyticsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const analytics = await ctx.analyticsQueries.pinAnalytics(callerOf(request), request.params.pin_id, {
        startDate: q.start_date,
        endDate: q.end_date,
        appTypes: q.app_types,
        metricTypes: q.metric_types,
        splitField: q.split_field,
      });
      return presentPinAnalytics(analytics);
    },
  );

  app.get(
    '/v5/pins/analytics',
    {
      config: { operationId: 'multi_pins/analytics', scopes: PIN_SCOPES },
      schema: {
        operationId: 'multi_pins/analytics',
        tags: ['pins'],
        summary: 'Get multiple Pin analytics',
        description: '1 to 100 of the caller\'s own Pins, each keyed by pin id, then "all".',
        querystring: MultiPinAnalyticsQuery,
        response: { 200: BulkPinAnalyticsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const byPin = await ctx.analyticsQueries.multiPinAnalytics(callerOf(request), q.pin_ids, {
        startDate: q.start_date,
        endDate: q.end_date,
        appTypes: q.app_types,
        metricTypes: q.metric_types,
      });
      return presentMultiPinAnalytics(byPin);
    },
  );
}
