import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { notPermitted, unauthorized } from '../lib/errors.js';
import { SESSION_COOKIE } from './session.js';
import type { App } from './types.js';

/**
 * Sandbox administration (/_corkboard/…): the caller is an administrator, through a web
 * session or an administrator's bearer token (scripts and CI). Returns the admin's user id.
 */
export async function requireSandboxAdministrator(
  ctx: AppContext,
  request: FastifyRequest,
  what: string,
): Promise<string> {
  if (ctx.config.mode !== 'sandbox')
    throw notPermitted(`${what} exists in sandbox mode only (CORKBOARD_MODE=sandbox).`);
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
  if (!user?.isAdmin) throw notPermitted(`Only administrators may use ${what}.`);
  return userId;
}

/** CSRF for cookie-session callers of a state-changing /_corkboard route (bearer callers need none). */
export function sandboxCsrf(app: App): preHandlerHookHandler {
  return (request, reply, done) => {
    if (request.headers.authorization) return done();
    app.csrfProtection(request, reply, done);
  };
}
