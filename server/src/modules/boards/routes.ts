import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { AdAccountQuery, ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { PinJsonWriter, presentPin } from '../pins/presenter.js';
import { sendJsonText } from '../../http/json-text.js';
import { CreativeTypesQuery, PinMetricsQuery, PinSchema } from '../pins/schemas.js';
import { pinMetricsOptions } from '../analytics/routes.js';
import { presentBoard } from './presenter.js';
import {
  BOARD_PRIVACY_FILTERS,
  BoardCreateSchema,
  BoardIdParams,
  BoardSchema,
  BoardWithUpdatePrivacySchema,
  BoardWithUpdatePrivacyUpdateSchema,
  StringEnum,
} from './schemas.js';

const tags = ['boards'];

export function registerBoardRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);
  const pinJson = new PinJsonWriter(urlFor);

  app.get(
    '/v5/boards',
    {
      config: { operationId: 'boards/list', scopes: ['boards:read'] },
      schema: {
        operationId: 'boards/list',
        tags,
        summary: 'List boards',
        description: "The caller's boards, newest first. Secret boards need boards:read_secret.",
        querystring: Type.Object({
          ...AdAccountQuery.properties,
          ...PageQuery,
          privacy: Type.Optional(
            StringEnum(BOARD_PRIVACY_FILTERS, {
              description: 'Which boards to return; without it, every board the token may read.',
            }),
          ),
        }),
        response: { 200: Paginated(BoardSchema, 'Boards'), default: ErrorSchema },
      },
    },
    async (request) => {
      const { privacy, bookmark, page_size } = request.query;
      const page = await ctx.boards.list(callerOf(request), { privacy, bookmark, pageSize: page_size });
      return { items: page.items.map((b) => presentBoard(b, urlFor)), bookmark: page.bookmark };
    },
  );

  app.post(
    '/v5/boards',
    {
      config: { operationId: 'boards/create', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'boards/create',
        tags,
        summary: 'Create board',
        description: 'Creates a board owned by the caller. Board names are unique per owner, ignoring case.',
        querystring: AdAccountQuery,
        body: BoardCreateSchema,
        response: { 201: BoardSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, description, privacy, is_ads_only } = request.body;
      const board = await ctx.boards.create(caller, {
        name,
        description,
        privacy,
        isAdsOnly: is_ads_only,
        appId: caller.appId,
      });
      return reply.status(201).send(presentBoard(board, urlFor));
    },
  );

  app.get(
    '/v5/boards/:board_id',
    {
      config: { operationId: 'boards/get', scopes: ['boards:read'] },
      schema: {
        operationId: 'boards/get',
        tags,
        summary: 'Get board',
        params: BoardIdParams,
        querystring: AdAccountQuery,
        response: { 200: BoardSchema, default: ErrorSchema },
      },
    },
    async (request) => presentBoard(await ctx.boards.get(callerOf(request), request.params.board_id), urlFor),
  );

  app.patch(
    '/v5/boards/:board_id',
    {
      config: { operationId: 'boards/update', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'boards/update',
        tags,
        summary: 'Update board',
        params: BoardIdParams,
        querystring: AdAccountQuery,
        body: BoardWithUpdatePrivacyUpdateSchema,
        response: { 200: BoardWithUpdatePrivacySchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { name, description, privacy } = request.body;
      const board = await ctx.boards.update(callerOf(request), request.params.board_id, {
        name,
        description,
        privacy,
      });
      return presentBoard(board, urlFor);
    },
  );

  app.delete(
    '/v5/boards/:board_id',
    {
      config: { operationId: 'boards/delete', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'boards/delete',
        tags,
        summary: 'Delete board',
        description: 'Deletes the board with its sections and Pins.',
        params: BoardIdParams,
        querystring: AdAccountQuery,
        response: { 204: Type.Null({ description: 'Board deleted.' }), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.boards.delete(callerOf(request), request.params.board_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v5/boards/:board_id/pins',
    {
      config: { operationId: 'boards/list_pins', scopes: ['boards:read', 'pins:read'] },
      schema: {
        operationId: 'boards/list_pins',
        tags,
        summary: 'List Pins on board',
        params: BoardIdParams,
        querystring: Type.Object({
          ...AdAccountQuery.properties,
          ...PageQuery,
          ...CreativeTypesQuery,
          ...PinMetricsQuery,
        }),
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { bookmark, page_size, creative_types, pin_metrics } = request.query;
      const page = await ctx.pins.listOnBoard(caller, request.params.board_id, {
        bookmark,
        pageSize: page_size,
        creativeTypes: creative_types,
      });
      if (!pin_metrics)
        return sendJsonText(reply, pinJson.writePage(page.items, caller.userId, page.bookmark));
      const metricsOf = await pinMetricsOptions(ctx, caller, page.items, pin_metrics);
      const items = page.items.map((p) =>
        presentPin(p, { viewerId: caller.userId, urlFor, ...metricsOf(p.id) }),
      );
      return { items, bookmark: page.bookmark };
    },
  );
}
