import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

describe(`corkboard admin grant on ${TEST_DATABASE}`, () => {
  useCliEnvironment('admin_cli');

  it('makes an existing user an admin and says so', async () => {
    const app = await buildApp(loadConfig(), { logger: false });
    await app.ctx.accounts.create({ username: 'future_admin' });
    await app.close();

    const result = await corkboard('admin', 'grant', 'future_admin');
    expect(result).toMatchObject({ code: 0, stdout: 'future_admin is now an administrator.' });

    const check = await buildApp(loadConfig(), { logger: false });
    try {
      expect((await check.ctx.accounts.getByUsername('future_admin'))?.isAdmin).toBe(true);
    } finally {
      await check.close();
    }
    const again = await corkboard('admin', 'grant', 'FUTURE_ADMIN');
    expect(again).toMatchObject({ code: 0, stdout: 'future_admin is already an administrator.' });
  });

  it('exits with code 1 and a clear message for an unknown user', async () => {
    const result = await corkboard('admin', 'grant', 'nobody_here');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No user named "nobody_here"');
  });
});
