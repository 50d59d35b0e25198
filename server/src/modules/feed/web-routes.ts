import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { notFound } from '../../lib/errors.js';
import { ErrorSchema, Nullable, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { webViewerOf } from '../../http/web-viewer.js';
import { presentBoard } from '../boards/presenter.js';
import { BoardSchema, StringEnum } from '../boards/schemas.js';
import { presentPin } from '../pins/presenter.js';
import { PinSchema } from '../pins/schemas.js';

const tags = ['web: profiles'];
const UsernameParams = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 30, description: 'Username.' }),
});

const ProfileSchema = Type.Object(
  {
    username: Type.String({ description: 'Username.' }),
    account_type: StringEnum(['PINNER', 'BUSINESS'] as const, { description: 'Type of account.' }),
    business_name: Nullable(Type.String(), { description: 'Business name, for businesses.' }),
    about: Type.String({ description: 'About the person, as they wrote it.' }),
    website_url: Type.String({ description: 'Their website, or empty.' }),
    profile_image: Type.String({ description: 'URL of their profile picture, or empty.' }),
    is_you: Type.Boolean({ description: 'Whether this is the signed-in person.' }),
  },
  { $id: 'WebProfile', description: "A person's public profile." },
);

const userNotFound = () => notFound('User not found.');

/** Profiles: a person's public details, boards and pins, as the viewer may see them. */
export function registerProfileWebRoutes(app: App, ctx: AppContext): void {
  const urlFor = (key: string) => ctx.media.urlFor(key);
  const userOf = async (username: string) => {
    const user = await ctx.accounts.getByUsername(username);
    if (!user) throw userNotFound();
    return user;
  };

  app.get(
    '/api/users/:username',
    {
      schema: {
        operationId: 'web/users/get',
        tags,
        summary: "A person's profile",
        params: UsernameParams,
        response: { 200: ProfileSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const user = await userOf(request.params.username);
      return {
        username: user.username,
        account_type: user.accountType,
        business_name: user.businessName,
        about: user.about,
        website_url: user.websiteUrl,
        profile_image: user.profileImageKey ? urlFor(user.profileImageKey) : user.profileImageUrl,
        is_you: webViewerOf(request).userId === user.id,
      };
    },
  );

  app.get(
    '/api/users/:username/boards',
    {
      schema: {
        operationId: 'web/users/list_boards',
        tags,
        summary: "A person's boards",
        description: 'Their public boards; to themselves, their secret boards too.',
        params: UsernameParams,
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Paginated(BoardSchema, 'Boards'), default: ErrorSchema },
      },
    },
    async (request) => {
      const user = await userOf(request.params.username);
      const page = await ctx.boards.listOfOwner(webViewerOf(request), user.id, {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map((b) => presentBoard(b, urlFor)), bookmark: page.bookmark };
    },
  );

  app.get(
    '/api/users/:username/pins',
    {
      schema: {
        operationId: 'web/users/list_pins',
        tags,
        summary: "A person's pins",
        description: 'Pins they created, or pins they saved from others, that the viewer may see.',
        params: UsernameParams,
        querystring: Type.Object({
          ...PageQuery,
          origin: StringEnum(['created', 'saved'] as const, {
            default: 'created',
            description: 'created: their own pins; saved: pins they saved from others.',
          }),
        }),
        response: { 200: Paginated(PinSchema, 'Pins'), default: ErrorSchema },
      },
    },
    async (request) => {
      const viewer = webViewerOf(request);
      const user = await userOf(request.params.username);
      const page = await ctx.feed.pinsOf(viewer, user.id, {
        origin: request.query.origin,
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
