import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { AdAccountQuery, ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { StringEnum } from '../boards/schemas.js';
import { pinMetricsOptions } from '../analytics/routes.js';
import { appTypeFromUserAgent } from '../analytics/app-type.js';
import { saveEvent } from '../analytics/ingest-live.js';
import { PinJsonWriter, presentPin } from './presenter.js';
import { sendJsonText } from '../../http/json-text.js';
import {
  CreativeTypesQuery,
  PinCreateSchema,
  PinIdParams,
  PinMetricsQuery,
  PinSaveSchema,
  PinSchema,
  PinUpdateSchema,
  pinCreateInput,
  pinUpdateInput,
} from './schemas.js';

const tags = ['pins'];
const WRITE_SCOPES = ['boards:read', 'boards:write', 'pins:read', 'pins:write'] as const;

export function registerPinRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);
  const pinJson = new PinJsonWriter(urlFor);

  app.post(
    '/v5/pins',
    {
      config: { operationId: 'pins/create', scopes: WRITE_SCOPES },
      schema: {
        operationId: 'pins/create',
        tags,
        summary: 'Create Pin',
        description:
          "Creates a Pin on one of the caller's boards from one image (image_url, image_base64), a carousel of 2 to 5 (multiple_image_urls, multiple_image_base64) or a succeeded video upload (video_id, see media/create).",
        querystring: AdAccountQuery,
        body: PinCreateSchema,
        response: { 201: PinSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const pin = await ctx.pins.create(caller, pinCreateInput(request.body, caller.appId));
      return reply.status(201).send(presentPin(pin, { viewerId: caller.userId, urlFor }));
    },
  );

  app.get(
    '/v5/pins',
    {
      config: { operationId: 'pins/list', scopes: ['boards:read', 'pins:read'] },
      schema: {
        operationId: 'pins/list',
        tags,
        summary: 'List Pins',
        description: "The caller's Pins, newest first.",
        querystring: Type.Object({
          ...AdAccountQuery.properties,
          ...PageQuery,
          ...CreativeTypesQuery,
          ...PinMetricsQuery,
          pin_filter: Type.Optional(
            StringEnum(['exclude_native', 'exclude_repins', 'has_been_promoted'] as const, {
              description:
                'exclude_native: only saved Pins; exclude_repins: only Pins the caller created; has_been_promoted: only promoted Pins.',
            }),
          ),
          include_protected_pins: Type.Boolean({
            default: false,
            description: 'Whether to include Pins on protected (ad-only) boards.',
          }),
          pin_type: Type.Optional(
            StringEnum(['PRIVATE'] as const, {
              description: 'PRIVATE: only Pins on secret boards (needs pins:read_secret).',
            }),
          ),
        }),
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const q = request.query;
      const page = await ctx.pins.list(caller, {
        bookmark: q.bookmark,
        pageSize: q.page_size,
        pinFilter: q.pin_filter,
        includeProtectedPins: q.include_protected_pins,
        pinType: q.pin_type,
        creativeTypes: q.creative_types,
      });
      if (!q.pin_metrics)
        return sendJsonText(reply, pinJson.writePage(page.items, caller.userId, page.bookmark));
      const metricsOf = await pinMetricsOptions(ctx, caller, page.items, q.pin_metrics);
      const items = page.items.map((p) =>
        presentPin(p, { viewerId: caller.userId, urlFor, ...metricsOf(p.id) }),
      );
      return { items, bookmark: page.bookmark };
    },
  );

  app.get(
    '/v5/pins/:pin_id',
    {
      config: { operationId: 'pins/get', scopes: ['boards:read', 'pins:read'] },
      schema: {
        operationId: 'pins/get',
        tags,
        summary: 'Get Pin',
        params: PinIdParams,
        querystring: Type.Object({ ...AdAccountQuery.properties, ...PinMetricsQuery }),
        response: { 200: PinSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const pin = await ctx.pins.get(caller, request.params.pin_id);
      if (!request.query.pin_metrics) return sendJsonText(reply, pinJson.write(pin, caller.userId));
      const metricsOf = await pinMetricsOptions(ctx, caller, [pin], request.query.pin_metrics);
      return presentPin(pin, { viewerId: caller.userId, urlFor, ...metricsOf(pin.id) });
    },
  );

  app.patch(
    '/v5/pins/:pin_id',
    {
      config: { operationId: 'pins/update', scopes: WRITE_SCOPES },
      schema: {
        operationId: 'pins/update',
        tags,
        summary: 'Update Pin',
        params: PinIdParams,
        querystring: AdAccountQuery,
        body: PinUpdateSchema,
        response: { 200: PinSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const pin = await ctx.pins.update(caller, request.params.pin_id, pinUpdateInput(request.body));
      return presentPin(pin, { viewerId: caller.userId, urlFor });
    },
  );

  app.delete(
    '/v5/pins/:pin_id',
    {
      config: { operationId: 'pins/delete', scopes: WRITE_SCOPES },
      schema: {
        operationId: 'pins/delete',
        tags,
        summary: 'Delete Pin',
        params: PinIdParams,
        querystring: AdAccountQuery,
        response: { 204: Type.Null({ description: 'Pin deleted.' }), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.pins.delete(callerOf(request), request.params.pin_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v5/pins/:pin_id/save',
    {
      config: { operationId: 'pins/save', scopes: WRITE_SCOPES },
      schema: {
        operationId: 'pins/save',
        tags,
        summary: 'Save Pin',
        description:
          'Saves a Pin the caller can see to one of their boards: a new Pin whose parent_pin_id is the saved one.',
        params: PinIdParams,
        querystring: AdAccountQuery,
        body: PinSaveSchema,
        response: { 201: PinSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const pin = await ctx.pins.save(caller, request.params.pin_id, {
        boardId: request.body.board_id,
        boardSectionId: request.body.board_section_id,
        appId: caller.appId,
      });
      if (pin.parentPinId) {
        const appType = appTypeFromUserAgent(request.headers['user-agent']);
        ctx.analyticsIngest.enqueue([saveEvent(pin.parentPinId, caller.userId, appType)]);
      }
      return reply.status(201).send(presentPin(pin, { viewerId: caller.userId, urlFor }));
    },
  );
}
