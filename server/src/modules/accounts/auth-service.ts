import { randomBytes } from 'node:crypto';
import { caseKey } from '../../db/index.js';
import type { CounterStore } from '../../lib/counters.js';
import { ApiError, conflict, invalidField, notPermitted, unauthorized } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import type { AdminService } from '../admin/service.js';
import type { Mailer, MailMessage } from '../email/mailer.js';
import type { SessionContext, SessionsService } from '../sessions/service.js';
import { hashToken, type TokensService } from '../tokens/service.js';
import type { EmailTokenKind, EmailTokensRepo } from './email-tokens-repo.js';
import { checkNewPassword, hashPassword, passwordMatches } from './passwords.js';
import type { AccountsRepo, UserRow } from './repo.js';
import { USERNAME_PATTERN, type AccountsService } from './service.js';

export const RESET_TOKEN_TTL_MS = 3600 * 1000;
export const VERIFY_TOKEN_TTL_MS = 24 * 3600 * 1000;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const RESET_MAILS_PER_WINDOW = 5;
const EMAIL_MAX_LENGTH = 320;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** 429 code 8 for too many log-in attempts; the route turns retryAfterSeconds into Retry-After. */
export class LoginRateLimited extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 8, `Too many log-in attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}

export interface SignedIn {
  user: UserRow;
  session: { token: string; expiresAt: Date };
}

const LOGIN_FAILED = 'The username or password is incorrect.';

/**
 * Sign-up, log-in, passwords and email links for the web app. Sessions and tokens belong to
 * their own services; this decides when they start and end.
 */
export class AuthService {
  constructor(
    private readonly deps: {
      accounts: AccountsService;
      accountsRepo: AccountsRepo;
      emailTokens: EmailTokensRepo;
      sessions: SessionsService;
      tokens: TokensService;
      admin: AdminService;
      mailer: Mailer;
      counters: CounterStore;
      ids: IdGenerator;
      loginAttemptsPer15Minutes: number;
    },
  ) {}

  /** New account and session. Sign-up mode decides whether it needs an invite or is refused. */
  async signup(
    input: {
      email: string;
      username: string;
      password: string;
      inviteCode?: string;
      accountType?: 'PINNER' | 'BUSINESS';
      businessName?: string;
    },
    userAgent: string,
  ): Promise<SignedIn> {
    const { accounts, accountsRepo, admin, sessions } = this.deps;
    const mode = await admin.signupMode();
    if (mode === 'closed') throw notPermitted('Sign-up is closed on this server. Ask an administrator.');
    const email = checkEmail('email', input.email);
    if (!USERNAME_PATTERN.test(input.username)) {
      throw invalidField('username', 'must be 3 to 30 letters, digits or underscores');
    }
    checkNewPassword('password', input.password);
    const accountType = input.accountType ?? 'PINNER';
    const businessName = input.businessName?.trim() ?? '';
    if (accountType === 'BUSINESS' && businessName.length === 0) {
      throw invalidField('business_name', 'is required for a business account');
    }
    const invite = mode === 'invite_only' ? await admin.usableInvite(input.inviteCode ?? '') : null;
    if (mode === 'invite_only' && !invite) {
      throw notPermitted(
        input.inviteCode
          ? 'That invite code is invalid, already used or expired.'
          : 'Sign-up on this server is by invitation: an invite_code is required.',
      );
    }
    if (invite?.email && caseKey(invite.email) !== caseKey(email)) {
      throw notPermitted('That invite code is for another email address.');
    }
    // The first account of a fresh install runs it.
    const isAdmin = !(await accountsRepo.hasAnyUser());
    const user = await accounts.create({
      username: input.username,
      email,
      passwordHash: await hashPassword(input.password),
      isAdmin,
      accountType,
      businessName: accountType === 'BUSINESS' ? businessName : null,
    });
    if (invite && !(await admin.claimInvite(invite, user.id))) {
      await accountsRepo.deleteById(user.id);
      throw notPermitted('That invite code is invalid, already used or expired.');
    }
    this.queueVerification(user.id, email);
    return { user, session: await sessions.create(user.id, userAgent) };
  }

  /** Same 401 for an unknown user and a wrong password; attempts counted per name and address. */
  async login(
    input: { usernameOrEmail: string; password: string },
    clientIp: string,
    userAgent: string,
  ): Promise<SignedIn> {
    const { counters, loginAttemptsPer15Minutes: limit } = this.deps;
    const name = input.usernameOrEmail.trim();
    const nameKey = `login:name:${caseKey(name)}`;
    const [byName, byIp] = await Promise.all([
      counters.hit(nameKey, LOGIN_WINDOW_MS, limit),
      counters.hit(`login:ip:${clientIp}`, LOGIN_WINDOW_MS, limit),
    ]);
    const blocked = [byName, byIp].filter((hit) => !hit.allowed);
    if (blocked.length > 0) {
      throw new LoginRateLimited(Math.max(...blocked.map((hit) => hit.resetSeconds)));
    }
    const found =
      name.length > 0 && name.length <= EMAIL_MAX_LENGTH
        ? await this.deps.accountsRepo.findCredentials(name)
        : null;
    if (!(await passwordMatches(found?.passwordHash ?? null, input.password)) || !found) {
      throw unauthorized(LOGIN_FAILED);
    }
    await counters.reset(nameKey);
    return { user: found.user, session: await this.deps.sessions.create(found.user.id, userAgent) };
  }

  async logout(session: SessionContext): Promise<void> {
    await this.deps.sessions.end(session.sessionId);
  }

  async me(session: SessionContext): Promise<UserRow> {
    const user = await this.deps.accounts.getById(session.userId);
    if (!user) throw unauthorized('Log in first.');
    return user;
  }

  /** Changes the password; every other session of the user ends and all their API tokens stop working. */
  async changePassword(
    session: SessionContext,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    const { accountsRepo, sessions, tokens } = this.deps;
    checkNewPassword('new_password', input.newPassword);
    const current = await accountsRepo.findPasswordHash(session.userId);
    if (!(await passwordMatches(current, input.currentPassword))) {
      throw invalidField('current_password', 'is not your current password');
    }
    await accountsRepo.setPassword(session.userId, await hashPassword(input.newPassword), nowIso());
    await sessions.endOthers(session.userId, session.sessionId);
    await tokens.revokeAllForUser(session.userId);
  }

  /**
   * Sends a reset link when the address belongs to an account. The caller answers the same
   * either way, at once: the lookup and the mail happen off the request path.
   */
  requestPasswordReset(email: string): void {
    if (email.length > EMAIL_MAX_LENGTH) return;
    this.deps.mailer.queue(async () => {
      // A few links per address per window: nobody can flood an inbox through this form.
      const hit = await this.deps.counters.hit(
        `reset:${caseKey(email)}`,
        LOGIN_WINDOW_MS,
        RESET_MAILS_PER_WINDOW,
      );
      if (!hit.allowed) return null;
      const user = await this.deps.accountsRepo.findByEmail(email);
      if (!user?.email) return null;
      const token = await this.issueEmailToken(user.id, 'reset_password', user.email, RESET_TOKEN_TTL_MS);
      return resetMessage(user, this.deps.mailer.link('/reset-password', token));
    });
  }

  /** Sets a new password from a reset link; every session ends and every API token is revoked. */
  async confirmPasswordReset(input: { token: string; newPassword: string }): Promise<void> {
    checkNewPassword('new_password', input.newPassword);
    const { accountsRepo, emailTokens, sessions, tokens } = this.deps;
    const row = await this.useEmailToken(input.token, 'reset_password');
    const at = nowIso();
    await accountsRepo.setPassword(row.userId, await hashPassword(input.newPassword), at);
    await emailTokens.markAllUsed(row.userId, 'reset_password', at);
    await sessions.endOthers(row.userId);
    await tokens.revokeAllForUser(row.userId);
  }

  /** Marks the address of a verification link verified (if it is still the account's address). */
  async verifyEmail(token: string): Promise<UserRow> {
    const row = await this.useEmailToken(token, 'verify_email');
    if (!(await this.deps.accountsRepo.markEmailVerified(row.userId, row.email, nowIso()))) {
      throw invalidField('token', 'is for an address this account no longer uses');
    }
    return (await this.deps.accounts.getById(row.userId))!;
  }

  async resendVerification(session: SessionContext): Promise<void> {
    const user = await this.me(session);
    if (!user.email) throw invalidField('email', 'is not set on this account');
    if (user.emailVerifiedAt) throw conflict('Your email address is already verified.');
    this.queueVerification(user.id, user.email);
  }

  private queueVerification(userId: string, email: string): void {
    this.deps.mailer.queue(async () => {
      const user = await this.deps.accounts.getById(userId);
      if (!user) return null;
      const token = await this.issueEmailToken(userId, 'verify_email', email, VERIFY_TOKEN_TTL_MS);
      return verifyMessage(user, email, this.deps.mailer.link('/verify-email', token));
    });
  }

  private async issueEmailToken(
    userId: string,
    kind: EmailTokenKind,
    email: string,
    ttlMs: number,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.deps.emailTokens.insert({
      id: this.deps.ids.next(),
      tokenHash: hashToken(token),
      userId,
      kind,
      email,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    });
    return token;
  }

  /** Uses a one-time link token of a kind, or 400 code 1 saying why it cannot be used. */
  private async useEmailToken(token: string, kind: EmailTokenKind) {
    const row = token.length <= 100 ? await this.deps.emailTokens.findByHash(hashToken(token)) : null;
    if (!row || row.kind !== kind) throw invalidField('token', 'is not a valid link token');
    if (row.usedAt !== null) throw invalidField('token', 'has already been used');
    if (Date.parse(row.expiresAt) <= Date.now())
      throw invalidField('token', 'has expired; ask for a new link');
    if (!(await this.deps.emailTokens.markUsed(row.id, nowIso()))) {
      throw invalidField('token', 'has already been used');
    }
    return row;
  }
}

function checkEmail(field: string, value: string): string {
  const email = value.trim();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email)) {
    throw invalidField(field, 'must be an email address');
  }
  return email;
}

function resetMessage(user: UserRow, link: string): MailMessage {
  return {
    to: user.email!,
    subject: 'Reset your Corkboard password',
    text: [
      `Hi ${user.username},`,
      '',
      'Someone asked to reset the password of your Corkboard account. To choose a new one, open:',
      '',
      link,
      '',
      'The link works once and expires in 1 hour. If you did not ask for it, ignore this message.',
    ].join('\n'),
  };
}

function verifyMessage(user: UserRow, email: string, link: string): MailMessage {
  return {
    to: email,
    subject: 'Verify your email address for Corkboard',
    text: [
      `Hi ${user.username},`,
      '',
      'Please confirm this is your email address by opening:',
      '',
      link,
      '',
      'The link works once and expires in 24 hours.',
    ].join('\n'),
  };
}
