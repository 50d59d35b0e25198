import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { requireSandboxAdministrator, sandboxCsrf } from '../../http/sandbox-admin.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { ANALYTICS_EVENT_TYPES, APP_TYPES, MAX_DURATION_MS } from '../analytics/events.js';
import { MAX_INJECTED_EVENTS, type AnalyticsControlService } from './service.js';

const tags = ['sandbox'];
const Day = Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$', description: 'A UTC day, YYYY-MM-DD' });
const ClockSchema = Type.Object({
  today: Type.Union([Day, Type.Null()], {
    description: 'The day set; null when the server runs on real time.',
  }),
  now: Type.String({ format: 'date-time', description: "The server's now, as analytics sees it." }),
});

const InjectBody = Type.Object({
  events: Type.Array(
    Type.Object({
      type: Type.Union(ANALYTICS_EVENT_TYPES.map((t) => Type.Literal(t))),
      pin_id: Type.Optional(Type.String({ pattern: '^\\d{1,19}$' })),
      user_id: Type.Optional(
        Type.String({
          pattern: '^\\d{1,19}$',
          description: 'Whose profile, for PROFILE_VISIT / USER_FOLLOW without a pin.',
        }),
      ),
      date: Day,
      count: Type.Integer({ minimum: 1, maximum: MAX_INJECTED_EVENTS, default: 1 }),
      app_type: Type.Union(
        APP_TYPES.map((t) => Type.Literal(t)),
        { default: 'WEB' },
      ),
      value_ms: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_DURATION_MS,
          description: "Each event's milliseconds, for watch-time types.",
        }),
      ),
    }),
    { minItems: 1, maxItems: 1000 },
  ),
});

/**
 * Sandbox analytics control (administrators, sandbox mode): inject events for given pins and
 * days, and set the server's "today", so a client's analytics code can be tested against known
 * numbers.
 */
export function registerAnalyticsControlRoutes(
  app: App,
  ctx: AppContext,
  control: AnalyticsControlService,
): void {
  app.post(
    '/_corkboard/analytics/events',
    {
      schema: {
        tags,
        summary: 'Inject analytics events',
        description:
          'Adds `count` events of `type` for a pin (or an account) on a UTC day, through the same ingestion as real traffic.',
        body: InjectBody,
        response: {
          200: Type.Object({
            accepted: Type.Integer(),
            duplicates: Type.Integer(),
            rejected: Type.Integer(),
          }),
          default: ErrorSchema,
        },
      },
      preHandler: sandboxCsrf(app),
    },
    async (request) => {
      await requireSandboxAdministrator(ctx, request, 'analytics control');
      return control.inject(request.body.events);
    },
  );

  app.get(
    '/_corkboard/clock',
    { schema: { tags, summary: "The server's today", response: { 200: ClockSchema, default: ErrorSchema } } },
    async (request) => {
      await requireSandboxAdministrator(ctx, request, 'the sandbox clock');
      return control.clockView();
    },
  );

  app.put(
    '/_corkboard/clock',
    {
      schema: {
        tags,
        summary: "Set the server's today",
        description:
          'Analytics then treats this UTC day as today (date limits, 90-day windows, data_status).',
        body: Type.Object({ today: Type.Union([Day, Type.Null()]) }),
        response: { 200: ClockSchema, default: ErrorSchema },
      },
      preHandler: sandboxCsrf(app),
    },
    async (request) => {
      await requireSandboxAdministrator(ctx, request, 'the sandbox clock');
      return control.setToday(request.body.today);
    },
  );

  app.delete(
    '/_corkboard/clock',
    {
      schema: { tags, summary: 'Back to real time', response: { 200: ClockSchema, default: ErrorSchema } },
      preHandler: sandboxCsrf(app),
    },
    async (request) => {
      await requireSandboxAdministrator(ctx, request, 'the sandbox clock');
      return control.setToday(null);
    },
  );
}
