import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { IdGenerator } from '../../src/lib/ids.js';
import { BookmarkCodec } from '../../src/lib/bookmark.js';
import {
  KEEP_PER_APP,
  type RequestLogEntry,
  type RequestLogRepo,
} from '../../src/modules/request-log/repo.js';
import {
  latestPerApp,
  MAX_BATCH,
  RequestLogService,
  type RequestLogView,
} from '../../src/modules/request-log/service.js';
import { buildTestApp, loadTestConfig, openTestDatabase, type TestApp } from '../helpers/app.js';
import { makeApp, tokenFor } from '../rate-limit/support.js';

async function signedIn(app: App, userId: string): Promise<Record<string, string>> {
  const { token } = await app.ctx.sessions.create(userId);
  return { cb_session: token };
}

async function rowsOf(app: App, appId: string) {
  return app.ctx.database.db.selectFrom('request_log').selectAll().where('app_id', '=', appId).execute();
}

describe('request log', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The timer never fires during a test: flushes are explicit.
    t = await buildTestApp({ REQUEST_LOG_FLUSH_MS: '60000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records each /v5 call with a token after a flush: path without query, token prefix only, no body', async () => {
    const owner = await t.factories.user();
    const appId = await makeApp(t.app, { ownerId: owner.user.id });
    const auth = await tokenFor(t.app, owner.user.id, appId);
    const token = auth.authorization.slice('Bearer '.length);
    const pin = await t.factories.pin({ owner });
    await t.app.inject({ method: 'GET', url: `/v5/pins/${pin.id}?secret_param=hunter2`, headers: auth });
    await t.app.inject({ method: 'GET', url: '/v5/pins/1234567890', headers: auth });
    await t.app.inject({
      method: 'POST',
      url: '/v5/boards',
      headers: auth,
      payload: { name: 'Body must not be logged', description: 'body-secret' },
    });
    expect(await rowsOf(t.app, appId)).toHaveLength(0); // buffered, not written on the request path
    await t.app.ctx.requestLog.flush();

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/developer/apps/${appId}/requests`,
      cookies: await signedIn(t.app, owner.user.id),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: RequestLogView[]; bookmark: string | null };
    expect(body.bookmark).toBeNull();
    expect(body.items.map((i) => [i.method, i.operation_id, i.status])).toEqual([
      ['POST', 'boards/create', 201],
      ['GET', 'pins/get', 404],
      ['GET', 'pins/get', 200],
    ]);
    const get = body.items[2]!;
    expect(get.path).toBe(`/v5/pins/${pin.id}`);
    expect(get.user_id).toBe(owner.user.id);
    expect(get.token_prefix).toBe(token.slice(0, 12));
    expect(get.token_prefix).toHaveLength(12);
    expect(Number.isInteger(get.latency_ms) && get.latency_ms >= 0).toBe(true);
    expect(Number.isNaN(Date.parse(get.created_at))).toBe(false);

    const stored = JSON.stringify(await rowsOf(t.app, appId), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(0, 13));
    expect(stored).not.toContain('hunter2');
    expect(stored).not.toContain('secret_param');
    expect(stored).not.toContain('body-secret');
  });

  it('records calls refused with 403 for a missing scope, and nothing for a bad token', async () => {
    const owner = await t.factories.user();
    const appId = await makeApp(t.app, { ownerId: owner.user.id });
    const issued = await t.app.ctx.tokens.issue({ userId: owner.user.id, appId, scopes: ['boards:read'] });
    const pin = await t.factories.pin({ owner });
    const refused = await t.app.inject({
      method: 'GET',
      url: `/v5/pins/${pin.id}?x=1`,
      headers: { authorization: `Bearer ${issued.token}` },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ code: 3, message: 'Missing required scope: pins:read.' });
    const ok = await t.app.inject({
      method: 'GET',
      url: '/v5/boards',
      headers: { authorization: `Bearer ${issued.token}` },
    });
    expect(ok.statusCode).toBe(200);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v5/boards',
      headers: { authorization: `Bearer ${issued.token.slice(0, -2)}xx` },
    });
    expect(bad.statusCode).toBe(401);
    await t.app.ctx.requestLog.flush();

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/developer/apps/${appId}/requests`,
      cookies: await signedIn(t.app, owner.user.id),
    });
    const items = (res.json() as { items: RequestLogView[] }).items;
    expect(items.map((i) => [i.method, i.path, i.operation_id, i.status])).toEqual([
      ['GET', '/v5/boards', 'boards/list', 200],
      ['GET', `/v5/pins/${pin.id}`, 'pins/get', 403],
    ]);
    expect(items[1]!.user_id).toBe(owner.user.id);
    expect(items[1]!.token_prefix).toBe(issued.token.slice(0, 12));
  });

  it('filters by an exact status or a class, and refuses a bad filter', async () => {
    const owner = await t.factories.user();
    const appId = await makeApp(t.app, { ownerId: owner.user.id });
    const auth = await tokenFor(t.app, owner.user.id, appId);
    await t.app.inject({ method: 'GET', url: '/v5/boards', headers: auth });
    await t.app.inject({ method: 'GET', url: '/v5/boards/1', headers: auth });
    await t.app.inject({ method: 'POST', url: '/v5/boards', headers: auth, payload: {} });
    await t.app.ctx.requestLog.flush();
    const cookies = await signedIn(t.app, owner.user.id);
    const statuses = async (filter: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/developer/apps/${appId}/requests?status=${filter}`,
        cookies,
      });
      return res.statusCode === 200
        ? (res.json() as { items: RequestLogView[] }).items.map((i) => i.status)
        : res.statusCode;
    };
    expect(await statuses('404')).toEqual([404]);
    expect(await statuses('4xx')).toEqual([400, 404]);
    expect(await statuses('4XX')).toEqual([400, 404]);
    expect(await statuses('2xx')).toEqual([200]);
    expect(await statuses('500')).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/developer/apps/${appId}/requests?status=oops`,
      cookies,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 1 });
    expect((bad.json() as { message: string }).message).toContain('status');
  });

  it('shows an app only to its owner or an admin', async () => {
    const owner = await t.factories.user();
    const stranger = await t.factories.user();
    const adminUser = await t.app.ctx.accounts.create({
      username: `admin_${Date.now().toString(36)}`,
      accountType: 'PINNER',
      isAdmin: true,
    });
    const appId = await makeApp(t.app, { ownerId: owner.user.id });
    const url = `/api/developer/apps/${appId}/requests`;
    const asStranger = await t.app.inject({
      method: 'GET',
      url,
      cookies: await signedIn(t.app, stranger.user.id),
    });
    expect(asStranger.statusCode).toBe(404);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/developer/apps/999999999/requests',
      cookies: await signedIn(t.app, owner.user.id),
    });
    expect(missing.statusCode).toBe(404);
    const asAdmin = await t.app.inject({ method: 'GET', url, cookies: await signedIn(t.app, adminUser.id) });
    expect(asAdmin.statusCode).toBe(200);
    const loggedOut = await t.app.inject({ method: 'GET', url });
    expect(loggedOut.statusCode).toBe(401);
    // A bearer token is not a session: the developer pages are for the signed-in web app.
    const withToken = await t.app.inject({ method: 'GET', url, headers: owner.auth });
    expect(withToken.statusCode).toBe(401);
  });

  it('keeps the latest 1,000 rows per app, paged newest first with bookmarks', async () => {
    const owner = await t.factories.user();
    const appId = await makeApp(t.app, { ownerId: owner.user.id });
    const otherAppId = await makeApp(t.app, { ownerId: owner.user.id });
    const log = t.app.ctx.requestLog;
    const call = (app: string, i: number) =>
      log.record({
        appId: app,
        userId: owner.user.id,
        authorization: 'Bearer pina_0123456789abcdef',
        method: 'GET',
        url: `/v5/boards/${i}`,
        operationId: 'boards/get',
        status: 404,
        latencyMs: 1,
      });
    for (let i = 0; i < 700; i++) call(appId, i);
    call(otherAppId, 0);
    await log.flush();
    for (let i = 700; i < 1010; i++) call(appId, i);
    await log.flush();

    expect(await rowsOf(t.app, appId)).toHaveLength(KEEP_PER_APP);
    expect(await rowsOf(t.app, otherAppId)).toHaveLength(1);

    const cookies = await signedIn(t.app, owner.user.id);
    const paths: string[] = [];
    let bookmark: string | null = null;
    let pages = 0;
    do {
      const query: string = `page_size=250${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/developer/apps/${appId}/requests?${query}`,
        cookies,
      });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: RequestLogView[]; bookmark: string | null };
      paths.push(...page.items.map((i) => i.path));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark && pages < 10);
    expect(pages).toBe(4);
    expect(paths).toHaveLength(1000);
    expect(paths[0]).toBe('/v5/boards/1009');
    expect(paths[999]).toBe('/v5/boards/10');

    // More than 1,000 calls of one app in one flush: its latest 1,000 are kept, other apps' all.
    for (let i = 2000; i < 3500; i++) call(appId, i);
    call(otherAppId, 1);
    await log.flush();
    const kept = await rowsOf(t.app, appId);
    expect(kept).toHaveLength(KEEP_PER_APP);
    expect(kept.map((r) => r.path).sort()).toEqual(
      Array.from({ length: 1000 }, (_, i) => `/v5/boards/${2500 + i}`).sort(),
    );
    expect(await rowsOf(t.app, otherAppId)).toHaveLength(2);

    // A bookmark belongs to its list: another filter refuses it.
    const first = await t.app.inject({
      method: 'GET',
      url: `/api/developer/apps/${appId}/requests?page_size=1`,
      cookies,
    });
    const mark = (first.json() as { bookmark: string }).bookmark;
    const replay = await t.app.inject({
      method: 'GET',
      url: `/api/developer/apps/${appId}/requests?page_size=1&status=2xx&bookmark=${encodeURIComponent(mark)}`,
      cookies,
    });
    expect(replay.statusCode).toBe(400);
  });

  it('does not record calls without a valid token', async () => {
    const before = t.app.ctx.requestLog.pending;
    await t.app.inject({ method: 'GET', url: '/v5/boards', headers: { authorization: 'Bearer pina_nope' } });
    await t.app.inject({ method: 'GET', url: '/health' });
    expect(t.app.ctx.requestLog.pending).toBe(before);
  });
});

