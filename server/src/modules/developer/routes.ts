import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { invalidField, notFound, notPermitted } from '../../lib/errors.js';
import { toRfc3339 } from '../../lib/time.js';
import { presentApp } from '../apps/presenter.js';
import type { AppRow } from '../apps/repo.js';
import { parseScopes } from '../tokens/scopes.js';
import type { TokenSummary } from '../tokens/service.js';

const AppIdParams = Type.Object({ id: Type.String({ description: 'The app id' }) });
const TokenParams = Type.Object({
  id: Type.String({ description: 'The app id' }),
  tokenId: Type.String({ description: 'The token id' }),
});

const AppCreateBody = Type.Object({
  name: Type.String({ description: 'Shown on the consent page', maxLength: 200 }),
  description: Type.Optional(Type.String({ description: 'What the app does', maxLength: 2000 })),
  website_url: Type.Optional(Type.String({ description: "The app's website", maxLength: 4096 })),
  redirect_uris: Type.Array(Type.String({ maxLength: 4096 }), {
    description: 'Exact redirect URIs: https, or http only for localhost / 127.0.0.1 (1 to 10)',
    maxItems: 50,
  }),
  icon: Type.Optional(
    Type.Union([Type.String({ description: 'Base64 image; stored as a 150x150 PNG' }), Type.Null()]),
  ),
});
const AppUpdateBody = Type.Partial(AppCreateBody);
const TokenCreateBody = Type.Object({
  scopes: Type.Array(Type.String({ maxLength: 40 }), {
    description: "Pinterest's scope names, e.g. boards:read",
    maxItems: 40,
  }),
});
const RejectBody = Type.Object({
  reason: Type.String({ description: 'Shown to the owner', maxLength: 4000 }),
});
const ReviewQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('PENDING'), Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
  ),
});

function presentToken(token: TokenSummary) {
  return {
    id: token.id,
    kind: token.kind,
    prefix: token.prefix,
    scopes: token.scopes,
    created_at: toRfc3339(token.createdAt),
    last_used_at: token.lastUsedAt ? toRfc3339(token.lastUsedAt) : null,
    expires_at: toRfc3339(token.expiresAt),
  };
}

/**
 * The developer platform for the web app (JSON under /api, signed-in session + CSRF):
 * "Connect app", manage it, rotate its secret, generate tokens; and the admins' review queue.
 */
export function registerDeveloperRoutes(app: App, ctx: AppContext): void {
  const mediaUrl = (key: string) => ctx.media.urlFor(key);
  const present = (row: AppRow) => presentApp(row, mediaUrl);

  const requireAdmin = async (request: FastifyRequest): Promise<string> => {
    const session = requireSession(request);
    const user = await ctx.accounts.getById(session.userId);
    if (!user?.isAdmin) throw notPermitted('Only an administrator can review apps.');
    return user.id;
  };

  app.get('/api/developer/apps', async (request) => {
    const session = requireSession(request);
    return { items: (await ctx.apps.listOwned(session.userId)).map(present) };
  });

  app.post('/api/developer/apps', { schema: { body: AppCreateBody } }, async (request, reply) => {
    const session = requireSession(request);
    const body = request.body;
    const { app: created, clientSecret } = await ctx.apps.create(session.userId, {
      name: body.name,
      description: body.description,
      websiteUrl: body.website_url,
      redirectUris: body.redirect_uris,
      iconBase64: body.icon ?? null,
    });
    return reply.status(201).send({ ...present(created), client_secret: clientSecret });
  });

  app.get('/api/developer/apps/:id', { schema: { params: AppIdParams } }, async (request) =>
    present(await ctx.apps.getOwned(requireSession(request).userId, request.params.id)),
  );

  app.patch(
    '/api/developer/apps/:id',
    { schema: { params: AppIdParams, body: AppUpdateBody } },
    async (request) => {
      const body = request.body;
      return present(
        await ctx.apps.update(requireSession(request).userId, request.params.id, {
          name: body.name,
          description: body.description,
          websiteUrl: body.website_url,
          redirectUris: body.redirect_uris,
          iconBase64: body.icon,
        }),
      );
    },
  );

  app.delete('/api/developer/apps/:id', { schema: { params: AppIdParams } }, async (request, reply) => {
    await ctx.apps.delete(requireSession(request).userId, request.params.id);
    return reply.status(204).send();
  });

  app.post('/api/developer/apps/:id/secret', { schema: { params: AppIdParams } }, async (request) => {
    const { app: rotated, clientSecret } = await ctx.apps.rotateSecret(
      requireSession(request).userId,
      request.params.id,
    );
    return { ...present(rotated), client_secret: clientSecret };
  });

  app.get('/api/developer/apps/:id/tokens', { schema: { params: AppIdParams } }, async (request) => {
    const session = requireSession(request);
    const owned = await ctx.apps.getOwned(session.userId, request.params.id);
    return { items: (await ctx.tokens.listForApp(session.userId, owned.id)).map(presentToken) };
  });

  app.post(
    '/api/developer/apps/:id/tokens',
    { schema: { params: AppIdParams, body: TokenCreateBody } },
    async (request, reply) => {
      const session = requireSession(request);
      const owned = await ctx.apps.getOwned(session.userId, request.params.id);
      if (owned.status !== 'APPROVED')
        throw notPermitted('The app must be approved before it can generate tokens.');
      const { scopes, unknown } = parseScopes(request.body.scopes.join(','));
      if (unknown.length > 0) throw invalidField('scopes', `has unknown scopes: ${unknown.join(', ')}`);
      if (scopes.length === 0) throw invalidField('scopes', 'needs at least one scope');
      const { access, refresh } = await ctx.tokens.issueGrant({
        userId: session.userId,
        appId: owned.id,
        scopes,
      });
      return reply.status(201).send({
        access_token: access.token,
        access_token_id: access.id,
        access_token_prefix: access.prefix,
        access_token_expires_at: toRfc3339(access.expiresAt),
        refresh_token: refresh.token,
        refresh_token_id: refresh.id,
        refresh_token_expires_at: toRfc3339(refresh.expiresAt),
        token_type: 'bearer',
        scope: scopes.join(','),
      });
    },
  );

  app.delete(
    '/api/developer/apps/:id/tokens/:tokenId',
    { schema: { params: TokenParams } },
    async (request, reply) => {
      const session = requireSession(request);
      const owned = await ctx.apps.getOwned(session.userId, request.params.id);
      const token = await ctx.tokens.findById(request.params.tokenId);
      if (!token || token.appId !== owned.id || token.userId !== session.userId)
        throw notFound('Token not found.');
      await ctx.tokens.revoke(token.id);
      return reply.status(204).send();
    },
  );

  app.get('/api/admin/apps', { schema: { querystring: ReviewQuery } }, async (request) => {
    await requireAdmin(request);
    return { items: (await ctx.apps.listForReview(request.query.status ?? 'PENDING')).map(present) };
  });

  app.post('/api/admin/apps/:id/approve', { schema: { params: AppIdParams } }, async (request) => {
    const adminId = await requireAdmin(request);
    return present(await ctx.apps.approve(adminId, request.params.id));
  });

  app.post(
    '/api/admin/apps/:id/reject',
    { schema: { params: AppIdParams, body: RejectBody } },
    async (request) => {
      const adminId = await requireAdmin(request);
      return present(await ctx.apps.reject(adminId, request.params.id, request.body.reason));
    },
  );

  app.post('/api/admin/apps/:id/upgrade', { schema: { params: AppIdParams } }, async (request) => {
    await requireAdmin(request);
    return present(await ctx.apps.upgrade(request.params.id));
  });
}
