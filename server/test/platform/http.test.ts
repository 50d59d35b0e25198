import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

describe('HTTP basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health and /ready', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({ status: 'ready' });
  });

  it('answers a body that is too large with a Pinterest-shaped 413', async () => {
    const user = await t.factories.user();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 413, message: expect.stringContaining('larger') });
  });

  it('answers malformed JSON with 400 code 1 and no stack trace', async () => {
    const user = await t.factories.user();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe(1);
    expect(Object.keys(body).sort()).toEqual(['code', 'message']);
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('reads JSON bodies of any UTF-8 text, with or without a byte-order mark', async () => {
    const user = await t.factories.user();
    const name = 'Café ✓ 😀 Ünïcödé';
    for (const [prefix, suffix] of [
      ['', ''],
      ['\uFEFF', ' (BOM)'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v5/boards',
        headers: { ...user.auth, 'content-type': 'application/json; charset=utf-8' },
        payload: Buffer.from(
          prefix + JSON.stringify({ name: name + suffix, description: 'plain ascii' }),
          'utf8',
        ),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ name: name + suffix, description: 'plain ascii' });
    }
  });

  it('refuses an empty JSON body and a __proto__ key with 400 code 1, creating nothing', async () => {
    const user = await t.factories.user();
    for (const payload of [
      '',
      '{"name":"x","__proto__":{"polluted":true}}',
      '{"name":"x","constructor":{"prototype":{"polluted":true}}}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v5/boards',
        headers: { ...user.auth, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json()).toEqual({ code: 1, message: expect.any(String) });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const boards = await t.app.inject({ method: 'GET', url: '/v5/boards', headers: user.auth });
    expect(boards.json().items).toEqual([]);
  });

  it('ignores unknown query parameters, as Pinterest does', async () => {
    const user = await t.factories.user();
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account?utm_source=x&foo=bar',
      headers: user.auth,
    });
    expect(res.statusCode).toBe(200);
  });

  it('sends browser security headers on web responses but not on Pinterest API responses', async () => {
    const user = await t.factories.user();
    const api = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: user.auth });
    expect(api.headers['x-frame-options']).toBeUndefined();
    const web = await t.app.inject({ method: 'GET', url: '/api/csrf' });
    expect(web.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(web.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers unknown paths with {code, message} 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v5/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 404, message: expect.any(String) });
  });
});
