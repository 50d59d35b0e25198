import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { AdAccountQuery, ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { presentVerificationCode, presentWebsiteSummary } from './presenter.js';
import {
  UserWebsiteSummarySchema,
  UserWebsiteVerificationCodeSchema,
  UserWebsiteVerifyRequestSchema,
  WebsiteQuery,
} from './schemas.js';

const tags = ['user_account'];

/** Pinterest's four website operations under /v5, and the same for the web app's session under /api. */
export function registerWebsiteRoutes(app: App, ctx: AppContext): void {
  const websites = ctx.websites;

  app.get(
    '/v5/user_account/websites/verification',
    {
      config: { operationId: 'website_verification/get', scopes: ['user_accounts:read'] },
      schema: {
        operationId: 'website_verification/get',
        tags,
        summary: 'Get user verification code for website claiming',
        description:
          "The account's verification code (made on first use) and the meta tag, file and DNS TXT record that carry it.",
        querystring: AdAccountQuery,
        response: { 200: UserWebsiteVerificationCodeSchema, default: ErrorSchema },
      },
    },
    async (request) => presentVerificationCode(await websites.verificationCode(callerOf(request).userId)),
  );

  app.post(
    '/v5/user_account/websites',
    {
      config: { operationId: 'verify_website/update', scopes: ['user_accounts:write'] },
      schema: {
        operationId: 'verify_website/update',
        tags,
        summary: 'Verify website',
        description:
          'Checks the website now by the chosen method and claims it for the account. 400 code 1 says why when the check fails.',
        querystring: AdAccountQuery,
        body: UserWebsiteVerifyRequestSchema,
        response: { 200: UserWebsiteSummarySchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { website, verification_method } = request.body;
      const row = await websites.verify(callerOf(request).userId, { website, method: verification_method });
      return presentWebsiteSummary(row);
    },
  );

  app.get(
    '/v5/user_account/websites',
    {
      config: { operationId: 'user_websites/get', scopes: ['user_accounts:read'] },
      schema: {
        operationId: 'user_websites/get',
        tags,
        summary: 'Get user websites',
        description: "The account's claimed websites, newest claim first.",
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Paginated(UserWebsiteSummarySchema, 'Websites'), default: ErrorSchema },
      },
    },
    async (request) => {
      const { bookmark, page_size } = request.query;
      const page = await websites.list(callerOf(request).userId, { bookmark, pageSize: page_size });
      return { items: page.items.map(presentWebsiteSummary), bookmark: page.bookmark };
    },
  );

  app.delete(
    '/v5/user_account/websites',
    {
      config: { operationId: 'unverify_website/delete', scopes: ['user_accounts:write'] },
      schema: {
        operationId: 'unverify_website/delete',
        tags,
        summary: 'Unverify website',
        description: 'Removes a claimed website. 404 when the account has not claimed it.',
        querystring: WebsiteQuery,
        response: { 204: Type.Null({ description: 'Website unverified.' }), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await websites.unverify(callerOf(request).userId, request.query.website);
      return reply.status(204).send(null);
    },
  );

  // The web app's claim step (cookie session + CSRF): the same service, the same shapes.
  const web = { tags: ['web: websites'] };
  const onRequest = async (request: FastifyRequest) => {
    requireSession(request);
  };
  app.get(
    '/api/websites/verification',
    {
      onRequest,
      schema: { ...web, response: { 200: UserWebsiteVerificationCodeSchema, default: ErrorSchema } },
    },
    async (request) =>
      presentVerificationCode(await websites.verificationCode(requireSession(request).userId)),
  );
  app.get(
    '/api/websites',
    {
      onRequest,
      schema: {
        ...web,
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Paginated(UserWebsiteSummarySchema, 'Websites'), default: ErrorSchema },
      },
    },
    async (request) => {
      const { bookmark, page_size } = request.query;
      const page = await websites.list(requireSession(request).userId, { bookmark, pageSize: page_size });
      return { items: page.items.map(presentWebsiteSummary), bookmark: page.bookmark };
    },
  );
  app.post(
    '/api/websites',
    {
      onRequest,
      schema: {
        ...web,
        body: UserWebsiteVerifyRequestSchema,
        response: { 200: UserWebsiteSummarySchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { website, verification_method } = request.body;
      const row = await websites.verify(requireSession(request).userId, {
        website,
        method: verification_method,
      });
      return presentWebsiteSummary(row);
    },
  );
  app.delete(
    '/api/websites',
    {
      onRequest,
      schema: {
        ...web,
        querystring: WebsiteQuery,
        response: { 204: Type.Null({ description: 'Website unverified.' }), default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await websites.unverify(requireSession(request).userId, request.query.website);
      return reply.status(204).send(null);
    },
  );
}
