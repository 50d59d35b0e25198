import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { buildTestApp, loadTestConfig, openTestDatabase } from '../helpers/app.js';

// The bench-only options of buildApp (bench/auth-overhead.mjs): what they do, and that
// production refuses them.
describe('API guards switched off for benchmarks', () => {
  it('skips every guard while the switch is off, and only then', async () => {
    const state = { guardsOff: false };
    const t = await buildTestApp({}, { benchApiGuardSwitch: { caller: { userId: '1', appId: '1' }, state } });
    try {
      const guarded = await t.app.inject({ method: 'GET', url: '/v5/boards' });
      expect(guarded.statusCode).toBe(401);
      state.guardsOff = true;
      const open = await t.app.inject({ method: 'GET', url: '/v5/boards' });
      expect(open.statusCode).toBe(200);
      expect(open.json()).toEqual({ items: [], bookmark: null });
      expect(open.headers['x-ratelimit-remaining']).toBeUndefined();
      state.guardsOff = false;
      expect((await t.app.inject({ method: 'GET', url: '/v5/boards' })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['benchWithoutApiGuards', { benchWithoutApiGuards: { userId: '1', appId: '1' } }],
    [
      'benchApiGuardSwitch',
      { benchApiGuardSwitch: { caller: { userId: '1', appId: '1' }, state: { guardsOff: true } } },
    ],
  ])('%s is refused in production mode', async (_name, benchOption) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-data-'));
    const { database, dropAll } = await openTestDatabase();
    try {
      const config = loadTestConfig(dataDir, { CORKBOARD_MODE: 'production' });
      await expect(buildApp(config, { ...benchOption, database, logger: false })).rejects.toThrow(
        /benchmarks in sandbox mode only/,
      );
    } finally {
      await dropAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
