import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { clearSessionCookie, requireSession, setSessionCookie } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { presentSignedInUser } from './auth-presenter.js';
import {
  AcceptedSchema,
  LoginBodySchema,
  PasswordChangeBodySchema,
  PasswordResetBodySchema,
  PasswordResetConfirmBodySchema,
  SignedInUserSchema,
  SignupBodySchema,
  VerifyEmailBodySchema,
} from './auth-schemas.js';
import { LoginRateLimited, type SignedIn } from './auth-service.js';

const tags = ['web: accounts'];
const NoContent = Type.Null({ description: 'Done.' });

/** Sign-up, log-in, passwords and email verification for the web app (cookie sessions, CSRF). */
export function registerAuthRoutes(app: App, ctx: AppContext): void {
  const startSession = (reply: FastifyReply, signedIn: SignedIn) =>
    setSessionCookie(reply, ctx.config.publicUrl, signedIn.session.token, signedIn.session.expiresAt);
  const userAgent = (headers: Record<string, unknown>) => String(headers['user-agent'] ?? '');

  app.post(
    '/api/auth/signup',
    {
      schema: {
        operationId: 'auth/signup',
        tags,
        summary: 'Sign up',
        description:
          'Creates an account and signs it in (session cookie); sends a verification email. Needs an invite code when sign-up is invite-only; 403 when it is closed.',
        body: SignupBodySchema,
        response: { 201: SignedInUserSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { email, username, password, invite_code, account_type, business_name } = request.body;
      const signedIn = await ctx.auth.signup(
        {
          email,
          username,
          password,
          inviteCode: invite_code,
          accountType: account_type,
          businessName: business_name,
        },
        userAgent(request.headers),
      );
      startSession(reply, signedIn);
      return reply.status(201).send(presentSignedInUser(signedIn.user));
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        operationId: 'auth/login',
        tags,
        summary: 'Log in',
        description:
          'Starts a session (cookie). The same 401 for an unknown user and a wrong password; 429 with Retry-After after too many attempts.',
        body: LoginBodySchema,
        response: { 200: SignedInUserSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      try {
        const signedIn = await ctx.auth.login(
          { usernameOrEmail: request.body.username_or_email, password: request.body.password },
          request.ip,
          userAgent(request.headers),
        );
        startSession(reply, signedIn);
        return presentSignedInUser(signedIn.user);
      } catch (error) {
        if (error instanceof LoginRateLimited) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        operationId: 'auth/logout',
        tags,
        summary: 'Log out',
        description: 'Ends the session and clears its cookie.',
        response: { 204: NoContent, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      if (request.session) await ctx.auth.logout(request.session);
      clearSessionCookie(reply, ctx.config.publicUrl);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        operationId: 'auth/me',
        tags,
        summary: 'The signed-in user',
        response: { 200: SignedInUserSchema, default: ErrorSchema },
      },
    },
    async (request) => presentSignedInUser(await ctx.auth.me(requireSession(request))),
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        operationId: 'auth/change_password',
        tags,
        summary: 'Change password',
        description:
          "Changes the signed-in user's password; their other sessions end and all their API tokens are revoked.",
        body: PasswordChangeBodySchema,
        response: { 204: NoContent, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.auth.changePassword(requireSession(request), {
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      schema: {
        operationId: 'auth/request_password_reset',
        tags,
        summary: 'Ask for a password reset link',
        description:
          'Always 202, whether or not the address has an account; when it does, a one-time link (1 hour) is emailed.',
        body: PasswordResetBodySchema,
        response: { 202: AcceptedSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      ctx.auth.requestPasswordReset(request.body.email);
      return reply.status(202).send({
        message: 'If an account uses that address, a link to reset its password is on its way.',
      });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      schema: {
        operationId: 'auth/confirm_password_reset',
        tags,
        summary: 'Set a new password from a reset link',
        description: 'Single use. Every session of the user ends and all their API tokens are revoked.',
        body: PasswordResetConfirmBodySchema,
        response: { 204: NoContent, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.auth.confirmPasswordReset({
        token: request.body.token,
        newPassword: request.body.new_password,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/verify-email',
    {
      schema: {
        operationId: 'auth/verify_email',
        tags,
        summary: 'Verify an email address',
        description: 'Uses the token of a verification link (single use, 24 hours).',
        body: VerifyEmailBodySchema,
        response: { 200: SignedInUserSchema, default: ErrorSchema },
      },
    },
    async (request) => presentSignedInUser(await ctx.auth.verifyEmail(request.body.token)),
  );

  app.post(
    '/api/auth/verify-email/resend',
    {
      schema: {
        operationId: 'auth/resend_verification',
        tags,
        summary: 'Send the verification link again',
        response: { 202: AcceptedSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.auth.resendVerification(requireSession(request));
      return reply.status(202).send({ message: 'A new verification link is on its way.' });
    },
  );
}
