import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { signedInViewerOf, webViewerOf } from '../../http/web-viewer.js';
import { appTypeFromUserAgent } from '../analytics/app-type.js';
import { saveEvent } from '../analytics/ingest-live.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../accounts/passwords.js';
import { USERNAME_PATTERN } from '../accounts/service.js';
import { BOARD_DESCRIPTION_MAX, BOARD_NAME_MAX } from '../boards/service.js';
import { presentPin } from './presenter.js';
import {
  PinCreateSchema,
  PinIdParams,
  PinSaveSchema,
  PinSchema,
  PinUpdateSchema,
  pinCreateInput,
  pinUpdateInput,
} from './schemas.js';
import { PIN_LIMITS } from './service.js';

const tags = ['web: pins'];
const NoContent = Type.Null({ description: 'Done.' });

const LimitsSchema = Type.Object(
  {
    pin: Type.Object({
      title: Type.Integer({ description: 'Most characters of a title.' }),
      description: Type.Integer({ description: 'Most characters of a description.' }),
      link: Type.Integer({ description: 'Most characters of a link.' }),
      alt_text: Type.Integer({ description: 'Most characters of an alt text.' }),
    }),
    board: Type.Object({
      name: Type.Integer({ description: 'Most characters of a board name.' }),
      description: Type.Integer({ description: 'Most characters of a board description.' }),
    }),
    password: Type.Object({
      min: Type.Integer({ description: 'Fewest characters of a password.' }),
      max: Type.Integer({ description: 'Most characters of a password.' }),
    }),
    username: Type.Object({
      pattern: Type.String({ description: 'Regular expression a username matches.' }),
    }),
    image: Type.Object({
      max_bytes: Type.Integer({ description: 'Largest image file the web app can upload.' }),
      content_types: Type.Array(Type.String(), { description: 'Image types accepted.' }),
    }),
  },
  { $id: 'WebLimits', description: 'Field limits the server enforces, for forms to check as people type.' },
);

/**
 * The web app's JSON for pins (cookie session, CSRF on writes). Each route calls the same
 * service as its /v5 twin, as the signed-in person (or, for reads, anyone: public pins only).
 */
export function registerPinWebRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);
  const present = (viewerId: string) => (pin: Parameters<typeof presentPin>[0]) =>
    presentPin(pin, { viewerId, urlFor });

  app.get(
    '/api/limits',
    {
      schema: {
        operationId: 'web/limits',
        tags,
        summary: 'Field limits',
        response: { 200: LimitsSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return {
        pin: {
          title: PIN_LIMITS.title,
          description: PIN_LIMITS.description,
          link: PIN_LIMITS.link,
          alt_text: PIN_LIMITS.altText,
        },
        board: { name: BOARD_NAME_MAX, description: BOARD_DESCRIPTION_MAX },
        password: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
        username: { pattern: USERNAME_PATTERN.source },
        image: {
          // Sent as base64 in a JSON body: 4 characters for every 3 bytes, under the body limit.
          max_bytes: Math.min(
            ctx.config.image.maxBytes,
            Math.floor(((ctx.config.bodyLimitBytes - 64 * 1024) * 3) / 4),
          ),
          content_types: ['image/jpeg', 'image/png'],
        },
      };
    },
  );

  app.get(
    '/api/feed',
    {
      schema: {
        operationId: 'web/feed',
        tags,
        summary: 'Home feed',
        description: 'The newest public pins, newest first (the home page until follows exist).',
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = webViewerOf(request);
      const page = await ctx.feed.recent(viewer, {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map(present(viewer.userId)), bookmark: page.bookmark };
    },
  );

  app.get(
    '/api/pins/:pin_id',
    {
      schema: {
        operationId: 'web/pins/get',
        tags,
        summary: 'Get a pin',
        description: "A pin the viewer may see; anyone else's secret pin is 404.",
        params: PinIdParams,
        response: { 200: PinSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = webViewerOf(request);
      return present(viewer.userId)(await ctx.pins.get(viewer, request.params.pin_id));
    },
  );

  app.post(
    '/api/pins',
    {
      schema: {
        operationId: 'web/pins/create',
        tags,
        summary: 'Create a pin',
        description:
          'Same body and rules as pins/create: an image as base64 or a URL, or a processed video (video_id of POST /api/media), on one of your boards.',
        body: PinCreateSchema,
        response: { 201: PinSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const viewer = signedInViewerOf(request);
      const pin = await ctx.pins.create(viewer, pinCreateInput(request.body));
      return reply.status(201).send(present(viewer.userId)(pin));
    },
  );

  app.patch(
    '/api/pins/:pin_id',
    {
      schema: {
        operationId: 'web/pins/update',
        tags,
        summary: 'Edit your pin',
        params: PinIdParams,
        body: PinUpdateSchema,
        response: { 200: PinSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = signedInViewerOf(request);
      const pin = await ctx.pins.update(viewer, request.params.pin_id, pinUpdateInput(request.body));
      return present(viewer.userId)(pin);
    },
  );

  app.delete(
    '/api/pins/:pin_id',
    {
      schema: {
        operationId: 'web/pins/delete',
        tags,
        summary: 'Delete your pin',
        params: PinIdParams,
        response: { 204: NoContent, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.pins.delete(signedInViewerOf(request), request.params.pin_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/pins/:pin_id/save',
    {
      schema: {
        operationId: 'web/pins/save',
        tags,
        summary: 'Save a pin to one of your boards',
        params: PinIdParams,
        body: PinSaveSchema,
        response: { 201: PinSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const viewer = signedInViewerOf(request);
      const pin = await ctx.pins.save(viewer, request.params.pin_id, {
        boardId: request.body.board_id,
        boardSectionId: request.body.board_section_id,
      });
      // Counted for the saved pin as pins/save counts it.
      if (pin.parentPinId) {
        const appType = appTypeFromUserAgent(request.headers['user-agent']);
        ctx.analyticsIngest.enqueue([saveEvent(pin.parentPinId, viewer.userId, appType)]);
      }
      return reply.status(201).send(present(viewer.userId)(pin));
    },
  );
}
