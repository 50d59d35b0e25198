import { randomBytes } from 'node:crypto';
import type { App } from '../../src/http/types.js';
import type { UserRow } from '../../src/modules/accounts/repo.js';
import { ALL_SCOPES, type Scope } from '../../src/modules/tokens/scopes.js';

/** Every scope Corkboard issues: the default for a factory token. */
export const EVERY_SCOPE: Scope[] = [...ALL_SCOPES];

export interface TestUser {
  user: UserRow;
  token: string;
  /** Authorization header for app.inject. */
  auth: { authorization: string };
}

/** Builds test data through the services, each piece with its own owner unless one is given. */
export class Factories {
  constructor(private readonly app: App) {}

  async user(
    options: { username?: string; accountType?: 'PINNER' | 'BUSINESS'; scopes?: Scope[] } = {},
  ): Promise<TestUser> {
    const ctx = this.app.ctx;
    const user = await ctx.accounts.create({
      username: options.username ?? `user_${randomBytes(4).toString('hex')}`,
      accountType: options.accountType ?? 'PINNER',
      businessName: options.accountType === 'BUSINESS' ? 'Test Business' : null,
    });
    const token = await this.token(user.id, options.scopes ?? EVERY_SCOPE);
    return { user, token, auth: { authorization: `Bearer ${token}` } };
  }

  async token(userId: string, scopes: Scope[], ttlSeconds?: number): Promise<string> {
    const ctx = this.app.ctx;
    const issued = await ctx.tokens.issue({ userId, appId: await ctx.apps.builtinCliAppId(), scopes, ttlSeconds });
    return issued.token;
  }

  /** A token for the same user without some scopes. */
  async tokenWithout(userId: string, without: string[]): Promise<{ authorization: string }> {
    const token = await this.token(
      userId,
      EVERY_SCOPE.filter((s) => !without.includes(s)),
    );
    return { authorization: `Bearer ${token}` };
  }
}
