import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedFaults, SeededRandom, parseFaultHeader } from '../../src/modules/app-sandbox/faults.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makeApp, webSession } from '../oauth/helpers.js';

describe('the seeded fault sequence', () => {
  it('is the same for a seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws each outcome in about its share', () => {
    const settings = {
      enabled: true,
      seed: 7,
      rate_429: 0.1,
      rate_500: 0.05,
      rate_503: 0.05,
      delay_rate: 0.2,
      delay_ms: 5,
      allow_header: false,
    };
    const plan = plannedFaults(settings, 10_000);
    const count = (pred: (f: (typeof plan)[number]) => boolean) => plan.filter(pred).length / plan.length;
    expect(count((f) => f?.kind === 'status' && f.status === 429)).toBeCloseTo(0.1, 1);
    expect(count((f) => f?.kind === 'status' && f.status === 500)).toBeCloseTo(0.05, 1);
    expect(count((f) => f?.kind === 'delay')).toBeCloseTo(0.2, 1);
    expect(count((f) => f === null)).toBeCloseTo(0.6, 1);
  });

  it('reads the X-Corkboard-Fault header', () => {
    expect(parseFaultHeader('429')).toEqual({ kind: 'status', status: 429 });
    expect(parseFaultHeader(' 503 ')).toEqual({ kind: 'status', status: 503 });
    expect(parseFaultHeader('delay=300')).toEqual({ kind: 'delay', ms: 300 });
    expect(parseFaultHeader('delay=30001')).toBeNull();
    expect(parseFaultHeader('404')).toBeNull();
    expect(parseFaultHeader('teapot')).toBeNull();
  });
});

