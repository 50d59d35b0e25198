import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { startServer, waitFor, type RunningServer } from './helpers/server.js';
import { connectApp, expectAccessible, grantAdmin, signUpAs } from './helpers/people.js';

const skip = browserMissingReason() !== null;
const SCRIPT_TEXT = '<script>window.__pwned = true</script> & <b>bold</b>';

describe.skipIf(skip)('the developer portal and admin review in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let devContext: BrowserContext;
  let adminContext: BrowserContext;
  let dev: Page;
  let admin: Page;
  let iconFile: string;
  let manageUrl = '';
  let accessToken = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    devContext = await newContext(browser, server.url);
    adminContext = await newContext(browser, server.url);
    dev = await devContext.newPage();
    admin = await adminContext.newPage();
    iconFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-icon-')), 'icon.png');
    await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .png()
      .toFile(iconFile);
  });
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const name = context.task.name.slice(0, 40).replace(/\W+/g, '-');
    await screenshot(dev, `failed-${name}-developer`).catch(() => undefined);
    await screenshot(admin, `failed-${name}-admin`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (iconFile) fs.rmSync(path.dirname(iconFile), { recursive: true, force: true });
  });

  it('connects an app: errors next to the fields, then pending review with the secret shown once', async () => {
    await signUpAs(dev, 'devon');
    await dev.getByRole('link', { name: 'Developers' }).click();
    await dev.getByRole('heading', { name: 'My apps' }).waitFor();
    await dev.getByText('You have no apps yet.').waitFor();
    expect(await dev.getByRole('link', { name: 'Download Postman collection' }).getAttribute('href')).toBe(
      '/api/developer/postman/collection.json',
    );
    await expectAccessible(dev);

    await dev.getByRole('link', { name: 'Connect app' }).first().click();
    await dev.getByRole('button', { name: 'Connect app' }).click();
    await dev.getByText('Give your app a name.').waitFor();
    await dev.getByText('Add at least one redirect URI.').waitFor();
    // The server's own rule, placed next to the field it names.
    await dev.getByLabel('App name').fill('Pin Planner');
    await dev.getByLabel('Redirect URIs').fill('http://example.com/callback');
    await dev.getByRole('button', { name: 'Connect app' }).click();
    await dev.getByText(/must use https/i).waitFor();
    expect(await dev.getByLabel('Redirect URIs').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(dev);
    await screenshot(dev, 'developer-connect-errors');

    await connectApp(dev, { name: 'Pin Planner', description: SCRIPT_TEXT, icon: iconFile });
    expect(await dev.getByLabel('Client secret', { exact: true }).inputValue()).toMatch(/\S{20,}/);
    await dev.getByRole('link', { name: 'Manage Pin Planner' }).click();
    await dev.waitForURL((url) => /^\/developer\/apps\/\d+$/.test(url.pathname));
    await dev.getByRole('heading', { name: 'Pin Planner', exact: true }).waitFor();
    manageUrl = new URL(dev.url()).pathname;
    await dev.getByText('Pending review').first().waitFor();
    expect(await dev.locator('.app-description').textContent()).toBe(SCRIPT_TEXT);
    expect(await dev.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await dev.getByRole('button', { name: 'Generate token' }).isDisabled()).toBe(true);
    await expectAccessible(dev);
    await screenshot(dev, 'developer-manage-pending');
  });

  it('lets only an administrator review: approve one app, reject another with a reason', async () => {
    // (The first account of a fresh install, devon, is an administrator; root is not until granted.)
    await signUpAs(admin, 'root');
    await admin.goto('/admin');
    await admin.getByRole('heading', { name: 'Administrators only' }).waitFor();

    expect(await grantAdmin(server, 'root')).toContain('root is now an administrator');
    await connectApp(dev, { name: 'Spam Bot' });

    await admin.reload();
    await admin.getByRole('heading', { name: 'App review' }).waitFor();
    const planner = admin.getByRole('listitem').filter({ hasText: 'Pin Planner' });
    await planner.waitFor();
    expect(await planner.getByText(SCRIPT_TEXT).count()).toBe(1);
    await admin.getByRole('link', { name: 'Admin' }).waitFor();
    await expectAccessible(admin);
    await screenshot(admin, 'admin-review-queue');

    await admin.getByRole('button', { name: 'Approve Pin Planner' }).click();
    await admin.getByRole('button', { name: 'Reject Spam Bot' }).click();
    await admin.getByRole('button', { name: 'Reject app' }).click();
    await admin.getByText('Say why, so the developer can fix it.').waitFor();
    await admin.getByLabel('Reason for rejecting Spam Bot').fill('It posts the same pin every minute.');
    await admin.getByRole('button', { name: 'Reject app' }).click();
    await admin.getByText('No apps waiting for review.').waitFor();
    await admin.getByRole('button', { name: 'Approved' }).click();
    await admin.getByRole('button', { name: 'Upgrade Pin Planner to Standard' }).click();
    await admin.getByText('STANDARD tier', { exact: false }).waitFor();

    // The sign-up setting and the outbox (the sign-ups' verification mails are in it).
    await admin.getByLabel('Invite only: an invite code is needed').check();
    await admin.getByText('Saved.').waitFor();
    await admin.getByLabel('Open: anyone may sign up').check();
    await admin.getByRole('heading', { name: 'Email outbox' }).waitFor();
    await admin.getByText('To devon@example.test', { exact: false }).first().waitFor();
    await expectAccessible(admin);

    await dev.goto('/developer');
    const spam = dev.getByRole('listitem').filter({ hasText: 'Spam Bot' });
    await spam.getByText('Rejected').waitFor();
    await spam.getByText('It posts the same pin every minute.').waitFor();
    await dev.getByRole('listitem').filter({ hasText: 'Pin Planner' }).getByText('Approved').waitFor();
  });

  it('generates a token in the page; a real /v5 call with it shows in the request log and the inspector', async () => {
    await dev.goto(manageUrl);
    await dev.getByText('Approved').first().waitFor();
    // Keep the call inspector's bodies for the next calls.
    await dev.getByLabel(/Call inspector/).check();
    await dev.getByRole('button', { name: 'Save sandbox settings' }).click();
    await dev.getByText('Saved. The fault sequence starts again from its seed.').waitFor();

    for (const scope of ['pins:read']) await dev.getByLabel(scope, { exact: true }).uncheck();
    await dev.getByLabel('user_accounts:read', { exact: true }).check();
    await dev.getByRole('button', { name: 'Generate token' }).click();
    accessToken = await dev.getByLabel('Access token', { exact: true }).inputValue();
    expect(accessToken.length).toBeGreaterThan(20);
    await dev.getByText(/Scopes: .*user_accounts:read/).waitFor();
    await expectAccessible(dev);
    await screenshot(dev, 'developer-token-generated');

    const response = await fetch(`${server.url}/v5/user_account`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { username: string }).username).toBe('devon');
    // A board that does not exist: a 404, logged as well.
    const missing = await fetch(`${server.url}/v5/boards/1`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(missing.status).toBe(404);

    await dev.getByRole('link', { name: 'Open the request log' }).click();
    await dev.getByRole('heading', { name: 'Request log: Pin Planner' }).waitFor();
    const call = dev.getByRole('link', { name: 'GET /v5/user_account' });
    const missingCall = dev.getByRole('link', { name: 'GET /v5/boards/1' });
    // The log is written in batches: the two calls can land in different ones, so refresh until both show.
    await waitFor(
      async () => {
        await dev.getByRole('button', { name: 'Refresh' }).click();
        return (await call.count()) === 1 && (await missingCall.count()) === 1;
      },
      { timeoutMs: 10_000, message: () => 'the calls never showed in the request log' },
    );
    await expectAccessible(dev);
    await screenshot(dev, 'developer-request-log');

    await dev.getByLabel('Status').selectOption('4xx');
    await dev.getByRole('link', { name: 'GET /v5/boards/1' }).waitFor();
    await waitFor(async () => (await call.count()) === 0, {
      timeoutMs: 5_000,
      message: () => 'the 4xx filter still shows a 200',
    });
    await dev.getByLabel('Status').selectOption('');
    await call.click();
    await dev.getByRole('heading', { name: 'Call inspector' }).waitFor();
    await dev.getByRole('heading', { name: 'Response body' }).waitFor();
    expect(await dev.locator('pre.body').last().textContent()).toContain('"username": "devon"');
    await expectAccessible(dev);
    await screenshot(dev, 'developer-call-inspector');
  });

  it('revokes the token, after which the API refuses it', async () => {
    await dev.goto(manageUrl);
    const revokeButtons = dev.getByRole('button', { name: /^Revoke token/ });
    await revokeButtons.first().waitFor();
    const before = await revokeButtons.count();
    await revokeButtons.first().click();
    await waitFor(async () => (await revokeButtons.count()) < before, {
      timeoutMs: 5_000,
      message: () => 'the revoked token stayed in the list',
    });
    // Revoke every token of the app so the access token is surely gone.
    while ((await revokeButtons.count()) > 0) {
      const left = await revokeButtons.count();
      await revokeButtons.first().click();
      await waitFor(async () => (await revokeButtons.count()) < left, {
        timeoutMs: 5_000,
        message: () => 'a revoked token stayed in the list',
      });
    }
    await dev.getByText('No tokens yet.').waitFor();
    const response = await fetch(`${server.url}/v5/user_account`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(401);
  });

  it('fits a 375 px phone on the developer pages', async () => {
    await dev.setViewportSize(PHONE);
    for (const url of ['/developer', manageUrl, `${manageUrl}/requests`, '/developer/apps/new']) {
      await dev.goto(url);
      await dev.locator('h1').first().waitFor();
      await dev.waitForLoadState('networkidle');
      await expectAccessible(dev);
    }
    await screenshot(dev, 'developer-manage-phone');
    await admin.setViewportSize(PHONE);
    await admin.goto('/admin');
    await admin.getByRole('heading', { name: 'App review' }).waitFor();
    await expectAccessible(admin);
  });
});
