import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Factories } from '../helpers/factories.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

describe(`corkboard analytics simulate on ${TEST_DATABASE}`, () => {
  useCliEnvironment('analytics_sim');

  it("writes the user's history and prints a summary whose totals the roll-ups hold", async () => {
    const config = loadConfig();
    const setup = await buildApp(config, { logger: false });
    const factories = new Factories(setup);
    const owner = await factories.user({ username: 'sim_shop', accountType: 'BUSINESS' });
    for (let i = 0; i < 12; i += 1) await factories.pin({ owner, link: `https://shop.test/${i}` });
    await setup.close();

    const result = await corkboard(
      'analytics',
      'simulate',
      '--user',
      'sim_shop',
      '--days',
      '14',
      '--seed',
      '3',
      '--today',
      '2026-06-15',
      '--daily-impressions',
      '300',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Simulated 14 days (2026-06-01 to 2026-06-14, seed 3) for sim_shop: 12 pins (0 video).',
    );
    const printed = Number(/impressions\s+([\d,]+)/.exec(result.stdout)![1]!.replace(/,/g, ''));
    expect(printed).toBeGreaterThan(14 * 300 * 0.6);

    const check = await buildApp(config, { logger: false });
    try {
      const rows = await sql<{ n: string; first: string; last: string }>`
        select sum(impression) as n, min(day) as first, max(day) as last from analytics_account_daily
        where user_id = ${owner.user.id}`.execute(check.ctx.database.db);
      expect(rows.rows[0]).toEqual({ n: expect.anything(), first: '2026-06-01', last: '2026-06-14' });
      expect(Number(rows.rows[0]!.n)).toBe(printed);
    } finally {
      await check.close();
    }
  });

  it('explains an unknown user and bad options, writing nothing', async () => {
    const unknown = await corkboard('analytics', 'simulate', '--user', 'nobody_here');
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No user named "nobody_here"'),
    });
    const days = await corkboard('analytics', 'simulate', '--user', 'sim_shop', '--days', '0');
    expect(days).toMatchObject({ code: 1, stderr: expect.stringContaining('--days') });
    const seed = await corkboard('analytics', 'simulate', '--user', 'sim_shop', '--seed', 'x');
    expect(seed).toMatchObject({ code: 1, stderr: expect.stringContaining('--seed') });
    const today = await corkboard('analytics', 'simulate', '--user', 'sim_shop', '--today', '15/06/2026');
    expect(today).toMatchObject({ code: 1, stderr: expect.stringContaining('--today') });
  });
});
