import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { hash } from '@node-rs/argon2';
import type { TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import type { AppRow } from '../../src/modules/apps/repo.js';

export type { TestApp };

/** A signed-in web session for app.inject calls to /api (session cookie + CSRF token). */
export async function webSession(t: TestApp, userId: string) {
  const { token } = await t.app.ctx.sessions.create(userId, 'vitest');
  const csrf = await t.app.inject({ method: 'GET', url: '/api/csrf' });
  const csrfCookie = csrf.cookies.find((c) => c.name === 'cb_csrf')!.value;
  const cookies = { cb_session: token, cb_csrf: csrfCookie };
  const headers = { 'x-csrf-token': csrf.json().csrf_token as string };
  return {
    get: (url: string) => t.app.inject({ method: 'GET', url, cookies }),
    post: (url: string, payload: object = {}) =>
      t.app.inject({ method: 'POST', url, cookies, headers, payload }),
    patch: (url: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url, cookies, headers, payload }),
    put: (url: string, payload: object) => t.app.inject({ method: 'PUT', url, cookies, headers, payload }),
    delete: (url: string) => t.app.inject({ method: 'DELETE', url, cookies, headers }),
  };
}

export async function makeAdmin(t: TestApp, userId: string): Promise<void> {
  await t.app.ctx.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', userId).execute();
}

export async function setPassword(t: TestApp, userId: string, password: string): Promise<void> {
  await t.app.ctx.database.db
    .updateTable('users')
    .set({ password_hash: await hash(password) })
    .where('id', '=', userId)
    .execute();
}

/** An approved (or pending) app of `owner` through the service, with its one-time secret. */
export async function makeApp(
  t: TestApp,
  owner: TestUser,
  options: { redirectUris?: string[]; approve?: boolean; name?: string } = {},
): Promise<{ app: AppRow; clientSecret: string }> {
  return t.app.ctx.apps.create(
    owner.user.id,
    {
      name: options.name ?? 'Test App <b>&</b>',
      description: 'Made by a test',
      redirectUris: options.redirectUris ?? ['https://client.example/callback'],
    },
    { approve: options.approve ?? true },
  );
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/**
 * A browser in miniature: fetch with a cookie jar, redirects followed by hand so each one can
 * be looked at, and the web app's JSON calls with the CSRF token it fetches as the app does.
 * Talks only to loopback.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: { method?: string; json?: unknown; csrf?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    if (init.csrf) headers['x-csrf-token'] = init.csrf;
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** A state-changing /api call as the web app makes it: JSON with a fresh CSRF token. */
  async send(base: string, path: string, json: unknown): Promise<Response> {
    const csrf = await this.fetch(`${base}/api/csrf`);
    const { csrf_token } = (await csrf.json()) as { csrf_token: string };
    return this.fetch(`${base}${path}`, { json, csrf: csrf_token });
  }
}

/** A built web app in miniature (index.html only), for the pages the server serves. */
export function fakeWebBuild(): { dir: string; indexHtml: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-oauth-web-'));
  const indexHtml = '<!doctype html><title>Corkboard</title><div id="root"></div>';
  fs.writeFileSync(path.join(dir, 'index.html'), indexHtml);
  return { dir, indexHtml, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A client's redirect endpoint on loopback that records every query it receives. */
export async function callbackServer(): Promise<{
  url: string;
  received: URLSearchParams[];
  close(): Promise<void>;
}> {
  const received: URLSearchParams[] = [];
  const server = http.createServer((request, response) => {
    received.push(new URL(request.url ?? '/', 'http://127.0.0.1').searchParams);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
