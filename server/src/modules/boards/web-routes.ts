import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { signedInViewerOf, webViewerOf } from '../../http/web-viewer.js';
import { presentPin } from '../pins/presenter.js';
import { PinSchema } from '../pins/schemas.js';
import { presentSection } from '../sections/presenter.js';
import { BoardSectionSchema, BoardSectionWriteSchema, SectionParams } from '../sections/schemas.js';
import { presentBoard } from './presenter.js';
import {
  BoardCreateSchema,
  BoardIdParams,
  BoardSchema,
  BoardWithUpdatePrivacyUpdateSchema,
} from './schemas.js';

const tags = ['web: boards'];
const NoContent = Type.Null({ description: 'Done.' });
const PageOnly = Type.Object({ ...PageQuery });

/**
 * The web app's JSON for boards and their sections (cookie session, CSRF on writes), calling
 * the same services as /v5. Reads work signed out too, for public boards.
 */
export function registerBoardWebRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);

  app.get(
    '/api/boards',
    {
      schema: {
        operationId: 'web/boards/list',
        tags,
        summary: 'Your boards',
        description: 'Every board of the signed-in person, secret ones included, newest first.',
        querystring: PageOnly,
        response: { 200: Paginated(BoardSchema, 'Boards'), default: ErrorSchema },
      },
    },
    async (request) => {
      const page = await ctx.boards.list(signedInViewerOf(request), {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map((b) => presentBoard(b, urlFor)), bookmark: page.bookmark };
    },
  );

  app.post(
    '/api/boards',
    {
      schema: {
        operationId: 'web/boards/create',
        tags,
        summary: 'Create a board',
        body: BoardCreateSchema,
        response: { 201: BoardSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { name, description, privacy, is_ads_only } = request.body;
      const board = await ctx.boards.create(signedInViewerOf(request), {
        name,
        description,
        privacy,
        isAdsOnly: is_ads_only,
      });
      return reply.status(201).send(presentBoard(board, urlFor));
    },
  );

  app.get(
    '/api/boards/:board_id',
    {
      schema: {
        operationId: 'web/boards/get',
        tags,
        summary: 'Get a board',
        description: "Anyone else's secret board is 404.",
        params: BoardIdParams,
        response: { 200: BoardSchema, default: ErrorSchema },
      },
    },
    async (request) =>
      presentBoard(await ctx.boards.get(webViewerOf(request), request.params.board_id), urlFor),
  );

  app.patch(
    '/api/boards/:board_id',
    {
      schema: {
        operationId: 'web/boards/update',
        tags,
        summary: 'Edit your board',
        params: BoardIdParams,
        body: BoardWithUpdatePrivacyUpdateSchema,
        response: { 200: BoardSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { name, description, privacy } = request.body;
      const board = await ctx.boards.update(signedInViewerOf(request), request.params.board_id, {
        name,
        description,
        privacy,
      });
      return presentBoard(board, urlFor);
    },
  );

  app.delete(
    '/api/boards/:board_id',
    {
      schema: {
        operationId: 'web/boards/delete',
        tags,
        summary: 'Delete your board with its sections and pins',
        params: BoardIdParams,
        response: { 204: NoContent, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.boards.delete(signedInViewerOf(request), request.params.board_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/boards/:board_id/pins',
    {
      schema: {
        operationId: 'web/boards/list_pins',
        tags,
        summary: "A board's pins",
        params: BoardIdParams,
        querystring: PageOnly,
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = webViewerOf(request);
      const page = await ctx.pins.listOnBoard(viewer, request.params.board_id, {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return {
        items: page.items.map((pin) => presentPin(pin, { viewerId: viewer.userId, urlFor })),
        bookmark: page.bookmark,
      };
    },
  );

  app.get(
    '/api/boards/:board_id/sections',
    {
      schema: {
        operationId: 'web/board_sections/list',
        tags,
        summary: "A board's sections",
        params: BoardIdParams,
        querystring: PageOnly,
        response: { 200: Paginated(BoardSectionSchema, 'Board sections'), default: ErrorSchema },
      },
    },
    async (request) => {
      const page = await ctx.sections.list(webViewerOf(request), request.params.board_id, {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map(presentSection), bookmark: page.bookmark };
    },
  );

  app.post(
    '/api/boards/:board_id/sections',
    {
      schema: {
        operationId: 'web/board_sections/create',
        tags,
        summary: 'Add a section to your board',
        params: BoardIdParams,
        body: BoardSectionWriteSchema,
        response: { 201: BoardSectionSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const section = await ctx.sections.create(signedInViewerOf(request), request.params.board_id, {
        name: request.body.name,
      });
      return reply.status(201).send(presentSection(section));
    },
  );

  app.get(
    '/api/boards/:board_id/sections/:section_id/pins',
    {
      schema: {
        operationId: 'web/board_sections/list_pins',
        tags,
        summary: "A section's pins",
        params: SectionParams,
        querystring: PageOnly,
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = webViewerOf(request);
      const page = await ctx.pins.listInSection(viewer, request.params.board_id, request.params.section_id, {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return {
        items: page.items.map((pin) => presentPin(pin, { viewerId: viewer.userId, urlFor })),
        bookmark: page.bookmark,
      };
    },
  );
}
