import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isServerPath } from '../../src/http/web-app.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildWebTestApp } from '../helpers/web-build.js';

describe('the built web app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildWebTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves index.html for client routes, revalidated on every load', async () => {
    for (const url of ['/pin/123', '/board/9?x=1', '/user/alice', '/reset-password?token=abc', '/rx']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.body, url).toContain('<div id="root"></div>');
      expect(res.body, url).not.toContain('home-feed');
    }
  });

  it('serves / as index.html with the home feed in it, for this visitor only, and no preload', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.vary).toMatch(/cookie/);
    expect(res.headers.link).toBeUndefined();
    expect(res.body).toMatch(
      /^<!doctype html><html><head><title>Corkboard<\/title><\/head><body><div id="root">.*<\/div>/,
    );
    expect(res.body).toContain(
      '<script type="application/json" id="home-feed">{"items":[],"bookmark":null}</script>',
    );
  });

  it('serves hashed assets with a year of caching and other files revalidated', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('sends the precompressed file to a browser that accepts it', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, deflate' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(res.rawPayload).toString()).toBe('console.log("app")');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing asset with a JSON 404, not the app', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 404, message: 'No route for GET /assets/index-old999.js.' });
    for (const url of ['/secret.jpg', '/robots.txt', '/media/../corkboard.sqlite']) {
      const file = await t.app.inject({ method: 'GET', url });
      expect(file.statusCode, url).toBe(404);
      expect(file.json().code, url).toBe(404);
    }
  });

  it("never answers the server's own URL space with the app", async () => {
    for (const url of [
      '/v5/nothing-here',
      '/api/nothing-here',
      '/media/none.jpg',
      '/_corkboard/x',
      '/postman/x',
      '/docs/x',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['content-type'], url).not.toMatch(/text\/html/);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
    }
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  });

  it('knows which paths are the server’s, by whole segments', () => {
    expect(isServerPath('/r/123')).toBe(true);
    expect(isServerPath('/r')).toBe(true);
    expect(isServerPath('/reset-password')).toBe(false);
    expect(isServerPath('/api')).toBe(true);
    expect(isServerPath('/apidocs')).toBe(false);
    expect(isServerPath('/v5/pins')).toBe(true);
    expect(isServerPath('/oauth/')).toBe(true);
    expect(isServerPath('/healthy')).toBe(false);
  });
});

describe('a server without a web build', () => {
  let t: TestApp;
  let missing: string;
  beforeAll(async () => {
    missing = path.join(os.tmpdir(), `corkboard-no-dist-${process.pid}`);
    t = await buildTestApp({}, { webDistDir: missing });
  });
  afterAll(() => t.close());

  it('still starts, serves the API, and says how to build the app', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/web app is not built.*npm run build/);
    const api = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
  });
});
