import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { AdAccountQuery, ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { BoardIdParams } from '../boards/schemas.js';
import { PinJsonWriter } from '../pins/presenter.js';
import { sendJsonText } from '../../http/json-text.js';
import { PinSchema } from '../pins/schemas.js';
import { presentSection } from './presenter.js';
import { BoardSectionSchema, BoardSectionWriteSchema, SectionParams } from './schemas.js';

const tags = ['boards'];

export function registerSectionRoutes(app: App, ctx: AppContext): void {
  const pinJson = new PinJsonWriter((key) => ctx.media.urlFor(key));
  app.get(
    '/v5/boards/:board_id/sections',
    {
      config: { operationId: 'board_sections/list', scopes: ['boards:read'] },
      schema: {
        operationId: 'board_sections/list',
        tags,
        summary: 'List board sections',
        params: BoardIdParams,
        querystring: Type.Object({ ...AdAccountQuery.properties, ...PageQuery }),
        response: { 200: Paginated(BoardSectionSchema, 'Board sections'), default: ErrorSchema },
      },
    },
    async (request) => {
      const { bookmark, page_size } = request.query;
      const page = await ctx.sections.list(callerOf(request), request.params.board_id, {
        bookmark,
        pageSize: page_size,
      });
      return { items: page.items.map(presentSection), bookmark: page.bookmark };
    },
  );

  app.post(
    '/v5/boards/:board_id/sections',
    {
      config: { operationId: 'board_sections/create', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'board_sections/create',
        tags,
        summary: 'Create board section',
        params: BoardIdParams,
        querystring: AdAccountQuery,
        body: BoardSectionWriteSchema,
        response: { 201: BoardSectionSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const section = await ctx.sections.create(callerOf(request), request.params.board_id, {
        name: request.body.name,
      });
      return reply.status(201).send(presentSection(section));
    },
  );

  app.patch(
    '/v5/boards/:board_id/sections/:section_id',
    {
      config: { operationId: 'board_sections/update', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'board_sections/update',
        tags,
        summary: 'Update board section',
        params: SectionParams,
        querystring: AdAccountQuery,
        body: BoardSectionWriteSchema,
        response: { 200: BoardSectionSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { board_id, section_id } = request.params;
      return presentSection(
        await ctx.sections.update(callerOf(request), board_id, section_id, { name: request.body.name }),
      );
    },
  );

  app.delete(
    '/v5/boards/:board_id/sections/:section_id',
    {
      config: { operationId: 'board_sections/delete', scopes: ['boards:read', 'boards:write'] },
      schema: {
        operationId: 'board_sections/delete',
        tags,
        summary: 'Delete board section',
        description: 'Deletes the section and the Pins in it.',
        params: SectionParams,
        querystring: AdAccountQuery,
        response: { 204: Type.Null({ description: 'Board section deleted.' }), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { board_id, section_id } = request.params;
      await ctx.sections.delete(callerOf(request), board_id, section_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v5/boards/:board_id/sections/:section_id/pins',
    {
      config: { operationId: 'board_sections/list_pins', scopes: ['boards:read', 'pins:read'] },
      schema: {
        operationId: 'board_sections/list_pins',
        tags,
        summary: 'List Pins on board section',
        params: SectionParams,
        querystring: Type.Object({ ...AdAccountQuery.properties, ...PageQuery }),
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { board_id, section_id } = request.params;
      const { bookmark, page_size } = request.query;
      const page = await ctx.pins.listInSection(caller, board_id, section_id, {
        bookmark,
        pageSize: page_size,
      });
      return sendJsonText(reply, pinJson.writePage(page.items, caller.userId, page.bookmark));
    },
  );
}
