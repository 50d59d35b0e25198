import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { Browser, signUp } from './browser.js';

describe(`sign-up modes and admin endpoints on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let admin: Browser;
  let pinner: Browser;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = (await signUp(t.app, { username: 'the_admin' })).browser;
    pinner = (await signUp(t.app, { username: 'a_pinner' })).browser;
  });
  afterAll(async () => {
    await t?.close();
  });

  const setMode = async (mode: string) => {
    const res = await admin.put('/api/admin/settings/signup', { mode });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode });
  };

  it('is open by default', async () => {
    const res = await admin.get('/api/admin/settings/signup');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode: 'open' });
  });

  it('refuses every admin endpoint to a non-admin with 403 code 29, and to nobody with 401', async () => {
    const calls = [
      () => pinner.get('/api/admin/settings/signup'),
      () => pinner.put('/api/admin/settings/signup', { mode: 'closed' }),
      () => pinner.post('/api/admin/invites', {}),
      () => pinner.get('/api/admin/outbox'),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 29, message: expect.any(String) });
    }
    const anonymous = await new Browser(t.app).get('/api/admin/outbox');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe(2);
    expect((await admin.get('/api/admin/settings/signup')).json()).toEqual({ mode: 'open' });
  });

  it('refuses an unknown mode with 400 naming the field', async () => {
    const res = await admin.put('/api/admin/settings/signup', { mode: 'sometimes' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 1, message: expect.stringContaining("'mode'") });
  });

  it('closed: sign-up answers 403 saying it is closed', async () => {
    await setMode('closed');
    const { res } = await signUp(t.app, { username: 'too_late' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 29, message: expect.stringContaining('closed') });
    await setMode('open');
  });

  it('invite_only: needs a valid invite code, which works once', async () => {
    await setMode('invite_only');
    const without = await signUp(t.app, { username: 'uninvited' });
    expect(without.res.statusCode).toBe(403);
    expect(without.res.json().code).toBe(29);
    const bogus = await signUp(t.app, { username: 'uninvited', invite_code: 'inv_made_up' });
    expect(bogus.res.statusCode).toBe(403);

    const created = await admin.post('/api/admin/invites', {});
    expect(created.statusCode).toBe(201);
    const invite = created.json();
    expect(invite).toEqual({
      code: expect.stringMatching(/^inv_/),
      email: null,
      expires_at: expect.any(String),
    });

    const invited = await signUp(t.app, { username: 'invited', invite_code: invite.code });
    expect(invited.res.statusCode).toBe(201);
    expect(invited.res.json().username).toBe('invited');
    const reused = await signUp(t.app, { username: 'invited_twice', invite_code: invite.code });
    expect(reused.res.statusCode).toBe(403);
    expect(reused.res.json().message).toContain('used');
    await setMode('open');
  });

  it('invite_only: an invite for an address works only for that address, and an expired one not at all', async () => {
    await setMode('invite_only');
    const forOne = (await admin.post('/api/admin/invites', { email: 'guest@example.test' })).json();
    expect(forOne.email).toBe('guest@example.test');
    const wrong = await signUp(t.app, { username: 'gatecrasher', invite_code: forOne.code });
    expect(wrong.res.statusCode).toBe(403);
    const right = await signUp(t.app, {
      username: 'guest',
      email: 'Guest@example.test',
      invite_code: forOne.code,
    });
    expect(right.res.statusCode).toBe(201);

    const expiring = (await admin.post('/api/admin/invites', {})).json();
    await t.app.ctx.database.db
      .updateTable('invites')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('used_at', 'is', null)
      .execute();
    const expired = await signUp(t.app, { username: 'expired_guest', invite_code: expiring.code });
    expect(expired.res.statusCode).toBe(403);
    await setMode('open');
  });

  it('invite_only: a sign-up refused for a taken username does not use up the invite', async () => {
    await setMode('invite_only');
    const invite = (await admin.post('/api/admin/invites', {})).json();
    const taken = await signUp(t.app, {
      username: 'a_pinner',
      email: 'another@example.test',
      invite_code: invite.code,
    });
    expect(taken.res.statusCode).toBe(409);
    const fresh = await signUp(t.app, { username: 'second_try', invite_code: invite.code });
    expect(fresh.res.statusCode).toBe(201);
    await setMode('open');
    expect((await signUp(t.app, { username: 'open_again' })).res.statusCode).toBe(201);
  });

  it('lists the outbox newest first in keyset pages', async () => {
    await t.app.ctx.mailer.settled();
    const first = await admin.get('/api/admin/outbox?page_size=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      to: expect.any(String),
      subject: expect.any(String),
      text: expect.any(String),
      delivery: 'outbox',
      created_at: expect.stringMatching(/Z$/),
    });
    expect(page1.bookmark).toEqual(expect.any(String));
    const all: { id: string }[] = [...page1.items];
    let bookmark: string | null = page1.bookmark;
    while (bookmark) {
      const next = await admin.get(`/api/admin/outbox?page_size=2&bookmark=${encodeURIComponent(bookmark)}`);
      expect(next.statusCode).toBe(200);
      all.push(...next.json().items);
      bookmark = next.json().bookmark;
    }
    const ids = all.map((m) => BigInt(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    // One verification mail per account signed up in this file.
    const users = await t.app.ctx.database.db.selectFrom('users').select('id').execute();
    expect(all.length).toBe(users.length);

    const forged = await admin.get('/api/admin/outbox?bookmark=not-a-bookmark');
    expect(forged.statusCode).toBe(400);
  });
});
