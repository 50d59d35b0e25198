import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ErrorSchema, PageQuery, Paginated } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { presentInvite, presentOutboxMessage } from './presenter.js';
import { InviteCreateSchema, InviteSchema, OutboxMessageSchema, SignupSettingSchema } from './schemas.js';

const tags = ['web: admin'];

/** Server administration for admins' web sessions; anyone else gets 403 code 29. */
export function registerAdminRoutes(app: App, ctx: AppContext): void {
  const requireAdmin = (request: FastifyRequest) => ctx.admin.requireAdmin(requireSession(request));

  app.get(
    '/api/admin/settings/signup',
    {
      schema: {
        operationId: 'admin/get_signup_setting',
        tags,
        summary: 'Who may sign up',
        response: { 200: SignupSettingSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      await requireAdmin(request);
      return { mode: await ctx.admin.signupMode() };
    },
  );

  app.put(
    '/api/admin/settings/signup',
    {
      schema: {
        operationId: 'admin/set_signup_setting',
        tags,
        summary: 'Set who may sign up',
        body: SignupSettingSchema,
        response: { 200: SignupSettingSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      await requireAdmin(request);
      return { mode: await ctx.admin.setSignupMode(request.body.mode) };
    },
  );

  app.post(
    '/api/admin/invites',
    {
      schema: {
        operationId: 'admin/create_invite',
        tags,
        summary: 'Create an invite code',
        description: 'The code is shown once; it works for one sign-up within 14 days.',
        body: Type.Optional(InviteCreateSchema),
        response: { 201: InviteSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const admin = await requireAdmin(request);
      const invite = await ctx.admin.createInvite(admin.id, request.body?.email?.trim() || null);
      return reply.status(201).send(presentInvite(invite));
    },
  );

  app.get(
    '/api/admin/outbox',
    {
      schema: {
        operationId: 'admin/list_outbox',
        tags,
        summary: 'Mail the server sent',
        description: 'Newest first. Every message is kept here, whether or not SMTP_URL is set.',
        querystring: Type.Object(PageQuery),
        response: { 200: Paginated(OutboxMessageSchema, 'Messages'), default: ErrorSchema },
      },
    },
    async (request) => {
      await requireAdmin(request);
      const page = await ctx.admin.listOutbox({
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map(presentOutboxMessage), bookmark: page.bookmark };
    },
  );
}
