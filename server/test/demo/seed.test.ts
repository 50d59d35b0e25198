import fs from 'node:fs';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemoIfEmpty, type DemoInfo } from '../../src/modules/demo/seed.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

describe('the demo seed', () => {
  let t: TestApp;
  let demo: DemoInfo;
  beforeAll(async () => {
    t = await buildTestApp();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // the progress bar
    demo = await seedDemoIfEmpty(t.app);
    vi.restoreAllMocks();
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, token = demo.token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('creates a business account demo (an admin) and a personal account alice with working passwords', async () => {
    const demoUser = await t.app.ctx.accounts.getByUsername('demo');
    const alice = await t.app.ctx.accounts.getByUsername('alice');
    expect(demoUser).toMatchObject({ accountType: 'BUSINESS', isAdmin: true });
    expect(alice).toMatchObject({ accountType: 'PINNER', isAdmin: false });
    const row = await t.app.ctx.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username_key', '=', 'demo')
      .executeTakeFirstOrThrow();
    expect(await verify(row.password_hash!, demo.passwords.demo!)).toBe(true);
  });

  it('gives the demo token every scope and keeps it in DATA_DIR/demo-token, readable by its owner only', async () => {
    const file = path.join(t.dataDir, 'demo-token');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(demo.token);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(t.dataDir, 'demo-credentials.json')).mode & 0o077).toBe(0);
    const account = await get('/v5/user_account');
    expect(account.json()).toMatchObject({ username: 'demo', account_type: 'BUSINESS' });
  });

  it('has several boards, one secret and one with sections, and about 60 pins with real images', async () => {
    const boards = (await get('/v5/boards?page_size=50')).json().items as Array<{
      id: string;
      privacy: string;
      pin_count: number;
    }>;
    expect(boards.length).toBeGreaterThanOrEqual(4);
    expect(boards.some((b) => b.privacy === 'SECRET')).toBe(true);
    let withSections = 0;
    for (const board of boards) {
      const sections = (await get(`/v5/boards/${board.id}/sections`)).json().items;
      if (sections.length > 0) withSections++;
    }
    expect(withSections).toBeGreaterThanOrEqual(1);
    const totalPins = await t.app.ctx.database.db
      .selectFrom('pins')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(totalPins.n)).toBeGreaterThanOrEqual(55);
    expect(Number(totalPins.n)).toBeLessThanOrEqual(70);

    const pin = (await get('/v5/pins?page_size=1')).json().items[0];
    const key = new URL(pin.media.images['600x'].url).pathname;
    const image = await t.app.inject({ method: 'GET', url: key });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
  });

  it('hides the demo secret board from alice', async () => {
    const aliceToken = await t.factories.token((await t.app.ctx.accounts.getByUsername('alice'))!.id, [
      'boards:read',
      'pins:read',
    ]);
    const demoBoards = (await get('/v5/boards?page_size=50')).json().items as Array<{
      id: string;
      privacy: string;
    }>;
    const secret = demoBoards.find((b) => b.privacy === 'SECRET')!;
    expect((await get(`/v5/boards/${secret.id}`, aliceToken)).statusCode).toBe(404);
  });

  it('gives the demo account 90 days of analytics on its pins, and alice none', async () => {
    const db = t.app.ctx.database.db;
    const demoUser = (await t.app.ctx.accounts.getByUsername('demo'))!;
    const alice = (await t.app.ctx.accounts.getByUsername('alice'))!;
    const days = await db
      .selectFrom('analytics_account_daily')
      .select(['day', (eb) => eb.fn.sum<string>('impression').as('impressions')])
      .where('user_id', '=', demoUser.id)
      .groupBy('day')
      .execute();
    expect(days.length).toBe(90);
    expect(days.every((d) => Number(d.impressions) > 0)).toBe(true);
    const pins = await db
      .selectFrom('analytics_account_pin_daily')
      .select('pin_id')
      .distinct()
      .where('user_id', '=', demoUser.id)
      .execute();
    expect(pins.length).toBeGreaterThanOrEqual(30);
    const aliceRows = await db
      .selectFrom('analytics_account_daily')
      .select('day')
      .where('user_id', '=', alice.id)
      .execute();
    expect(aliceRows).toEqual([]);
  });

  it('does nothing on a second start and hands back the same credentials', async () => {
    const again = await seedDemoIfEmpty(t.app);
    expect(again).toEqual({ ...demo, created: false });
    const users = await t.app.ctx.database.db.selectFrom('users').select('id').execute();
    expect(users.length).toBe(2);
  });
});
