import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

describe(`corkboard apps create and token create --app on ${TEST_DATABASE}`, () => {
  useCliEnvironment('cliapps');

  it('apps create prints JSON with a numeric client_id and a secret that authenticates at the token endpoint', async () => {
    const config = loadConfig();
    const setup = await buildApp(config, { logger: false });
    await setup.ctx.accounts.create({ username: 'cli_owner' });
    await setup.close();

    const result = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'CLI App',
      '--redirect-uri',
      'https://cli.example/cb',
      '--redirect-uri',
      'http://localhost:8765/cb',
      '--approve',
    );
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.client_id).toMatch(/^\d{7,19}$/);
    expect(printed.client_secret).toMatch(/^[0-9a-f]{40}$/);
    expect(printed).toMatchObject({
      status: 'APPROVED',
      tier: 'TRIAL',
      redirect_uris: ['https://cli.example/cb', 'http://localhost:8765/cb'],
    });

    const token = await corkboard(
      'token',
      'create',
      '--user',
      'cli_owner',
      '--app',
      printed.client_id,
      '--scopes',
      'user_accounts:read',
    );
    expect(token.code, token.stderr).toBe(0);

    const check = await buildApp(config, { logger: false });
    try {
      const res = await check.inject({
        method: 'POST',
        url: '/v5/oauth/token',
        headers: {
          authorization: `Basic ${Buffer.from(`${printed.client_id}:${printed.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials&scope=boards:read',
      });
      expect(res.statusCode).toBe(200);
      const row = await check.ctx.tokens.find(token.stdout.trim());
      expect(row?.appId).toBe(printed.id);
    } finally {
      await check.close();
    }
  });

  it('apps create without --approve leaves the app pending, and explains a bad redirect URI or owner', async () => {
    const pending = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'Later',
      '--redirect-uri',
      'https://later.example/cb',
    );
    expect(JSON.parse(pending.stdout).status).toBe('PENDING');
    const tokenForPending = await corkboard(
      'token',
      'create',
      '--user',
      'cli_owner',
      '--app',
      JSON.parse(pending.stdout).client_id,
    );
    expect(tokenForPending.code).toBe(1);
    const badUri = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'Bad',
      '--redirect-uri',
      'http://example.com/cb',
    );
    expect(badUri.code).toBe(1);
    expect(badUri.stderr).toContain('redirect_uris[0]');
    const noOwner = await corkboard(
      'apps',
      'create',
      '--owner',
      'nobody_here',
      '--name',
      'X',
      '--redirect-uri',
      'https://x.example/cb',
    );
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain('nobody_here');
  });
});
