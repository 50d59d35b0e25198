import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

describe(`the corkboard CLI on ${TEST_DATABASE}`, () => {
  useCliEnvironment('cli');

  it('migrate applies the migrations once, then says the database is up to date', async () => {
    const first = await corkboard('migrate');
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('0001_initial') });
    const second = await corkboard('migrate');
    expect(second).toMatchObject({ code: 0, stdout: 'The database is up to date.' });
  });

  it('token create prints a pina_ token for the user that the API accepts, with the scopes asked for', async () => {
    const config = loadConfig();
    const app = await buildApp(config, { logger: false });
    await app.ctx.accounts.create({ username: 'cli_user' });
    await app.close();

    const result = await corkboard('token', 'create', '--user', 'cli_user', '--scopes', 'user_accounts:read');
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    // pina_, 7 characters naming the row (the listed prefix), then 256 random bits.
    expect(token).toMatch(/^pina_[A-Za-z0-9_-]{50}$/);

    const check = await buildApp(config, { logger: false });
    try {
      const ok = await check.inject({
        method: 'GET',
        url: '/v5/user_account',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().username).toBe('cli_user');
      const noScope = await check.inject({
        method: 'GET',
        url: '/v5/boards',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(noScope.statusCode).toBe(403);
    } finally {
      await check.close();
    }
  });

  it('token create explains an unknown user, an unknown scope and a bad lifetime', async () => {
    const unknownUser = await corkboard('token', 'create', '--user', 'nobody_here');
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toContain('No user named "nobody_here"');
    const unknownScope = await corkboard(
      'token',
      'create',
      '--user',
      'cli_user',
      '--scopes',
      'boards:read,boards:fly',
    );
    expect(unknownScope.code).toBe(1);
    expect(unknownScope.stderr).toContain('boards:fly');
    const badTtl = await corkboard('token', 'create', '--user', 'cli_user', '--ttl-days', 'soon');
    expect(badTtl.code).toBe(1);
    expect(badTtl.stderr).toContain('--ttl-days');
  });
});
