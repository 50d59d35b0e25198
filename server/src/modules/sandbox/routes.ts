import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { Nullable, ErrorSchema } from '../../http/schema-helpers.js';
import { SESSION_COOKIE } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { notPermitted, unauthorized } from '../../lib/errors.js';
import { resetSandbox, sandboxOnly } from './reset.js';

const tags = ['sandbox'];

const ResetResultSchema = Type.Object(
  {
    status: Type.Literal('reset', { description: 'The sandbox is back in its seeded state.' }),
    demo: Nullable(
      Type.Object({
        token: Type.String({ description: 'A new access token of the demo user, with every scope.' }),
        passwords: Type.Record(Type.String(), Type.String(), {
          description: 'New passwords of the demo accounts, by username.',
        }),
      }),
      { description: 'The new demo credentials; null when SEED_DEMO is off (the sandbox is then empty).' },
    ),
  },
  { $id: 'SandboxResetResult', description: 'Outcome of a sandbox reset.' },
);

/**
 * The caller must be an administrator: through a web session (with the CSRF token, like every
 * state-changing web call) or an administrator's bearer token (scripts and CI).
 */
async function requireAdministrator(ctx: AppContext, request: FastifyRequest): Promise<void> {
  let userId: string;
  if (request.headers.authorization) {
    userId = (await ctx.tokens.authenticate(request.headers.authorization)).userId;
  } else {
    const session = await ctx.sessions.resolve(request.cookies[SESSION_COOKIE]);
    if (!session)
      throw unauthorized(
        "Log in as an administrator, or send an administrator's access token as a Bearer token.",
      );
    userId = session.userId;
  }
  const user = await ctx.accounts.getById(userId);
  if (!user?.isAdmin) throw notPermitted('Only administrators may reset the sandbox.');
}

/** Sandbox administration under /_corkboard/ (sandbox mode only, administrators only). */
export function registerSandboxRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/_corkboard/reset',
    {
      schema: {
        tags,
        summary: 'Reset the sandbox to its seeded state',
        description:
          'Deletes every row and media file and runs the demo seed again. Sandbox mode only; administrators only.',
        response: { 200: ResetResultSchema, default: ErrorSchema },
      },
      preHandler: (request, reply, done) => {
        // Bearer tokens cannot be sent by another site's page; cookie sessions need the CSRF token.
        if (request.headers.authorization || ctx.config.mode !== 'sandbox') return done();
        app.csrfProtection(request, reply, done);
      },
    },
    async (request) => {
      if (ctx.config.mode !== 'sandbox') throw sandboxOnly('Reset');
      await requireAdministrator(ctx, request);
      const { demo } = await resetSandbox(app);
      request.log.warn('sandbox reset: every row and media file deleted, demo seeded again');
      return {
        status: 'reset' as const,
        demo: demo ? { token: demo.token, passwords: demo.passwords } : null,
      };
    },
  );
}