describe(`fault injection over HTTP on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  let appId: string;
  let token: string;
  let otherToken: string;
  let session: Awaited<ReturnType<typeof webSession>>;
  let pinPath: string;

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user();
    const { app } = await makeApp(t, owner);
    appId = app.id;
    token = (
      await t.app.ctx.tokens.issue({ userId: owner.user.id, appId, scopes: ['pins:read', 'boards:read'] })
    ).token;
    // The same user through another app (the built-in CLI app) that asked for nothing.
    otherToken = owner.token;
    session = await webSession(t, owner.user.id);
    const pin = await t.factories.pin({ owner });
    pinPath = `/v5/pins/${pin.id}`;
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (bearer: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: pinPath, headers: { authorization: `Bearer ${bearer}`, ...headers } });

  it('is off by default: no injected fault, and the header is ignored', async () => {
    const settings = (await session.get(`/api/developer/apps/${appId}/sandbox`)).json();
    expect(settings.faults).toMatchObject({ enabled: false, rate_429: 0, rate_500: 0, rate_503: 0 });
    expect(settings.inspector).toEqual({ enabled: false });
    const res = await get(token, { 'x-corkboard-fault': '500' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-corkboard-fault-injected']).toBeUndefined();
  });

  it('fires exactly the seeded sequence for the app that asked, and never for another app', async () => {
    const faults = {
      enabled: true,
      seed: 1234,
      rate_429: 0.2,
      rate_500: 0.1,
      rate_503: 0.1,
      delay_rate: 0.1,
      delay_ms: 1,
    };
    const saved = await session.put(`/api/developer/apps/${appId}/sandbox`, { faults });
    expect(saved.statusCode, saved.body).toBe(200);
    const expected = plannedFaults({ ...saved.json().faults }, 60).map((f) =>
      f === null ? 200 : f.kind === 'delay' ? 'delay' : f.status,
    );
    const seen: Array<number | string> = [];
    for (let i = 0; i < 60; i++) {
      const res = await get(token);
      const injected = res.headers['x-corkboard-fault-injected'];
      seen.push(injected === 'delay=1' ? 'delay' : res.statusCode);
      if (res.statusCode === 429) {
        expect(res.headers['retry-after']).toBe('1');
        expect(res.json()).toMatchObject({ code: 8 });
      }
      if (res.statusCode >= 500) expect(res.json()).toMatchObject({ code: res.statusCode });
      if (res.statusCode !== 200) expect(injected).toBe(String(res.statusCode));
    }
    expect(seen).toEqual(expected);
    // The seed gave a mix, so the test shows something.
    expect(new Set(seen).size).toBeGreaterThanOrEqual(4);

    for (let i = 0; i < 40; i++) {
      const res = await get(otherToken);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-corkboard-fault-injected']).toBeUndefined();
    }
  });

  it('saving the settings again restarts the sequence from the seed', async () => {
    const saved = await session.put(`/api/developer/apps/${appId}/sandbox`, { faults: { seed: 99 } });
    const expected = plannedFaults(saved.json().faults, 20).map((f) =>
      f?.kind === 'status' ? f.status : 200,
    );
    const first = [];
    for (let i = 0; i < 20; i++) first.push((await get(token)).statusCode);
    await session.put(`/api/developer/apps/${appId}/sandbox`, { faults: { seed: 99 } });
    const second = [];
    for (let i = 0; i < 20; i++) second.push((await get(token)).statusCode);
    expect(first).toEqual(expected);
    expect(second).toEqual(first);
  });

  it('answers a call that asks with X-Corkboard-Fault when the app allows it', async () => {
    await session.put(`/api/developer/apps/${appId}/sandbox`, {
      faults: { rate_429: 0, rate_500: 0, rate_503: 0, delay_rate: 0, allow_header: true },
    });
    expect((await get(token)).statusCode).toBe(200);
    expect((await get(token, { 'x-corkboard-fault': '503' })).statusCode).toBe(503);
    const limited = await get(token, { 'x-corkboard-fault': '429' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    const delayed = await get(token, { 'x-corkboard-fault': 'delay=30' });
    expect(delayed.statusCode).toBe(200);
    expect(delayed.headers['x-corkboard-fault-injected']).toBe('delay=30');
    const bad = await get(token, { 'x-corkboard-fault': 'teapot' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('X-Corkboard-Fault');
    // Another app's calls ignore the header.
    expect((await get(otherToken, { 'x-corkboard-fault': '503' })).statusCode).toBe(200);
  });

  it('injected calls show in the request log with their status', async () => {
    await session.put(`/api/developer/apps/${appId}/sandbox`, { faults: { allow_header: true } });
    await get(token, { 'x-corkboard-fault': '500' });
    await t.app.ctx.requestLog.flush();
    const log = (await session.get(`/api/developer/apps/${appId}/requests?status=500`)).json();
    expect(log.items.length).toBeGreaterThanOrEqual(1);
    expect(log.items[0]).toMatchObject({ operation_id: 'pins/get', status: 500 });
  });

  it('refuses bad settings with 400 naming the field and changes nothing; other owners get 404', async () => {
    const before = (await session.get(`/api/developer/apps/${appId}/sandbox`)).json();
    for (const [faults, field] of [
      [{ rate_500: 1.5 }, 'rate_500'],
      [{ rate_429: 0.6, rate_500: 0.6 }, 'must not exceed 1'],
      [{ delay_ms: -1 }, 'delay_ms'],
      [{ seed: 1.5 }, 'seed'],
    ] as const) {
      const res = await session.put(`/api/developer/apps/${appId}/sandbox`, { faults });
      expect(res.statusCode, JSON.stringify(faults)).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toContain(field);
    }
    expect((await session.get(`/api/developer/apps/${appId}/sandbox`)).json()).toEqual(before);
    const stranger = await webSession(t, (await t.factories.user()).user.id);
    expect((await stranger.get(`/api/developer/apps/${appId}/sandbox`)).statusCode).toBe(404);
    expect(
      (await stranger.put(`/api/developer/apps/${appId}/sandbox`, { faults: { enabled: false } })).statusCode,
    ).toBe(404);
  });
});

describe(`fault injection in production mode on ${TEST_DATABASE}`, () => {
  it('does not exist: the settings are refused and calls are never faulted', async () => {
    const t = await buildTestApp({ CORKBOARD_MODE: 'production' });
    try {
      const owner = await t.factories.user();
      const { app } = await makeApp(t, owner);
      const session = await webSession(t, owner.user.id);
      const res = await session.put(`/api/developer/apps/${app.id}/sandbox`, { faults: { enabled: true } });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toContain('sandbox mode only');
    } finally {
      await t.close();
    }
  });
});
