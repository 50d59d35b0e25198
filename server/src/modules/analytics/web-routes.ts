import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema, IdString } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { signedInViewerOf } from '../../http/web-viewer.js';
import { StringEnum } from '../boards/schemas.js';
import { presentPin } from '../pins/presenter.js';
import { PinSchema } from '../pins/schemas.js';
import type { Viewer } from '../visibility/policy.js';
import { MAX_DAYS_BACK, MAX_RANGE_DAYS } from './dates.js';
import {
  ACCOUNT_METRIC_TYPES,
  METRIC_DEFINITIONS,
  TOP_PINS_SORT_BY,
  TOP_VIDEO_PINS_SORT_BY,
  VIDEO_METRIC_TYPES,
  type MetricType,
} from './metric-types.js';
import { presentAccountAnalytics, presentTopPins } from './presenter.js';
import { accountAnalyticsInput, topPinsInput } from './query-input.js';
import { APP_TYPES, type TopPins } from './query-service.js';
import {
  AccountAnalyticsQuery,
  AnalyticsResponseSchema,
  DataStatusSchema,
  TopPinsQuery,
  TopVideoPinsQuery,
} from './schemas.js';

const tags = ['web: analytics'];

/** How the web app shows a metric's number: a count, a fraction (a rate) or milliseconds. */
type MetricUnit = 'count' | 'ratio' | 'milliseconds';
function unitOf(type: MetricType): MetricUnit {
  if (type === 'VIDEO_AVG_WATCH_TIME' || type === 'VIDEO_V50_WATCH_TIME') return 'milliseconds';
  return METRIC_DEFINITIONS[type].isCount ? 'count' : 'ratio';
}
const described = (types: readonly MetricType[]) => types.map((type) => ({ type, unit: unitOf(type) }));

const MetricList = Type.Array(
  Type.Object({
    type: Type.String({ description: 'The metric type, as the /v5 operations name it.' }),
    unit: StringEnum(['count', 'ratio', 'milliseconds'] as const, {
      description: 'count: a whole number; ratio: a fraction of impressions (a rate); milliseconds: a time.',
    }),
  }),
);

const DefinitionSchema = Type.Object(
  {
    today: Type.String({ description: "The server's today (UTC, YYYY-MM-DD), as the date rules see it." }),
    max_days_back: Type.Integer({ description: 'start_date may be at most this many days before today.' }),
    max_range_days: Type.Integer({ description: 'end_date may be at most this many days after start_date.' }),
    account_metrics: MetricList,
    top_pins_sort_by: Type.Array(Type.String(), { description: 'top_pins sort_by values.' }),
    top_video_pins_sort_by: Type.Array(Type.String(), { description: 'top_video_pins sort_by values.' }),
    video_metrics: MetricList,
    app_types: Type.Array(Type.String(), { description: 'The values of the APP_TYPE split.' }),
  },
  {
    $id: 'WebAnalyticsDefinition',
    description: "The analytics page's choices and date rules, as the /v5 analytics operations apply them.",
  },
);

const MetricsMap = Type.Unsafe<Record<string, number>>({
  type: 'object',
  additionalProperties: Type.Number(),
  description: 'The metric name and value for each requested metric.',
});

function WebTopPinsSchema(id: string) {
  return Type.Object(
    {
      date_availability: Type.Object({
        is_realtime: Type.Boolean(),
        latest_available_timestamp: Type.Number(),
      }),
      pins: Type.Array(
        Type.Object({
          data_status: Type.Unsafe<Record<string, string>>({
            type: 'object',
            additionalProperties: DataStatusSchema,
          }),
          metrics: MetricsMap,
          pin_id: IdString('The pin id.'),
          pin: Type.Union([PinSchema, Type.Null()], {
            description: 'The pin as the viewer may see it (title, media for the thumbnail); null when gone.',
          }),
        }),
      ),
      sort_by: Type.String({ description: 'The metric the pins are sorted by.' }),
    },
    { $id: id, description: 'The /v5 top pins answer, each pin with its details for the list.' },
  );
}

/**
 * The web app's analytics page (cookie session): the same operations as
 * user_account/analytics, top_pins and top_video_pins, through the same query service (its
 * business-account rule, its 90-day rules, its shapes), as the signed-in person. Top pins also
 * carry each pin's details, so the page can show thumbnails without one call per pin.
 */
export function registerAnalyticsWebRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);

  /** The v5 answer, each pin joined with what the viewer may see of it (null when it is gone). */
  async function withPins(viewer: Viewer, top: TopPins) {
    const presented = presentTopPins(top);
    const pins = await Promise.all(
      presented.pins.map(async (entry) => {
        const pin = await ctx.pins.get(viewer, entry.pin_id).catch(() => null);
        return { ...entry, pin: pin ? presentPin(pin, { viewerId: viewer.userId, urlFor }) : null };
      }),
    );
    return { ...presented, pins };
  }

  app.get(
    '/api/analytics/definition',
    {
      schema: {
        operationId: 'web/analytics/definition',
        tags,
        summary: 'Analytics choices and date rules',
        response: { 200: DefinitionSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      signedInViewerOf(request);
      return {
        today: ctx.analyticsQueries.today(),
        max_days_back: MAX_DAYS_BACK,
        max_range_days: MAX_RANGE_DAYS,
        account_metrics: described(ACCOUNT_METRIC_TYPES),
        top_pins_sort_by: [...TOP_PINS_SORT_BY],
        top_video_pins_sort_by: [...TOP_VIDEO_PINS_SORT_BY],
        video_metrics: described(VIDEO_METRIC_TYPES),
        app_types: [...APP_TYPES],
      };
    },
  );

  app.get(
    '/api/analytics/account',
    {
      schema: {
        operationId: 'web/analytics/account',
        tags,
        summary: 'Your account analytics',
        description: 'user_account/analytics for the signed-in business account: same parameters and shape.',
        querystring: AccountAnalyticsQuery,
        response: { 200: AnalyticsResponseSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = signedInViewerOf(request);
      const analytics = await ctx.analyticsQueries.accountAnalytics(
        viewer,
        accountAnalyticsInput(request.query),
      );
      return presentAccountAnalytics(analytics);
    },
  );

  app.get(
    '/api/analytics/top_pins',
    {
      schema: {
        operationId: 'web/analytics/top_pins',
        tags,
        summary: 'Your top pins',
        description: 'user_account/analytics/top_pins for the signed-in business account, with each pin.',
        querystring: TopPinsQuery,
        response: { 200: WebTopPinsSchema('WebTopPins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = signedInViewerOf(request);
      return withPins(viewer, await ctx.analyticsQueries.topPins(viewer, topPinsInput(request.query)));
    },
  );

  app.get(
    '/api/analytics/top_video_pins',
    {
      schema: {
        operationId: 'web/analytics/top_video_pins',
        tags,
        summary: 'Your top video pins',
        description:
          'user_account/analytics/top_video_pins for the signed-in business account, with each pin.',
        querystring: TopVideoPinsQuery,
        response: { 200: WebTopPinsSchema('WebTopVideoPins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = signedInViewerOf(request);
      return withPins(viewer, await ctx.analyticsQueries.topVideoPins(viewer, topPinsInput(request.query)));
    },
  );
}
