import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { EVERY_SCOPE, type TestUser } from '../helpers/factories.js';
import { testPng, base64Source } from '../helpers/images.js';
import { makeApp } from '../oauth/helpers.js';

describe(`what a Trial app's token creates is visible only to its creator, on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let creator: TestUser;
  let other: TestUser;
  let trialAuth: { authorization: string };
  let standardAuth: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp();
    creator = await t.factories.user();
    other = await t.factories.user();
    const trial = await makeApp(t, await t.factories.user());
    expect(trial.app.tier).toBe('TRIAL');
    const trialToken = await t.app.ctx.tokens.issue({
      userId: creator.user.id,
      appId: trial.app.id,
      scopes: EVERY_SCOPE,
    });
    trialAuth = { authorization: `Bearer ${trialToken.token}` };
    const standard = await makeApp(t, await t.factories.user());
    await t.app.ctx.apps.upgrade(standard.app.id);
    const standardToken = await t.app.ctx.tokens.issue({
      userId: creator.user.id,
      appId: standard.app.id,
      scopes: EVERY_SCOPE,
    });
    standardAuth = { authorization: `Bearer ${standardToken.token}` };
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, headers: { authorization: string }) =>
    t.app.inject({ method: 'GET', url, headers });

  async function createPin(auth: { authorization: string }, boardId: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/pins',
      headers: auth,
      payload: { board_id: boardId, title: 'made by an app', media_source: base64Source(await testPng()) },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  it('a board made through a Trial app is 404 to others and visible to its creator', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: trialAuth,
      payload: { name: 'Trial board' },
    });
    expect(res.statusCode).toBe(201);
    const boardId = res.json().id;
    expect((await get(`/v5/boards/${boardId}`, creator.auth)).statusCode).toBe(200);
    expect((await get(`/v5/boards/${boardId}`, trialAuth)).statusCode).toBe(200);
    expect((await get(`/v5/boards/${boardId}`, other.auth)).statusCode).toBe(404);
    expect((await get(`/v5/boards/${boardId}/pins`, other.auth)).statusCode).toBe(404);
    expect((await get(`/v5/boards/${boardId}/sections`, other.auth)).statusCode).toBe(404);
    const mine = (await get('/v5/boards', creator.auth)).json().items.map((b: { id: string }) => b.id);
    expect(mine).toContain(boardId);
  });

  it("a pin made through a Trial app on a public board is 404 to others, absent from the board's pins, cover and count", async () => {
    const board = await t.factories.board({ owner: creator });
    const visiblePin = await createPin(standardAuth, board.id);
    const trialPin = await createPin(trialAuth, board.id);

    expect((await get(`/v5/pins/${trialPin}`, creator.auth)).statusCode).toBe(200);
    expect((await get(`/v5/pins/${trialPin}`, other.auth)).statusCode).toBe(404);
    expect((await get(`/v5/pins/${visiblePin}`, other.auth)).statusCode).toBe(200);

    const othersList = (await get(`/v5/boards/${board.id}/pins`, other.auth))
      .json()
      .items.map((p: { id: string }) => p.id);
    expect(othersList).toEqual([visiblePin]);
    const ownList = (await get(`/v5/boards/${board.id}/pins`, creator.auth))
      .json()
      .items.map((p: { id: string }) => p.id);
    expect(ownList).toEqual([trialPin, visiblePin]);

    const othersBoard = (await get(`/v5/boards/${board.id}`, other.auth)).json();
    const ownBoard = (await get(`/v5/boards/${board.id}`, creator.auth)).json();
    expect(othersBoard.pin_count).toBe(1);
    expect(ownBoard.pin_count).toBe(2);
    const pinImage = (await get(`/v5/pins/${visiblePin}`, other.auth)).json().media.images['400x300'].url;
    const trialImage = (await get(`/v5/pins/${trialPin}`, creator.auth)).json().media.images['400x300'].url;
    expect(ownBoard.media.image_cover_url).toBe(trialImage);
    expect(othersBoard.media.image_cover_url).toBe(pinImage);
    expect(JSON.stringify(othersBoard)).not.toContain(trialImage);

    const save = await t.app.inject({
      method: 'POST',
      url: `/v5/pins/${trialPin}/save`,
      headers: other.auth,
      payload: { board_id: (await t.factories.board({ owner: other })).id },
    });
    expect(save.statusCode).toBe(404);
  });

  it('what a Standard app creates stays visible to everyone', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: standardAuth,
      payload: { name: 'Standard board' },
    });
    expect((await get(`/v5/boards/${res.json().id}`, other.auth)).statusCode).toBe(200);
  });
});
