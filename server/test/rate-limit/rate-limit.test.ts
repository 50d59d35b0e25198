import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { CounterStoreUnavailable } from '../../src/lib/counters.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { makeApp, redisAvailable, TEST_REDIS_URL, tokenFor, uniquePrefix } from './support.js';

/** Per-second limits are generous so a slow machine never crosses one; per-minute ones are tiny. */
const STANDARD = { RATE_LIMIT_STANDARD_PER_SECOND: '1000', RATE_LIMIT_STANDARD_PER_MINUTE: '3' };

async function calls(app: App, n: number, url: string, auth: { authorization: string }) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++)
    statuses.push((await app.inject({ method: 'GET', url, headers: auth })).statusCode);
  return statuses;
}

function expectRateLimited(
  res: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
  category: string,
) {
  expect(res.statusCode).toBe(429);
  const body = res.json() as { code: number; message: string };
  expect(body.code).toBe(8);
  expect(body.message).toContain(category);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(res.headers['x-ratelimit-remaining']).toBe('0');
}

describe('rate limits (memory counters)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ ...STANDARD, RATE_LIMIT_TRIAL_PER_DAY: '2' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 code 8 with Retry-After once a Standard app passes its per-minute limit', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    const first = await t.app.inject({ method: 'GET', url: `/v5/pins/${pin.id}`, headers: owner.auth });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect(await calls(t.app, 2, `/v5/pins/${pin.id}`, owner.auth)).toEqual([200, 200]);
    const over = await t.app.inject({ method: 'GET', url: `/v5/pins/${pin.id}`, headers: owner.auth });
    expectRateLimited(over, 'org_read');
  });

  it('guards the HEAD twin of a GET operation and counts each call once', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    const url = `/v5/pins/${pin.id}`;
    const anonymous = await t.app.inject({ method: 'HEAD', url });
    expect(anonymous.statusCode).toBe(401);
    const head = await t.app.inject({ method: 'HEAD', url, headers: owner.auth });
    expect(head.statusCode).toBe(200);
    expect(head.headers['x-ratelimit-remaining']).toBe('2');
    const get = await t.app.inject({ method: 'GET', url, headers: owner.auth });
    expect(get.headers['x-ratelimit-remaining']).toBe('1');
    // Web routes are not API operations: no token check, no rate limit.
    const web = await t.app.inject({ method: 'GET', url: '/health', headers: owner.auth });
    expect(web.statusCode).toBe(200);
    expect(web.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(
      (await t.app.inject({ method: 'GET', url, headers: owner.auth })).headers['x-ratelimit-remaining'],
    ).toBe('0');
  });

  it('shares one quota between the operations of a category and keeps categories apart', async () => {
    const owner = await t.factories.user();
    const pin = await t.factories.pin({ owner });
    // pins/get, boards/list and user_account/get are all org_read.
    expect(
      (await t.app.inject({ method: 'GET', url: `/v5/pins/${pin.id}`, headers: owner.auth })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v5/boards', headers: owner.auth })).statusCode).toBe(
      200,
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: owner.auth })).statusCode,
    ).toBe(200);
    expectRateLimited(
      await t.app.inject({ method: 'GET', url: '/v5/boards', headers: owner.auth }),
      'org_read',
    );
    // boards/create is org_write: its own quota.
    const created = await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: owner.auth,
      payload: { name: 'Still allowed' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('counts per app and per user', async () => {
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    expect(await calls(t.app, 3, '/v5/boards', alice.auth)).toEqual([200, 200, 200]);
    expect((await t.app.inject({ method: 'GET', url: '/v5/boards', headers: alice.auth })).statusCode).toBe(
      429,
    );
    // Another user of the same app has a quota of their own …
    expect(await calls(t.app, 3, '/v5/boards', bob.auth)).toEqual([200, 200, 200]);
    // … and so has the same user through another app.
    const otherApp = await makeApp(t.app, { ownerId: alice.user.id });
    const viaOtherApp = await tokenFor(t.app, alice.user.id, otherApp);
    expect(await calls(t.app, 3, '/v5/boards', viaOtherApp)).toEqual([200, 200, 200]);
    expect((await t.app.inject({ method: 'GET', url: '/v5/boards', headers: viaOtherApp })).statusCode).toBe(
      429,
    );
  });

  it('gives a Trial app its per-day limit', async () => {
    const user = await t.factories.user();
    const trial = await makeApp(t.app, { ownerId: user.user.id, tier: 'TRIAL' });
    const auth = await tokenFor(t.app, user.user.id, trial);
    const ok = await t.app.inject({ method: 'GET', url: '/v5/boards', headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-ratelimit-limit']).toBe('2');
    expect((await t.app.inject({ method: 'GET', url: '/v5/boards', headers: auth })).statusCode).toBe(200);
    const over = await t.app.inject({ method: 'GET', url: '/v5/boards', headers: auth });
    expectRateLimited(over, 'org_read');
    expect((over.json() as { message: string }).message).toMatch(/Trial app .* a day/);
    // A day's window: Retry-After is more than a minute away.
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('does not count calls that fail authentication', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/boards',
      headers: { authorization: 'Bearer pina_nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('rate limits per second', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RATE_LIMIT_STANDARD_PER_SECOND: '3', RATE_LIMIT_STANDARD_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a burst over the per-second limit', async () => {
    const user = await t.factories.user();
    // Ten back to back: however the windows fall, more than three land in one second.
    const statuses = await calls(t.app, 10, '/v5/boards', user.auth);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });
});

const haveRedis = await redisAvailable();

describe.skipIf(!haveRedis)('rate limits in Redis, shared by processes', () => {
  let t: TestApp;
  let second: App;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    const env = { ...STANDARD, REDIS_URL: TEST_REDIS_URL };
    t = await buildTestApp(env, { counterKeyPrefix: prefix });
    // A second server process: same database, same Redis, its own counters client.
    second = await buildApp(t.config, {
      database: t.app.ctx.database,
      logger: false,
      counterKeyPrefix: prefix,
    });
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('shares the limit between two app instances', async () => {
    const user = await t.factories.user();
    const pin = await t.factories.pin({ owner: user });
    const url = `/v5/pins/${pin.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: user.auth })).statusCode).toBe(200);
    expect((await second.inject({ method: 'GET', url, headers: user.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: user.auth })).statusCode).toBe(200);
    // The fourth call, on the second instance, is over the shared per-minute limit of 3.
    expectRateLimited(await second.inject({ method: 'GET', url, headers: user.auth }), 'org_read');
    expectRateLimited(await t.app.inject({ method: 'GET', url, headers: user.auth }), 'org_read');
  });

  it('keeps categories and callers apart in Redis too', async () => {
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    expect(await calls(t.app, 3, '/v5/boards', alice.auth)).toEqual([200, 200, 200]);
    expect((await second.inject({ method: 'GET', url: '/v5/boards', headers: alice.auth })).statusCode).toBe(
      429,
    );
    expect((await second.inject({ method: 'GET', url: '/v5/boards', headers: bob.auth })).statusCode).toBe(
      200,
    );
    const created = await second.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: alice.auth,
      payload: { name: 'w' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('keeps its keys under the configured prefix with an expiry', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('rate limits when Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, connections are refused at once.
    t = await buildTestApp(
      { ...STANDARD, REDIS_URL: 'redis://127.0.0.1:1' },
      { counterKeyPrefix: uniquePrefix() },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails open: calls go through (no 5xx, no 429) and the store says why', async () => {
    const user = await t.factories.user();
    expect(await calls(t.app, 6, '/v5/boards', user.auth)).toEqual([200, 200, 200, 200, 200, 200]);
    await expect(t.app.ctx.counters.hitAll([{ key: 'k', windowMs: 1000, limit: 1 }])).rejects.toBeInstanceOf(
      CounterStoreUnavailable,
    );
  });
});
