import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from '../rate-limit/support.js';
import { basic, makeApp } from './helpers.js';

/** Three token calls a day for a Trial client, three a minute for a Standard one. */
const LIMITS = {
  RATE_LIMIT_TRIAL_PER_DAY: '3',
  RATE_LIMIT_STANDARD_PER_MINUTE: '3',
  RATE_LIMIT_STANDARD_PER_SECOND: '100',
};

interface Client {
  clientId: string;
  secret: string;
}

function tokenCall(app: App, client: Client, secret = client.secret) {
  return app.inject({
    method: 'POST',
    url: '/v5/oauth/token',
    headers: { authorization: basic(client.clientId, secret) },
    payload: { grant_type: 'client_credentials', scope: 'boards:read' },
  });
}

function expectTooMany(res: Awaited<ReturnType<typeof tokenCall>>) {
  expect(res.statusCode).toBe(429);
  const body = res.json() as { code: number; message: string };
  expect(body.code).toBe(8);
  expect(body.message).toContain('org_read');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
}

async function newClient(t: TestApp): Promise<Client> {
  const owner = await t.factories.user();
  const made = await makeApp(t, owner);
  return { clientId: made.app.clientId!, secret: made.clientSecret };
}

describe(`POST /v5/oauth/token is rate limited per client on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(LIMITS);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 code 8 with Retry-After once a Trial client is over its daily limit; other clients go on', async () => {
    const limited = await newClient(t);
    const other = await newClient(t);
    for (let i = 0; i < 3; i++) expect((await tokenCall(t.app, limited)).statusCode).toBe(200);
    expectTooMany(await tokenCall(t.app, limited));
    // Every grant counts against the same client quota, a malformed request too.
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v5/oauth/token',
      headers: { authorization: basic(limited.clientId, limited.secret) },
      payload: { grant_type: 'refresh_token', refresh_token: 'pinr_nothing_here_at_all' },
    });
    expectTooMany(refresh);
    expect((await tokenCall(t.app, other)).statusCode).toBe(200);
    // A wrong secret is still told it is wrong (authentication comes first).
    expect((await tokenCall(t.app, limited, 'f'.repeat(40))).statusCode).toBe(401);
  });

  it('uses the Standard limits once the app is upgraded', async () => {
    const owner = await t.factories.user();
    const made = await makeApp(t, owner);
    await t.app.ctx.apps.upgrade(made.app.id);
    const client = { clientId: made.app.clientId!, secret: made.clientSecret };
    for (let i = 0; i < 3; i++) expect((await tokenCall(t.app, client)).statusCode).toBe(200);
    const over = await tokenCall(t.app, client);
    expectTooMany(over);
    expect((over.json() as { message: string }).message).toContain('Standard');
  });
});

const haveRedis = await redisAvailable();

describe.skipIf(!haveRedis)(
  `the token endpoint's limit in Redis, shared by processes, on ${TEST_DATABASE}`,
  () => {
    let t: TestApp;
    let second: App;
    const prefix = uniquePrefix();
    beforeAll(async () => {
      t = await buildTestApp({ ...LIMITS, REDIS_URL: TEST_REDIS_URL }, { counterKeyPrefix: prefix });
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

    it('counts a client on both instances', async () => {
      const client = await newClient(t);
      expect((await tokenCall(t.app, client)).statusCode).toBe(200);
      expect((await tokenCall(second, client)).statusCode).toBe(200);
      expect((await tokenCall(t.app, client)).statusCode).toBe(200);
      expectTooMany(await tokenCall(second, client));
      expectTooMany(await tokenCall(t.app, client));
    });
  },
);
