import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { createPin, expectAccessible, signUpAs } from './helpers/people.js';

const skip = browserMissingReason() !== null;
const SCRIPT_TEXT = '<script>window.__pwned = true</script> & <b>bold</b>';

describe.skipIf(skip)('pins and boards in the browser, as a new user', () => {
  let server: RunningServer;
  let browser: Browser;
  let maker: BrowserContext;
  let page: Page;
  let imageFile: string;
  let publicPinId = '';
  let secretPinId = '';
  let secretBoardPath = '';
  let publicBoardPath = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    maker = await newContext(browser, server.url);
    page = await maker.newPage();
    imageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-img-')), 'sunset.png');
    await sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 230, g: 120, b: 40 } } })
      .png()
      .toFile(imageFile);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (imageFile) fs.rmSync(path.dirname(imageFile), { recursive: true, force: true });
  });

  it('refuses an empty pin with errors next to the image and the board, and checks limits as you type', async () => {
    await signUpAs(page, 'maker');
    await page.goto('/create');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Choose or drop an image (JPEG or PNG).').waitFor();
    await page.getByText('You have no boards yet.').waitFor();
    await page.getByLabel('Title').fill('x'.repeat(101));
    await page.getByText('At most 100 characters (101 now).').waitFor();
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'create-pin-errors');
  });

  it('creates a board and a pin by uploading an image, and shows the description as text', async () => {
    publicPinId = await createPin(page, {
      board: 'Garden ideas',
      newBoard: true,
      image: imageFile,
      title: 'Orange sunset',
      description: SCRIPT_TEXT,
      link: 'https://example.com/sunset',
    });
    expect(await page.locator('.pin-description').textContent()).toBe(SCRIPT_TEXT);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.getByRole('link', { name: 'Visit example.com' }).getAttribute('href')).toBe(
      `/r/${publicPinId}`,
    );
    const image = page.locator('.pin-detail-image img');
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'pin-page');

    await page.getByRole('link', { name: 'Garden ideas' }).click();
    await page.getByRole('heading', { name: 'Garden ideas' }).waitFor();
    publicBoardPath = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Orange sunset' }).waitFor();
    expect(await page.getByText('1 pin', { exact: false }).first().textContent()).toContain('1 pin');
    await expectAccessible(page);
    await screenshot(page, 'board-page');
  });

  it('keeps a secret board and its pin from a second user everywhere', async () => {
    secretPinId = await createPin(page, {
      board: 'Surprise party',
      secret: true,
      newBoard: true,
      image: imageFile,
      title: 'Hidden plans',
    });
    await page.getByRole('link', { name: 'Surprise party' }).click();
    await page.locator('.badge', { hasText: 'Secret' }).waitFor();
    secretBoardPath = new URL(page.url()).pathname;

    const other = await newContext(browser, server.url);
    const snoop = await other.newPage();
    await signUpAs(snoop, 'snoop');
    await snoop.getByRole('link', { name: 'Orange sunset' }).waitFor();
    expect(await snoop.getByText('Hidden plans').count()).toBe(0);
    await snoop.goto(secretBoardPath);
    await snoop.getByRole('heading', { name: 'Board not found' }).waitFor();
    await snoop.goto(`/pin/${secretPinId}`);
    await snoop.getByRole('heading', { name: 'Pin not found' }).waitFor();
    await snoop.goto('/user/maker');
    await snoop.getByRole('link', { name: /Garden ideas/ }).waitFor();
    expect(await snoop.getByText('Surprise party').count()).toBe(0);
    await snoop.getByRole('tab', { name: 'Created' }).click();
    await snoop.getByRole('link', { name: 'Orange sunset' }).waitFor();
    expect(await snoop.getByText('Hidden plans').count()).toBe(0);
    await expectAccessible(snoop);
    await screenshot(snoop, 'profile-seen-by-another-user');
    await other.close();

    // The owner sees it on their own profile, marked secret.
    await page.goto('/user/maker');
    await page.getByRole('link', { name: /Surprise party/ }).waitFor();
    expect(await page.getByRole('link', { name: /Surprise party/ }).textContent()).toContain('Secret');
  });

  it('lets another user save a pin to a board made inside the picker', async () => {
    const other = await newContext(browser, server.url);
    const saver = await other.newPage();
    await signUpAs(saver, 'saver');
    await saver.goto(`/pin/${publicPinId}`);
    await saver.getByRole('button', { name: 'Save' }).click();
    const dialog = saver.getByRole('dialog', { name: 'Save to board' });
    await dialog.getByRole('button', { name: '+ Create board' }).click();
    await dialog.getByLabel('New board name').fill('Evenings');
    // Creating the board takes a moment (as on a busy server): Save, clicked meanwhile, must
    // wait for the new board instead of saving to no board at all.
    await saver.route('**/api/boards', async (route) => {
      if (route.request().method() === 'POST') await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    await dialog.getByRole('button', { name: 'Create board', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByText('Saved.').waitFor();
    await dialog.getByRole('link', { name: 'its board' }).click();
    await saver.getByRole('heading', { name: 'Evenings' }).waitFor();
    await saver.getByRole('link', { name: 'Orange sunset' }).waitFor();
    // Not the owner: no edit or delete on the original.
    await saver.goto(`/pin/${publicPinId}`);
    await saver.getByRole('heading', { name: 'Orange sunset' }).waitFor();
    expect(await saver.getByRole('button', { name: 'Edit pin' }).count()).toBe(0);
    await other.close();
  });

  it('shows home and pin pages at 375 px without horizontal scrolling', async () => {
    const phone = await newContext(browser, server.url, PHONE);
    const small = await phone.newPage();
    const beacon = small.waitForResponse(
      (response) =>
        response.url().endsWith('/api/analytics/events') &&
        (response.request().postData() ?? '').includes('IMPRESSION'),
      { timeout: 20_000 },
    );
    await small.goto('/');
    await small.getByRole('link', { name: 'Orange sunset' }).first().waitFor();
    // Cards on screen for a second are reported to the analytics beacon, which accepts them.
    const reported = await beacon;
    // The feed's first page came inside the page (server/src/http/home-page.ts): the app,
    // running by now (it sent the beacon), did not ask for it again.
    const feedRequests = await small.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname === '/api/feed'),
    );
    expect(feedRequests).toEqual([]);
    const sent = JSON.parse(reported.request().postData()!) as {
      events: Array<{ type: string; pin_id: string }>;
    };
    expect(sent.events.map((e) => e.pin_id)).toContain(publicPinId);
    expect(reported.status()).toBe(200);
    expect(((await reported.json()) as { accepted: number }).accepted).toBeGreaterThan(0);
    await expectAccessible(small);
    await screenshot(small, 'home-375');
    await small.getByRole('link', { name: 'Orange sunset' }).first().click();
    await small.getByRole('heading', { name: 'Orange sunset' }).waitFor();
    await expectAccessible(small);
    await screenshot(small, 'pin-375');
    await phone.close();
  });

  it('edits a pin, deletes it, then deletes a board after confirming', async () => {
    await page.goto(`/pin/${publicPinId}`);
    await page.getByRole('button', { name: 'Edit pin' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit pin' });
    await edit.getByLabel('Title').fill('Orange sunset, edited');
    await edit.getByLabel('Link').fill('not a link');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.locator('.field-error').waitFor();
    expect(await edit.locator('.field-error').textContent()).toMatch(/http or https/);
    await edit.getByLabel('Link').fill('https://example.com/edited');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Orange sunset, edited' }).waitFor();

    await page.getByRole('button', { name: 'Delete pin' }).click();
    const confirmPin = page.getByRole('dialog', { name: 'Delete this pin?' });
    await confirmPin.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete pin' }).click();
    await confirmPin.getByRole('button', { name: 'Delete pin' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/board/'));
    await page.goto(`/pin/${publicPinId}`);
    await page.getByRole('heading', { name: 'Pin not found' }).waitFor();

    await page.goto(secretBoardPath);
    await page.getByRole('button', { name: 'Delete board' }).click();
    const confirm = page.getByRole('dialog', { name: /Delete “Surprise party”/ });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Surprise party' }).waitFor();
    await page.getByRole('button', { name: 'Delete board' }).click();
    await confirm.getByRole('button', { name: 'Delete board' }).click();
    await page.waitForURL((url) => url.pathname === '/user/maker');
    await page.goto(secretBoardPath);
    await page.getByRole('heading', { name: 'Board not found' }).waitFor();
    expect(publicBoardPath).toMatch(/^\/board\/\d+$/);
  });
});