describe('request log writes', () => {
  it('writes what is buffered when the app closes', async () => {
    const { database, dropAll } = await openTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-rl-'));
    try {
      const config = loadTestConfig(dataDir, { REQUEST_LOG_FLUSH_MS: '60000' });
      const app = await buildApp(config, { database, logger: false });
      await app.ready();
      const user = await app.ctx.accounts.create({
        username: `closer_${Date.now().toString(36)}`,
        accountType: 'PINNER',
      });
      const appId = await makeApp(app, { ownerId: user.id });
      const auth = await tokenFor(app, user.id, appId);
      for (let i = 0; i < 3; i++) {
        expect((await app.inject({ method: 'GET', url: '/v5/boards', headers: auth })).statusCode).toBe(200);
      }
      expect(app.ctx.requestLog.pending).toBe(3);
      await app.close();
      const rows = await database.db
        .selectFrom('request_log')
        .select('path')
        .where('app_id', '=', appId)
        .execute();
      expect(rows.map((r) => r.path)).toEqual(['/v5/boards', '/v5/boards', '/v5/boards']);
    } finally {
      await dropAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps a failed batch for the next tick and bounds the buffer', async () => {
    const written: RequestLogEntry[][] = [];
    let failNext = true;
    const repo = {
      async writeBatch(entries: readonly RequestLogEntry[]) {
        if (failNext) {
          failNext = false;
          throw new Error('database is down');
        }
        written.push([...entries]);
      },
    } as unknown as RequestLogRepo;
    const warnings: string[] = [];
    const log = new RequestLogService({
      repo,
      ids: new IdGenerator(1),
      bookmarks: new BookmarkCodec(Buffer.alloc(32)),
      flushMs: 60_000,
      log: { warn: (_d, message) => warnings.push(message) },
      maxBuffered: 5,
    });
    const call = (i: number) =>
      log.record({
        appId: '1',
        userId: '2',
        authorization: undefined,
        method: 'GET',
        url: `/v5/x/${i}`,
        operationId: null,
        status: 200,
        latencyMs: 0,
      });
    call(1);
    call(2);
    await log.flush();
    expect(written).toHaveLength(0);
    expect(log.pending).toBe(2);
    expect(warnings.some((w) => w.includes('retrying'))).toBe(true);
    for (let i = 3; i <= 7; i++) call(i);
    expect(log.pending).toBe(5); // bounded: the oldest two were dropped
    await log.close();
    expect(written.flat().map((e) => e.path)).toEqual([
      '/v5/x/3',
      '/v5/x/4',
      '/v5/x/5',
      '/v5/x/6',
      '/v5/x/7',
    ]);
    expect(log.pending).toBe(0);
  });
});

describe('request log buffering', () => {
  /** `afterWrite` runs after each batch is written: what requests do between two writes of a flush. */
  const service = (written: RequestLogEntry[][], afterWrite: () => void = () => undefined) =>
    new RequestLogService({
      repo: {
        async writeBatch(entries: readonly RequestLogEntry[]) {
          written.push([...entries]);
          afterWrite();
        },
      } as unknown as RequestLogRepo,
      ids: new IdGenerator(1),
      bookmarks: new BookmarkCodec(Buffer.alloc(32)),
      flushMs: 60_000,
      log: { warn: () => undefined },
    });
  const call = (appId: string, i: number, status = 200) => ({
    appId,
    userId: '2',
    authorization: 'Bearer pina_abcdefghijklmnopqrstuvwxyz',
    method: 'GET',
    url: `/v5/pins/${i}?secret=no`,
    operationId: 'pins/get',
    status,
    latencyMs: 1.6,
  });

  it("writes each app's latest calls in the order they came, ids increasing, the id named at the call", async () => {
    const written: RequestLogEntry[][] = [];
    const log = service(written);
    const named: string[] = [];
    for (let i = 0; i < 2600; i++) {
      log.record(call(i % 3 === 0 ? 'b' : 'a', i));
      named.push(log.lastRecordedId()!);
    }
    // a: 1,733 calls, of which the latest 1,000 wait; b: all 867.
    expect(log.pending).toBe(KEEP_PER_APP + 867);
    await log.flush();
    expect(log.pending).toBe(0);
    // Written as short transactions of at most MAX_BATCH rows, never one long one.
    expect(written).toHaveLength(Math.ceil((KEEP_PER_APP + 867) / MAX_BATCH));
    expect(written.every((batch) => batch.length <= MAX_BATCH)).toBe(true);
    const entries = written.flat();
    const a = entries.filter((e) => e.appId === 'a');
    const b = entries.filter((e) => e.appId === 'b');
    const calls = (app: string) =>
      Array.from({ length: 2600 }, (_, i) => i).filter((i) => (i % 3 === 0 ? 'b' : 'a') === app);
    expect(a.map((e) => e.path)).toEqual(
      calls('a')
        .slice(-KEEP_PER_APP)
        .map((i) => `/v5/pins/${i}`),
    );
    expect(b.map((e) => e.path)).toEqual(calls('b').map((i) => `/v5/pins/${i}`));
    expect(a.map((e) => e.id)).toEqual(
      calls('a')
        .slice(-KEEP_PER_APP)
        .map((i) => named[i]),
    );
    expect(b.map((e) => e.id)).toEqual(calls('b').map((i) => named[i]));
    for (const list of [a, b])
      for (let i = 1; i < list.length; i++) expect(BigInt(list[i]!.id) > BigInt(list[i - 1]!.id)).toBe(true);
    expect(a[0]).toMatchObject({
      userId: '2',
      tokenPrefix: 'pina_abcdefg',
      method: 'GET',
      operationId: 'pins/get',
      status: 200,
      latencyMs: 2,
    });
    expect(a[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // The slots are reused after a flush: the next flush has the new calls only.
    log.record(call('a', 9000, 404));
    await log.flush();
    expect(written.at(-1)!.map((e) => [e.path, e.status])).toEqual([['/v5/pins/9000', 404]]);
  });

  it('writes calls made while a flush is writing in the same flush, each once and in order', async () => {
    const written: RequestLogEntry[][] = [];
    let next = 0;
    const log: RequestLogService = service(written, () => {
      // Requests served between two writes of one flush, enough to wrap the app's slots.
      if (written.length <= 3) for (let i = 0; i < 700; i++) log.record(call('a', next++));
    });
    for (let i = 0; i < 900; i++) log.record(call('a', next++));
    await log.flush();
    expect(log.pending).toBe(0);
    expect(written.every((batch) => batch.length <= MAX_BATCH)).toBe(true);
    const numbers = written.flat().map((e) => Number(e.path.slice('/v5/pins/'.length)));
    // Each call once, oldest first; past KEEP_PER_APP waiting, the oldest were let go.
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    expect(numbers.at(-1)).toBe(next - 1);
    const ids = written.flat().map((e) => BigInt(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // Nothing waits, and the slots serve the next calls from where they are.
    log.record(call('a', 5000));
    await log.flush();
    expect(written.at(-1)!.map((e) => e.path)).toEqual(['/v5/pins/5000']);
  });

  it("keeps a busy app's slots across flushes and lets an idle app's go after a flush interval", async () => {
    const written: RequestLogEntry[][] = [];
    const log = service(written);
    let now = Date.parse('2026-11-30T12:00:00Z');
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      log.record(call('a', 1));
      await log.flush();
      // Emptied by the flush, but it called within the interval: its slots stay for its next calls.
      await log.flush();
      expect(log.appsWithSlots).toBe(1);
      now += 60_001;
      await log.flush();
      expect(log.appsWithSlots).toBe(0);
      log.record(call('a', 2));
      await log.flush();
      expect(written.flat().map((e) => e.path)).toEqual(['/v5/pins/1', '/v5/pins/2']);
    } finally {
      clock.mockRestore();
    }
  });

  it('records the path of each call, whatever the path before it', async () => {
    const written: RequestLogEntry[][] = [];
    const log = service(written);
    const urls = [
      '/v5/pins/1?a=1',
      '/v5/pins/12',
      '/v5/pins/1',
      '/v5/pins/1?x',
      '/v5/pins/12?y',
      '/v5/pins/1',
    ];
    for (const url of urls) log.record({ ...call('a', 0), url });
    await log.flush();
    expect(written.flat().map((e) => e.path)).toEqual([
      '/v5/pins/1',
      '/v5/pins/12',
      '/v5/pins/1',
      '/v5/pins/1',
      '/v5/pins/12',
      '/v5/pins/1',
    ]);
  });
});

describe('latestPerApp (what a flush writes)', () => {
  const entry = (appId: string, n: number): RequestLogEntry => ({
    id: String(n),
    appId,
    userId: null,
    tokenPrefix: 'pina_x',
    method: 'GET',
    path: `/v5/pins/${n}`,
    operationId: 'pins/get',
    status: 200,
    latencyMs: 1,
    createdAt: '2026-11-29T00:00:00.000Z',
  });

  it("keeps each app's latest KEEP_PER_APP entries, in the order they came", () => {
    const entries: RequestLogEntry[] = [];
    for (let n = 0; n < 2500; n++) entries.push(entry(n % 5 === 0 ? 'b' : 'a', n));
    const kept = latestPerApp(entries);
    const a = kept.filter((e) => e.appId === 'a').map((e) => Number(e.id));
    const b = kept.filter((e) => e.appId === 'b');
    expect(a).toHaveLength(KEEP_PER_APP);
    expect(a).toEqual(
      entries
        .filter((e) => e.appId === 'a')
        .slice(-KEEP_PER_APP)
        .map((e) => Number(e.id)),
    );
    expect(b).toHaveLength(500);
    const ids = kept.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });

  it('hands back a flush with nothing to leave out as it is', () => {
    const small = [entry('a', 1), entry('b', 2)];
    expect(latestPerApp(small)).toBe(small);
    const many = Array.from({ length: 1500 }, (_, n) => entry(`app${n % 2}`, n));
    expect(latestPerApp(many)).toBe(many);
  });
});
