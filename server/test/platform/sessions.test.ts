import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

describe('cookie sessions and CSRF on the web-facing URL space', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(
      {},
      {
        beforeReady: (app) => {
          app.post('/api/_test/echo', async (request) => ({ user: request.session?.userId ?? null }));
        },
      },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a state-changing /api call without a CSRF token with 403', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/_test/echo', payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('CSRF');
  });

  it('accepts it with the token from GET /api/csrf and its cookie, and resolves the session cookie', async () => {
    const user = await t.factories.user();
    const { token } = await t.app.ctx.sessions.create(user.user.id, 'vitest');
    const csrfRes = await t.app.inject({ method: 'GET', url: '/api/csrf' });
    const csrfCookie = csrfRes.cookies.find((c) => c.name === 'cb_csrf')!;
    expect(csrfCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/_test/echo',
      headers: { 'x-csrf-token': csrfRes.json().csrf_token },
      cookies: { cb_csrf: csrfCookie.value, cb_session: token },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: user.user.id });
  });

  it('ends every other session of a user', async () => {
    const user = await t.factories.user();
    const a = await t.app.ctx.sessions.create(user.user.id);
    const b = await t.app.ctx.sessions.create(user.user.id);
    const keep = (await t.app.ctx.sessions.resolve(a.token))!;
    expect(await t.app.ctx.sessions.endOthers(user.user.id, keep.sessionId)).toBe(1);
    expect(await t.app.ctx.sessions.resolve(a.token)).not.toBeNull();
    expect(await t.app.ctx.sessions.resolve(b.token)).toBeNull();
  });
});
