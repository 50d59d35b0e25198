import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { App } from '../../src/http/types.js';
import { TokenCache } from '../../src/modules/tokens/cache.js';
import { buildTestApp, openTestDatabase, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';
import { makeApp, redisAvailable, TEST_REDIS_URL, tokenFor, uniquePrefix } from '../rate-limit/support.js';

/** Status of GET /v5/user_account with this Authorization header. */
async function statusOf(app: App, auth: { authorization: string }): Promise<number> {
  return (await app.inject({ method: 'GET', url: '/v5/user_account', headers: auth })).statusCode;
}

/** Counts the token lookups that reach the database. */
function countLookups(app: App): { count: number } {
  const counter = { count: 0 };
  const repo = (app.ctx.tokens as unknown as { repo: { findByHash(hash: string): Promise<unknown> } }).repo;
  const original = repo.findByHash.bind(repo);
  repo.findByHash = (hash: string) => {
    counter.count++;
    return original(hash);
  };
  return counter;
}

describe('the token cache', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RATE_LIMIT_TRIAL_PER_DAY: '1000', RATE_LIMIT_STANDARD_PER_SECOND: '100' });
  });
  afterAll(async () => t?.close());

  it('reads a token from the database once, then from memory', async () => {
    const user = await t.factories.user();
    const lookups = countLookups(t.app);
    for (let i = 0; i < 3; i++) expect(await statusOf(t.app, user.auth)).toBe(200);
    expect(lookups.count).toBe(1);
  });

  it('never keeps an unknown token: each try asks the database', async () => {
    const lookups = countLookups(t.app);
    const auth = { authorization: 'Bearer pina_unknown0000000000000000000000000000000000000' };
    expect(await statusOf(t.app, auth)).toBe(401);
    expect(await statusOf(t.app, auth)).toBe(401);
    expect(lookups.count).toBe(2);
  });

  it('a revoked access token is refused on the very next call', async () => {
    const user = await t.factories.user();
    const issued = await t.app.ctx.tokens.issue({
      userId: user.user.id,
      appId: await t.app.ctx.apps.builtinCliAppId(),
      scopes: ['user_accounts:read'],
    });
    const auth = { authorization: `Bearer ${issued.token}` };
    expect(await statusOf(t.app, auth)).toBe(200);
    expect(await statusOf(t.app, user.auth)).toBe(200);
    expect(await t.app.ctx.tokens.revoke(issued.id)).toBe(true);
    expect(await statusOf(t.app, auth)).toBe(401);
    expect(await statusOf(t.app, user.auth)).toBe(200);
  });

  it('a password change (every token of the user revoked) refuses them all at once', async () => {
    const user = await t.factories.user();
    const second = {
      authorization: `Bearer ${await t.factories.token(user.user.id, ['user_accounts:read'])}`,
    };
    const bystander = await t.factories.user();
    for (const auth of [user.auth, second, bystander.auth]) expect(await statusOf(t.app, auth)).toBe(200);
    expect(await t.app.ctx.tokens.revokeAllForUser(user.user.id)).toBe(2);
    expect(await statusOf(t.app, user.auth)).toBe(401);
    expect(await statusOf(t.app, second)).toBe(401);
    expect(await statusOf(t.app, bystander.auth)).toBe(200);
  });

  it("an app's rejection and deletion end its tokens at once", async () => {
    const admin = await t.factories.user();
    const user = await t.factories.user();
    const rejected = await makeApp(t.app, { ownerId: admin.user.id });
    const deleted = await makeApp(t.app, { ownerId: admin.user.id });
    const viaRejected = await tokenFor(t.app, user.user.id, rejected);
    const viaDeleted = await tokenFor(t.app, user.user.id, deleted);
    expect(await statusOf(t.app, viaRejected)).toBe(200);
    expect(await statusOf(t.app, viaDeleted)).toBe(200);

    await t.app.ctx.apps.reject(admin.user.id, rejected, 'Not a real integration.');
    expect(await statusOf(t.app, viaRejected)).toBe(401);
    await t.app.ctx.apps.delete(admin.user.id, deleted);
    expect(await statusOf(t.app, viaDeleted)).toBe(401);
    expect(await statusOf(t.app, user.auth)).toBe(200);
  });

  it("an app's upgrade to Standard applies to its cached tokens at once", async () => {
    const owner = await t.factories.user();
    const appId = await makeApp(t.app, { ownerId: owner.user.id, tier: 'TRIAL' });
    const auth = await tokenFor(t.app, owner.user.id, appId);
    const limitOf = async () =>
      (await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: auth })).headers[
        'x-ratelimit-limit'
      ];
    expect(await limitOf()).toBe('1000');
    await t.app.ctx.apps.upgrade(appId);
    expect(await limitOf()).toBe('100');
  });

  it("a deleted user's tokens are refused once the deletion is announced", async () => {
    const user = await t.factories.user();
    expect(await statusOf(t.app, user.auth)).toBe(200);
    await t.app.ctx.database.db.deleteFrom('users').where('id', '=', user.user.id).execute();
    await t.app.ctx.tokens.forget({ userId: user.user.id });
    expect(await statusOf(t.app, user.auth)).toBe(401);
  });

  it('a cached token still stops at its expiry', async () => {
    const user = await t.factories.user();
    const token = await t.factories.token(user.user.id, ['user_accounts:read'], 1);
    const auth = { authorization: `Bearer ${token}` };
    expect(await statusOf(t.app, auth)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: auth });
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toMatch(/expired/);
  });
});

