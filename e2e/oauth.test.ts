import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { corkboardCli, expectAccessible, signUpAs } from './helpers/people.js';
import { startServer, type RunningServer } from './helpers/server.js';

const skip = browserMissingReason() !== null;
const USERNAME = 'olivia';
/** The password signUpAs (e2e/helpers/people.ts) gives every account. */
const PASSWORD = 'a long enough password';
/** The app's name holds markup: the consent page must show it as text. */
const APP_NAME = 'Pin <b>Pal</b> & Co';

/** `corkboard apps create … --approve` against the running server's data folder, as an operator would. */
async function createApp(
  server: RunningServer,
  redirectUri: string,
): Promise<{ clientId: string; secret: string }> {
  const stdout = await corkboardCli(server, [
    'apps',
    'create',
    '--owner',
    USERNAME,
    '--name',
    APP_NAME,
    '--website',
    'https://pinpal.example/',
    '--redirect-uri',
    redirectUri,
    '--approve',
  ]);
  const created = JSON.parse(stdout) as { client_id: string; client_secret: string; status: string };
  expect(created.status).toBe('APPROVED');
  return { clientId: created.client_id, secret: created.client_secret };
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Callback {
  query: URLSearchParams;
  tokenStatus?: number;
  token?: Record<string, unknown>;
  accountStatus?: number;
  account?: Record<string, unknown>;
}

/**
 * A third-party web app on loopback, as a real OAuth client is: its home page links to
 * Corkboard's /oauth/ (asking for user_accounts:read besides boards and Pins: /v5/user_account
 * needs it, as the spec's security says); its /cb exchanges the code at /v5/oauth/token with HTTP Basic client
 * authentication and calls /v5/user_account with the token, then says what happened.
 */
class ThirdParty {
  readonly callbacks: Callback[] = [];
  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  client = { clientId: '', secret: '' };
  port = 0;

  constructor(private readonly corkboard: string) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get redirectUri(): string {
    return `http://localhost:${this.port}/cb`;
  }

  get home(): string {
    return `http://localhost:${this.port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.home);
    const page = (body: string): void => {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="en"><title>Pin Pal</title><main>${body}</main></html>`);
    };
    if (url.pathname === '/') {
      const authorize = `${this.corkboard}/oauth/?client_id=${this.client.clientId}&redirect_uri=${encodeURIComponent(
        this.redirectUri,
      )}&response_type=code&scope=boards:read,pins:read,user_accounts:read&state=xyz&refreshable=true`;
      return page(`<h1>Pin Pal</h1><a href="${escapeHtml(authorize)}">Connect with Corkboard</a>`);
    }
    if (url.pathname !== '/cb') return void response.writeHead(404).end();
    const callback: Callback = { query: url.searchParams };
    this.callbacks.push(callback);
    const code = url.searchParams.get('code');
    if (!code || url.searchParams.get('state') !== 'xyz')
      return page(`<h1>Not connected</h1><p>${escapeHtml(url.searchParams.get('error') ?? 'no code')}</p>`);
    const exchange = await fetch(`${this.corkboard}/v5/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.client.clientId}:${this.client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.redirectUri }),
    });
    callback.tokenStatus = exchange.status;
    callback.token = (await exchange.json()) as Record<string, unknown>;
    const me = await fetch(`${this.corkboard}/v5/user_account`, {
      headers: { authorization: `Bearer ${String(callback.token.access_token)}` },
    });
    callback.accountStatus = me.status;
    callback.account = (await me.json()) as Record<string, unknown>;
    return page(`<h1>Connected as ${escapeHtml(String(callback.account.username))}</h1>`);
  }
}

describe.skipIf(skip)('OAuth in the browser: a third-party app, the consent page, the code exchanged', () => {
  let server: RunningServer;
  let browser: Browser;
  let thirdParty: ThirdParty;
  let current: Page | null = null;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // The account exists first (signed up in a browser that is then closed).
    const signUp = await newContext(browser, server.url);
    const page = await signUp.newPage();
    await signUpAs(page, USERNAME);
    await signUp.close();
    thirdParty = new ThirdParty(server.url);
    await thirdParty.start();
    thirdParty.client = await createApp(server, thirdParty.redirectUri);
  });
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !current) return;
    await screenshot(current, `failed-oauth-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(
      () => undefined,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await thirdParty?.close();
    await server?.stop();
  });

  async function openConsentFromThirdParty(page: Page): Promise<void> {
    await page.goto(thirdParty.home);
    await page.getByRole('link', { name: 'Connect with Corkboard' }).click();
    await page.waitForURL((url) => url.origin === server.url && url.pathname === '/oauth/');
  }

  it('logs in on the consent page, allows, and the app gets a code, a token and the account', async () => {
    const context = await newContext(browser, server.url);
    const page = (current = await context.newPage());
    await openConsentFromThirdParty(page);
    await page.getByRole('heading', { name: `Log in to continue to ${APP_NAME}` }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'oauth-login');
    await page.getByLabel('Username or email').fill(USERNAME);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /match|password/i })
      .first()
      .waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.getByRole('heading', { name: `${APP_NAME} wants to access your Corkboard account` }).waitFor();
    expect(await page.locator('h1').textContent()).toBe(`${APP_NAME} wants to access your Corkboard account`);
    await page.getByText(`Signed in as ${USERNAME}`).waitFor();
    await page.getByText('https://pinpal.example/').waitFor();
    expect(await page.getByLabel('See your public boards').isChecked()).toBe(true);
    expect(await page.getByLabel('See your public Pins').isChecked()).toBe(true);
    expect(await page.getByLabel('See your account and followers').isChecked()).toBe(true);
    expect(await page.getByRole('checkbox').count()).toBe(4); // the three scopes and "All read scopes"
    await expectAccessible(page);
    await screenshot(page, 'oauth-consent');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.pathname === '/cb' && url.port === String(thirdParty.port));
    await page.getByRole('heading', { name: `Connected as ${USERNAME}` }).waitFor();
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('xyz');
    expect(landed.searchParams.get('code')).toMatch(/\S{20,}/);
    const callback = thirdParty.callbacks.at(-1)!;
    expect(callback.tokenStatus).toBe(200);
    expect(callback.token).toMatchObject({
      response_type: 'authorization_code',
      token_type: 'bearer',
      scope: 'boards:read,pins:read,user_accounts:read',
    });
    expect(String(callback.token!.access_token)).toMatch(/^pina_/);
    expect(String(callback.token!.refresh_token)).toMatch(/^pinr_/);
    expect(callback.accountStatus).toBe(200);
    expect(callback.account!.username).toBe(USERNAME);
    await screenshot(page, 'oauth-connected');
    await context.close();
  });

  it('Cancel sends the browser back with error=access_denied and the state', async () => {
    const context = await newContext(browser, server.url);
    const page = (current = await context.newPage());
    await openConsentFromThirdParty(page);
    await page.getByLabel('Username or email').fill(USERNAME);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: `${APP_NAME} wants to access your Corkboard account` }).waitFor();
    const before = thirdParty.callbacks.length;
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((url) => url.pathname === '/cb' && url.port === String(thirdParty.port));
    await page.getByRole('heading', { name: 'Not connected' }).waitFor();
    const landed = new URL(page.url());
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe('xyz');
    expect(landed.searchParams.get('code')).toBeNull();
    expect(thirdParty.callbacks.length).toBe(before + 1);
    expect(thirdParty.callbacks.at(-1)!.tokenStatus).toBeUndefined();
    await context.close();
  });

  it('fits 375 px with no serious accessibility issue, and shows a bad request as an error in the app', async () => {
    const context = await newContext(browser, server.url, PHONE);
    const page = (current = await context.newPage());
    await openConsentFromThirdParty(page);
    await page.getByRole('heading', { name: `Log in to continue to ${APP_NAME}` }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Username or email').fill(USERNAME);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: `${APP_NAME} wants to access your Corkboard account` }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'oauth-consent-phone');

    // Unticking every scope leaves nothing to allow: the page says so and Allow waits.
    await page.getByLabel('All read scopes').uncheck();
    await page.getByText('Keep at least one, or press Cancel.').waitFor();
    expect(await page.getByRole('button', { name: 'Allow' }).isDisabled()).toBe(true);

    const response = await page.goto(
      `/oauth/?client_id=${thirdParty.client.clientId}&redirect_uri=${encodeURIComponent(
        'https://evil.example/cb',
      )}&response_type=code&scope=boards:read`,
    );
    expect(response?.status()).toBe(400);
    await page.getByRole('heading', { name: 'This app cannot connect' }).waitFor();
    await page.getByText(/redirect_uri is not one the app registered/).waitFor();
    expect(new URL(page.url()).origin).toBe(server.url);
    await expectAccessible(page);
    await context.close();
  });
});
