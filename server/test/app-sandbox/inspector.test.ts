import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepBody, MAX_BODY_CHARS, REDACTED } from '../../src/modules/app-sandbox/inspection.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makeApp, webSession } from '../oauth/helpers.js';

describe('what the call inspector keeps of a body', () => {
  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const kept = keepBody({
      name: 'x',
      password: 'hunter2',
      nested: { client_secret: 's', list: [{ access_token: 'pina_x', ok: 1 }], code: 'abc', codes: [1] },
      error: { code: 404, message: 'kept' },
    });
    expect(JSON.parse(kept.text!)).toEqual({
      name: 'x',
      password: REDACTED,
      nested: {
        client_secret: REDACTED,
        list: [{ access_token: REDACTED, ok: 1 }],
        code: REDACTED,
        codes: [1],
      },
      error: { code: 404, message: 'kept' },
    });
    expect(kept.truncated).toBe(false);
    expect(keepBody('{"refresh_token":"pinr_1","a":2}').text).toBe(`{"refresh_token":"${REDACTED}","a":2}`);
    expect(keepBody('plain text').text).toBe('plain text');
    expect(keepBody(undefined)).toEqual({ text: null, truncated: false });
  });

  it('caps a body at 64 KB and says so', () => {
    const kept = keepBody({ description: 'x'.repeat(100_000) });
    expect(kept.text!.length).toBe(MAX_BODY_CHARS);
    expect(kept.truncated).toBe(true);
  });
});

describe(`the call inspector over HTTP on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  let appId: string;
  let token: string;
  let session: Awaited<ReturnType<typeof webSession>>;

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user();
    appId = (await makeApp(t, owner)).app.id;
    token = (
      await t.app.ctx.tokens.issue({
        userId: owner.user.id,
        appId,
        scopes: ['boards:read', 'boards:write', 'pins:read'],
      })
    ).token;
    session = await webSession(t, owner.user.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const createBoard = (name: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: { authorization: `Bearer ${token}` },
      payload: { name, description: 'Inspected <b>body</b>' },
    });

  async function latestCalls() {
    await t.app.ctx.requestLog.flush();
    await t.app.ctx.callInspector.flush();
    return (await session.get(`/api/developer/apps/${appId}/requests`)).json().items as Array<{ id: string }>;
  }

  it('keeps no bodies until the owner turns it on', async () => {
    expect((await createBoard('Before')).statusCode).toBe(201);
    const [call] = await latestCalls();
    const detail = (await session.get(`/api/developer/apps/${appId}/requests/${call!.id}`)).json();
    expect(detail).toMatchObject({
      operation_id: 'boards/create',
      status: 201,
      inspected: false,
      request_body: null,
    });
  });

  it('keeps the request and response bodies of each call once on', async () => {
    const on = await session.put(`/api/developer/apps/${appId}/sandbox`, { inspector: { enabled: true } });
    expect(on.statusCode, on.body).toBe(200);
    const created = await createBoard('Inspected');
    expect(created.statusCode).toBe(201);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/v5/pins/123456789',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.statusCode).toBe(404);

    const [pinCall, boardCall] = await latestCalls();
    const board = (await session.get(`/api/developer/apps/${appId}/requests/${boardCall!.id}`)).json();
    expect(board).toMatchObject({ operation_id: 'boards/create', status: 201, inspected: true });
    expect(JSON.parse(board.request_body)).toMatchObject({
      name: 'Inspected',
      description: 'Inspected <b>body</b>',
    });
    expect(JSON.parse(board.response_body)).toEqual(created.json());
    expect(board.response_content_type).toContain('application/json');

    const pin = (await session.get(`/api/developer/apps/${appId}/requests/${pinCall!.id}`)).json();
    expect(pin).toMatchObject({ operation_id: 'pins/get', status: 404, inspected: true, request_body: null });
    expect(JSON.parse(pin.response_body)).toEqual(missing.json());
  });

  it('never keeps bodies of another app of the same user', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: owner.auth,
      payload: { name: 'Through the CLI app' },
    });
    expect(res.statusCode).toBe(201);
    await t.app.ctx.callInspector.flush();
    const rows = await t.app.ctx.database.db
      .selectFrom('request_log_bodies')
      .select('request_body')
      .execute();
    expect(rows.some((r) => r.request_body?.includes('Through the CLI app'))).toBe(false);
  });

  it("shows a call only to its app's owner", async () => {
    const [call] = await latestCalls();
    const stranger = await webSession(t, (await t.factories.user()).user.id);
    expect((await stranger.get(`/api/developer/apps/${appId}/requests/${call!.id}`)).statusCode).toBe(404);
    expect((await session.get(`/api/developer/apps/${appId}/requests/999`)).statusCode).toBe(404);
  });
});