describe('the token cache lifetime (TOKEN_CACHE_SECONDS)', () => {
  it('bounds a change nobody announced: a revocation written straight to the database applies after it', async () => {
    const t = await buildTestApp({ TOKEN_CACHE_SECONDS: '1' });
    try {
      const user = await t.factories.user();
      expect(await statusOf(t.app, user.auth)).toBe(200);
      await t.app.ctx.database.db
        .updateTable('access_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .where('user_id', '=', user.user.id)
        .execute();
      // Still served from memory: that is what the setting bounds.
      expect(await statusOf(t.app, user.auth)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await statusOf(t.app, user.auth)).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('0 reads the token from the database on every call', async () => {
    const t = await buildTestApp({ TOKEN_CACHE_SECONDS: '0' });
    try {
      const user = await t.factories.user();
      const lookups = countLookups(t.app);
      for (let i = 0; i < 3; i++) expect(await statusOf(t.app, user.auth)).toBe(200);
      expect(lookups.count).toBe(3);
    } finally {
      await t.close();
    }
  });
});

describe('TokenCache', () => {
  const token = (id: string, userId = 'u1', appId = 'a1', refreshTokenId: string | null = null) => ({
    tokenId: id,
    userId,
    appId,
    refreshTokenId,
    expiresAtMs: Number.MAX_SAFE_INTEGER,
    value: id,
  });

  it('does not keep what a lookup read before an invalidation happened', () => {
    const cache = new TokenCache<string>({ ttlMs: 60_000 });
    const before = cache.generation;
    cache.forget({ tokenId: 't1' });
    cache.set('h1', token('t1'), before);
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h1', token('t1'), cache.generation);
    expect(cache.get('h1')?.value).toBe('t1');
  });

  it('forgets by token, user, app and refresh token, and nothing else', () => {
    const cache = new TokenCache<string>({ ttlMs: 60_000 });
    const fill = () => {
      cache.set('h1', token('t1', 'u1', 'a1'), cache.generation);
      cache.set('h2', token('t2', 'u2', 'a1', 'r1'), cache.generation);
      cache.set('h3', token('t3', 'u2', 'a2'), cache.generation);
    };
    const kept = () => ['h1', 'h2', 'h3'].filter((h) => cache.get(h));
    fill();
    cache.forget({ tokenId: 't1' });
    expect(kept()).toEqual(['h2', 'h3']);
    fill();
    cache.forget({ userId: 'u2' });
    expect(kept()).toEqual(['h1']);
    fill();
    cache.forget({ appId: 'a1' });
    expect(kept()).toEqual(['h3']);
    fill();
    cache.forget({ refreshTokenId: 'r1' });
    expect(kept()).toEqual(['h1', 'h3']);
    fill();
    cache.forget({ all: true });
    expect(kept()).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new TokenCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    for (const id of ['1', '2', '3']) cache.set(`h${id}`, token(id), cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h3')?.value).toBe('3');
  });
});

describe.runIf(await redisAvailable())('token invalidations between processes (Redis)', () => {
  it('a token revoked in one server is refused by another sharing the database and Redis', async () => {
    const { database, dropAll } = await openTestDatabase();
    const prefix = uniquePrefix();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-data-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PUBLIC_URL: TEST_PUBLIC_URL,
      LOG_LEVEL: 'silent',
      REDIS_URL: TEST_REDIS_URL,
    });
    const first = await buildApp(config, { database, logger: false, counterKeyPrefix: prefix });
    const second = await buildApp(config, { database, logger: false, counterKeyPrefix: prefix });
    try {
      await Promise.all([first.ready(), second.ready()]);
      const owner = await first.ctx.accounts.create({
        username: `cache_${prefix.slice(-9, -1)}`,
        accountType: 'PINNER',
        businessName: null,
      });
      const appId = await makeApp(first, { ownerId: owner.id });
      const revoked = await tokenFor(first, owner.id, appId);
      const kept = await tokenFor(first, owner.id, await first.ctx.apps.builtinCliAppId());
      for (const auth of [revoked, kept]) {
        expect(await statusOf(first, auth)).toBe(200);
        expect(await statusOf(second, auth)).toBe(200);
      }
      const lookups = countLookups(second);
      expect(await statusOf(second, revoked)).toBe(200);
      expect(lookups.count).toBe(0);

      await first.ctx.apps.reject(owner.id, appId, 'Revoked across processes.');
      expect(await statusOf(first, revoked)).toBe(401);
      await vi.waitFor(async () => expect(await statusOf(second, revoked)).toBe(401), {
        timeout: 3000,
        interval: 20,
      });
      expect(await statusOf(second, kept)).toBe(200);

      const [row] = await first.ctx.tokens.listForApp(owner.id, await first.ctx.apps.builtinCliAppId());
      await second.ctx.tokens.revoke(row!.id);
      await vi.waitFor(async () => expect(await statusOf(first, kept)).toBe(401), {
        timeout: 3000,
        interval: 20,
      });
    } finally {
      await first.close();
      await second.close();
      await dropAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
