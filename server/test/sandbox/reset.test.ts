import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoIfEmpty } from '../../src/modules/demo/seed.js';
import { Browser } from '../accounts/browser.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';
import { base64Source, testJpeg } from '../helpers/images.js';

function mediaFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'media');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe(`POST /_corkboard/reset on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it(
    'brings the sandbox back to the seeded demo: added users, boards, pins and files are gone, the demo is new',
    { timeout: 120_000 },
    async () => {
      const first = await seedDemoIfEmpty(t.app);
      const demoBefore = (await t.app.ctx.accounts.getByUsername('demo'))!;
      const filesOfDemo = mediaFiles(t.dataDir).length;

      const extra = await t.factories.user({ username: 'added_after_seed' });
      const board = await t.factories.board({ owner: extra });
      const created = await t.app.inject({
        method: 'POST',
        url: '/v5/pins',
        headers: extra.auth,
        payload: { board_id: board.id, media_source: base64Source(await testJpeg()) },
      });
      expect(created.statusCode).toBe(201);
      expect(mediaFiles(t.dataDir).length).toBeGreaterThan(filesOfDemo);

      const res = await t.app.inject({
        method: 'POST',
        url: '/_corkboard/reset',
        headers: { authorization: `Bearer ${first.token}` },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        status: string;
        demo: { token: string; passwords: Record<string, string> };
      };
      expect(body.status).toBe('reset');
      expect(Object.keys(body.demo.passwords).sort()).toEqual(['alice', 'demo']);

      expect(await t.app.ctx.accounts.getByUsername('added_after_seed')).toBeNull();
      const demoAfter = (await t.app.ctx.accounts.getByUsername('demo'))!;
      expect(demoAfter.id).not.toBe(demoBefore.id);
      expect(mediaFiles(t.dataDir).length).toBe(filesOfDemo);

      // The old token went with the old rows; the new one sees the seeded boards.
      const old = await t.app.inject({
        method: 'GET',
        url: '/v5/boards',
        headers: { authorization: `Bearer ${first.token}` },
      });
      expect(old.statusCode).toBe(401);
      const boards = await t.app.inject({
        method: 'GET',
        url: '/v5/boards',
        headers: { authorization: `Bearer ${body.demo.token}` },
      });
      expect(boards.statusCode).toBe(200);
      expect((boards.json() as { items: { name: string }[] }).items.map((b) => b.name).sort()).toEqual([
        'Autumn palettes',
        'Kitchen ideas',
        'Launch plans',
        'Ocean blues',
      ]);
    },
  );

  it(
    "an administrator's web session resets with the CSRF token and is refused without it",
    { timeout: 120_000 },
    async () => {
      const admin = (await t.app.ctx.accounts.getByUsername('demo'))!;
      const browser = new Browser(t.app);
      browser.cookies.set('cb_session', (await t.app.ctx.sessions.create(admin.id)).token);
      const noCsrf = await browser.post('/_corkboard/reset', undefined, { csrf: false });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json()).toMatchObject({ code: 29, message: expect.stringContaining('CSRF') });
      expect((await t.app.ctx.accounts.getByUsername('demo'))!.id).toBe(admin.id);

      const ok = await browser.post('/_corkboard/reset');
      expect(ok.statusCode).toBe(200);
      expect((await t.app.ctx.accounts.getByUsername('demo'))!.id).not.toBe(admin.id);
    },
  );

  it('refuses anyone but an administrator and changes nothing', async () => {
    const pinner = await t.factories.user({ username: 'not_an_admin' });
    const forbidden = await t.app.inject({ method: 'POST', url: '/_corkboard/reset', headers: pinner.auth });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ code: 29, message: 'Only administrators may reset the sandbox.' });
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/_corkboard/reset',
      headers: { authorization: 'Bearer pina_not_a_real_token' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 2 });
    expect(await t.app.ctx.accounts.getByUsername('not_an_admin')).not.toBeNull();
  });
});

describe(`POST /_corkboard/reset in production mode on ${TEST_DATABASE}`, () => {
  it('refuses with a message naming production mode, even for an administrator', async () => {
    const t = await buildTestApp({ CORKBOARD_MODE: 'production' });
    try {
      const admin = await t.factories.user({ username: 'prod_admin' });
      await t.app.ctx.admin.grant('prod_admin');
      const res = await t.app.inject({ method: 'POST', url: '/_corkboard/reset', headers: admin.auth });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 29, message: expect.stringContaining('production mode') });
      expect(await t.app.ctx.accounts.getByUsername('prod_admin')).not.toBeNull();
    } finally {
      await t.close();
    }
  });
});

describe(`corkboard reset on ${TEST_DATABASE}`, () => {
  useCliEnvironment('reset_cli');

  it('asks for --yes, refuses in production mode, and with --yes leaves an empty sandbox when SEED_DEMO is off', async () => {
    process.env.SEED_DEMO = 'false';
    const { buildApp } = await import('../../src/app.js');
    const { loadConfig } = await import('../../src/config.js');
    const app = await buildApp(loadConfig(), { logger: false });
    await app.ctx.accounts.create({ username: 'wiped_by_reset' });
    await app.close();

    const unconfirmed = await corkboard('reset');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('--yes');

    process.env.CORKBOARD_MODE = 'production';
    delete process.env.SEED_DEMO;
    const production = await corkboard('reset', '--yes');
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('production mode');
    delete process.env.CORKBOARD_MODE;
    process.env.SEED_DEMO = 'false';

    const check = async () => {
      const again = await buildApp(loadConfig(), { logger: false });
      try {
        return await again.ctx.accounts.getByUsername('wiped_by_reset');
      } finally {
        await again.close();
      }
    };
    expect(await check()).not.toBeNull();
    const reset = await corkboard('reset', '--yes');
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringContaining('SEED_DEMO is off') });
    expect(await check()).toBeNull();
  });
});
