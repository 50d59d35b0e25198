import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { expectSpecResponse } from '../helpers/spec.js';

describe('user_account/get', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns the token owner in the spec Account shape', async () => {
    const alice = await t.factories.user({ username: 'alice_acct' });
    const res = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: alice.auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expectSpecResponse('user_account/get', 200, body);
    expect(body).toMatchObject({
      id: alice.user.id,
      username: 'alice_acct',
      account_type: 'PINNER',
      board_count: 0,
    });
  });

  it('answers 401 code 2 without a token and with a made-up one', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v5/user_account' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe(2);
    const fake = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: 'Bearer pina_not-a-real-token' },
    });
    expect(fake.statusCode).toBe(401);
    expect(fake.json()).toEqual({ code: 2, message: expect.stringContaining('invalid') });
  });

  it('answers 403 code 3 naming user_accounts:read when the token lacks it', async () => {
    const bob = await t.factories.user();
    const headers = await t.factories.tokenWithout(bob.user.id, ['user_accounts:read']);
    const res = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 3, message: expect.stringContaining('user_accounts:read') });
  });

  it('refuses ad_account_id with 403 code 29', async () => {
    const carol = await t.factories.user();
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account?ad_account_id=123',
      headers: carol.auth,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(29);
  });

  it('rejects an expired token and a revoked one', async () => {
    const dave = await t.factories.user();
    const expired = await t.factories.token(dave.user.id, ['user_accounts:read'], -1);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toContain('expired');

    const issued = await t.app.ctx.tokens.issue({
      userId: dave.user.id,
      appId: await t.app.ctx.apps.builtinCliAppId(),
      scopes: ['user_accounts:read'],
    });
    expect(await t.app.ctx.tokens.revoke(issued.id)).toBe(true);
    const revoked = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${issued.token}` },
    });
    expect(revoked.statusCode).toBe(401);
  });
});
