import type { App } from '../../http/types.js';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { AdAccountQuery, ErrorSchema } from '../../http/schema-helpers.js';
import { presentAccount } from './presenter.js';
import { AccountSchema } from './schemas.js';

export function registerAccountRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/v5/user_account',
    {
      config: { operationId: 'user_account/get', scopes: ['user_accounts:read'] },
      schema: {
        operationId: 'user_account/get',
        tags: ['user_account'],
        summary: 'Get user account',
        querystring: AdAccountQuery,
        response: { 200: AccountSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const { user, boardCount, pinCount } = await ctx.accounts.getOwnAccount(callerOf(request));
      return presentAccount(user, { boardCount, pinCount }, (key) => ctx.media.urlFor(key));
    },
  );
}
