import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { testPng } from '../helpers/images.js';
import { basic, makeAdmin, webSession } from '../oauth/helpers.js';

describe(`developer apps, review and generated tokens on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function connectApp(session: Awaited<ReturnType<typeof webSession>>, extra: object = {}) {
    const res = await session.post('/api/developer/apps', {
      name: 'My App',
      description: 'Pins things',
      website_url: 'https://my.example',
      redirect_uris: ['https://my.example/cb', 'http://localhost:3000/cb'],
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('connects an app: numeric client_id, a secret shown once, PENDING and TRIAL, an icon stored as a square', async () => {
    const owner = await t.factories.user();
    const session = await webSession(t, owner.user.id);
    const icon = await testPng([10, 200, 10], 300, 200);
    const created = await connectApp(session, { icon: icon.base64 });
    expect(created.client_id).toMatch(/^\d{7,19}$/);
    expect(created.client_secret).toMatch(/^[0-9a-f]{40}$/);
    expect(created).toMatchObject({ status: 'PENDING', tier: 'TRIAL', rejection_reason: null });
    const iconPath = new URL(created.icon_url).pathname;
    const iconRes = await t.app.inject({ method: 'GET', url: iconPath });
    expect(iconRes.statusCode).toBe(200);
    const sharp = (await import('sharp')).default;
    const meta = await sharp(iconRes.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([150, 150]);

    const listed = (await session.get('/api/developer/apps')).json().items;
    expect(listed.map((a: { id: string }) => a.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.client_secret);
    expect((await session.get(`/api/developer/apps/${created.id}`)).json()).not.toHaveProperty(
      'client_secret',
    );
  });

  it('refuses bad redirect URIs, a non-image icon and a missing name with 400 code 1 naming the field', async () => {
    const session = await webSession(t, (await t.factories.user()).user.id);
    const cases: Array<[object, string]> = [
      [{ redirect_uris: ['http://example.com/cb'] }, 'redirect_uris[0]'],
      [{ redirect_uris: [] }, 'redirect_uris'],
      [{ redirect_uris: ['https://a.example/cb#x'] }, 'redirect_uris[0]'],
      [{ redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) }, 'redirect_uris'],
      [{ icon: Buffer.from('not an image at all').toString('base64') }, 'icon'],
      [{ name: '  ' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await session.post('/api/developer/apps', {
        name: 'X',
        redirect_uris: ['https://ok.example/cb'],
        ...body,
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
    }
  });

  it('another user cannot see, edit or delete my app, and /api needs a session', async () => {
    const mine = await webSession(t, (await t.factories.user()).user.id);
    const theirs = await webSession(t, (await t.factories.user()).user.id);
    const created = await connectApp(mine);
    expect((await theirs.get(`/api/developer/apps/${created.id}`)).statusCode).toBe(404);
    expect((await theirs.patch(`/api/developer/apps/${created.id}`, { name: 'Mine now' })).statusCode).toBe(
      404,
    );
    expect((await theirs.delete(`/api/developer/apps/${created.id}`)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/developer/apps' })).statusCode).toBe(401);
    const edited = await mine.patch(`/api/developer/apps/${created.id}`, {
      name: 'Renamed',
      redirect_uris: ['https://new.example/cb'],
    });
    expect(edited.json()).toMatchObject({ name: 'Renamed', redirect_uris: ['https://new.example/cb'] });
  });

  it('review: only admins see the queue; approve, reject with a reason the owner sees, upgrade to Standard', async () => {
    const owner = await webSession(t, (await t.factories.user()).user.id);
    const adminUser = await t.factories.user();
    await makeAdmin(t, adminUser.user.id);
    const admin = await webSession(t, adminUser.user.id);
    const a = await connectApp(owner);
    const b = await connectApp(owner);

    expect((await owner.get('/api/admin/apps')).statusCode).toBe(403);
    expect((await owner.post(`/api/admin/apps/${a.id}/approve`)).statusCode).toBe(403);
    const queue = (await admin.get('/api/admin/apps')).json().items.map((x: { id: string }) => x.id);
    expect(queue).toEqual(expect.arrayContaining([a.id, b.id]));

    expect(
      (await owner.post(`/api/developer/apps/${a.id}/tokens`, { scopes: ['boards:read'] })).statusCode,
    ).toBe(403);
    expect((await admin.post(`/api/admin/apps/${a.id}/approve`)).json()).toMatchObject({
      status: 'APPROVED',
      tier: 'TRIAL',
    });
    expect(
      (await admin.post(`/api/admin/apps/${b.id}/reject`, { reason: 'Needs a privacy policy' })).json()
        .status,
    ).toBe('REJECTED');
    const mine = (await owner.get('/api/developer/apps')).json().items;
    expect(mine.find((x: { id: string }) => x.id === b.id)).toMatchObject({
      status: 'REJECTED',
      rejection_reason: 'Needs a privacy policy',
    });
    expect((await admin.post(`/api/admin/apps/${a.id}/upgrade`)).json().tier).toBe('STANDARD');
    expect((await admin.post(`/api/admin/apps/${b.id}/upgrade`)).statusCode).toBe(403);
    const pending = (await admin.get('/api/admin/apps')).json().items.map((x: { id: string }) => x.id);
    expect(pending).not.toContain(a.id);
  });

  it('generate token: access and refresh shown once, listed by prefix and scopes, revocable', async () => {
    const ownerUser = await t.factories.user();
    const owner = await webSession(t, ownerUser.user.id);
    const created = await connectApp(owner);
    await t.app.ctx.apps.approve(ownerUser.user.id, created.id);
    const generated = await owner.post(`/api/developer/apps/${created.id}/tokens`, {
      scopes: ['user_accounts:read', 'boards:read'],
    });
    expect(generated.statusCode).toBe(201);
    const body = generated.json();
    expect(body.access_token).toMatch(/^pina_/);
    expect(body.refresh_token).toMatch(/^pinr_/);
    const me = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe(ownerUser.user.username);

    const list = (await owner.get(`/api/developer/apps/${created.id}/tokens`)).json().items;
    const access = list.find((x: { id: string }) => x.id === body.access_token_id);
    expect(access).toMatchObject({
      kind: 'access',
      prefix: body.access_token.slice(0, 12),
      scopes: ['user_accounts:read', 'boards:read'],
    });
    expect(JSON.stringify(list)).not.toContain(body.access_token);

    expect(
      (await owner.post(`/api/developer/apps/${created.id}/tokens`, { scopes: ['nope:read'] })).json().code,
    ).toBe(1);
    expect(
      (await owner.delete(`/api/developer/apps/${created.id}/tokens/${body.access_token_id}`)).statusCode,
    ).toBe(204);
    const after = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('rotating the secret shows a new one once and the old one stops working', async () => {
    const ownerUser = await t.factories.user();
    const owner = await webSession(t, ownerUser.user.id);
    const created = await connectApp(owner);
    await t.app.ctx.apps.approve(ownerUser.user.id, created.id);
    const cc = (secret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v5/oauth/token',
        headers: {
          authorization: basic(created.client_id, secret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials&scope=boards:read',
      });
    expect((await cc(created.client_secret)).statusCode).toBe(200);
    const rotated = (await owner.post(`/api/developer/apps/${created.id}/secret`)).json();
    expect(rotated.client_secret).toMatch(/^[0-9a-f]{40}$/);
    expect(rotated.client_secret).not.toBe(created.client_secret);
    expect((await cc(created.client_secret)).statusCode).toBe(401);
    expect((await cc(rotated.client_secret)).statusCode).toBe(200);
  });

  it('deleting an app ends its tokens at once', async () => {
    const ownerUser = await t.factories.user();
    const owner = await webSession(t, ownerUser.user.id);
    const created = await connectApp(owner);
    await t.app.ctx.apps.approve(ownerUser.user.id, created.id);
    const token = (
      await owner.post(`/api/developer/apps/${created.id}/tokens`, { scopes: ['boards:read'] })
    ).json().access_token;
    const call = () =>
      t.app.inject({ method: 'GET', url: '/v5/boards', headers: { authorization: `Bearer ${token}` } });
    expect((await call()).statusCode).toBe(200);
    expect((await owner.delete(`/api/developer/apps/${created.id}`)).statusCode).toBe(204);
    expect((await call()).statusCode).toBe(401);
  });

  it('APPS_AUTO_APPROVE approves new apps at once', async () => {
    const sandbox = await buildTestApp({ APPS_AUTO_APPROVE: 'true' });
    try {
      const owner = await sandbox.factories.user();
      const { app } = await sandbox.app.ctx.apps.create(owner.user.id, {
        name: 'Auto',
        redirectUris: ['https://a.example/cb'],
      });
      expect(app.status).toBe('APPROVED');
    } finally {
      await sandbox.close();
    }
  });
});
