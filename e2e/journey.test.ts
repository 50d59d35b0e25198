import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAnalyticsCharts, summaryTiles } from './helpers/analytics.js';
import { launchBrowser, newContext, screenshot } from './helpers/browser.js';
import { becomeBusiness, writePicture } from './helpers/business.js';
import { browserMissingReason } from './helpers/environment.js';
import { connectApp, createPin, expectAccessible, openHome, signUpAs } from './helpers/people.js';
import { startServer, waitFor, type RunningServer } from './helpers/server.js';

const skip = browserMissingReason() !== null;

/**
 * The whole road a new business takes, in one run against the real server, each step through
 * the pages a person would use: sign up, become a business, pin, become a developer, get the
 * app approved, call the API with the generated token, find the call in the request log, and
 * see real visitors' activity on the analytics charts.
 */
describe.skipIf(skip)('the full journey: sign-up to business to pins to the API to analytics', () => {
  let server: RunningServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let adminContext: BrowserContext;
  let visitorContext: BrowserContext;
  let owner: Page;
  let admin: Page;
  let visitor: Page;
  let files: string;
  let pinId = '';
  let manageUrl = '';
  let accessToken = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ownerContext = await newContext(browser, server.url);
    adminContext = await newContext(browser, server.url);
    visitorContext = await newContext(browser, server.url);
    owner = await ownerContext.newPage();
    admin = await adminContext.newPage();
    visitor = await visitorContext.newPage();
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-journey-'));
    await sharp({ create: { width: 640, height: 900, channels: 3, background: { r: 40, g: 110, b: 90 } } })
      .jpeg()
      .toFile(path.join(files, 'teapot.jpg'));
  });
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const name = context.task.name.slice(0, 40).replace(/\W+/g, '-');
    for (const [who, page] of [
      ['owner', owner],
      ['admin', admin],
      ['visitor', visitor],
    ] as const)
      await screenshot(page, `failed-journey-${name}-${who}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (files) fs.rmSync(files, { recursive: true, force: true });
  });

  it('signs up and becomes a business through every step of the wizard', async () => {
    // The first account of a fresh install administers it; the business owner comes second.
    await signUpAs(admin, 'operator');
    await signUpAs(owner, 'teahouse');
    await owner.goto('/business');
    await becomeBusiness(owner, {
      businessName: 'Tea House',
      description: 'Loose-leaf teas and hand-thrown teapots.',
      adsInterest: 'Yes',
      picturePath: await writePicture(path.join(files, 'logo.png'), 500, 500),
      website: 'https://teahouse.example',
    });
    await expectAccessible(owner);
    await screenshot(owner, 'journey-business-ready');
  });

  it('creates a board and a pin by uploading an image, and sees it on the board', async () => {
    pinId = await createPin(owner, {
      board: 'Teapots',
      newBoard: true,
      image: path.join(files, 'teapot.jpg'),
      title: 'Celadon teapot',
      description: 'Thrown on the wheel, glazed in celadon.',
      link: 'https://teahouse.example/teapots/celadon',
    });
    await owner.getByRole('link', { name: 'Teapots' }).click();
    await owner.getByRole('heading', { name: 'Teapots' }).waitFor();
    await owner.getByRole('link', { name: 'Celadon teapot' }).waitFor();
    await expectAccessible(owner);
    await screenshot(owner, 'journey-board');
  });

  it('connects an app that the administrator approves, then generates a token', async () => {
    await owner.goto('/');
    await owner.getByRole('link', { name: 'Developers' }).click();
    await owner.getByRole('heading', { name: 'My apps' }).waitFor();
    await connectApp(owner, { name: 'Tea Stats', description: 'Reads our pins for the shop dashboard.' });
    await owner.getByRole('link', { name: 'Manage Tea Stats' }).click();
    await owner.waitForURL((url) => /^\/developer\/apps\/\d+$/.test(url.pathname));
    manageUrl = new URL(owner.url()).pathname;
    await owner.getByText('Pending review').first().waitFor();

    await admin.goto('/admin');
    await admin.getByRole('heading', { name: 'App review' }).waitFor();
    await admin.getByRole('button', { name: 'Approve Tea Stats' }).click();
    await admin.getByText('No apps waiting for review.').waitFor();

    await owner.goto(manageUrl);
    await owner.getByText('Approved').first().waitFor();
    for (const scope of ['boards:read', 'pins:read']) await owner.getByLabel(scope, { exact: true }).check();
    await owner.getByRole('button', { name: 'Generate token' }).click();
    accessToken = await owner.getByLabel('Access token', { exact: true }).inputValue();
    expect(accessToken).toMatch(/^pina_/);
    await expectAccessible(owner);
  });

  it('calls /v5/pins/{id} with the token and finds the call in the request log', async () => {
    const response = await fetch(`${server.url}/v5/pins/${pinId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
    const pin = (await response.json()) as { id: string; title: string; link: string };
    expect(pin).toMatchObject({
      id: pinId,
      title: 'Celadon teapot',
      link: 'https://teahouse.example/teapots/celadon',
    });

    await owner.goto(manageUrl);
    await owner.getByRole('link', { name: 'Open the request log' }).click();
    await owner.getByRole('heading', { name: 'Request log: Tea Stats' }).waitFor();
    const call = owner.getByRole('link', { name: `GET /v5/pins/${pinId}` });
    await waitFor(
      async () => {
        await owner.getByRole('button', { name: 'Refresh' }).click();
        return (await call.count()) === 1;
      },
      { timeoutMs: 15_000, message: () => 'the /v5/pins call never showed in the request log' },
    );
    await expectAccessible(owner);
    await screenshot(owner, 'journey-request-log');
  });

  it("shows visitors' real activity on the analytics charts", async () => {
    // What the visitor's page reports to the beacon, and what the server answered.
    const beacon: Array<{ types: string[]; status: number; answer: string }> = [];
    visitor.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || new URL(response.url()).pathname !== '/api/analytics/events') return;
      const sent = request.postDataJSON() as { events: Array<{ type: string }> };
      const entry = { types: sent.events.map((e) => e.type), status: response.status(), answer: '' };
      beacon.push(entry);
      response.text().then(
        (text) => (entry.answer = text),
        () => undefined,
      );
    });

    // A signed-out visitor sees the pin on home (an impression), opens it (a pin click) and
    // follows its link out through the redirect (an outbound click; not followed further,
    // there is no internet here).
    await openHome(visitor);
    const card = visitor.getByRole('link', { name: 'Celadon teapot' }).first();
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    await visitor.waitForTimeout(1500); // the card must stay on screen a second to count as seen
    await card.click();
    await visitor.getByRole('heading', { name: 'Celadon teapot' }).waitFor();
    const redirect = await fetch(`${server.url}/r/${pinId}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://teahouse.example/teapots/celadon');
    // Leaving the page hands what was seen to the beacon.
    await visitor.goto('about:blank');
    // The browser reports on its own time (the pin click at once, impressions as the page is
    // left, with a keepalive request no page is left to watch): ask the API until the server has
    // counted the whole visit. The analytics page must then show all of it on its first load.
    // Yesterday too: the visit stays counted if midnight (UTC) passes meanwhile.
    const day = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const pinAnalytics = async () =>
      (
        await fetch(
          `${server.url}/v5/pins/${pinId}/analytics?start_date=${yesterday}&end_date=${day}&metric_types=IMPRESSION,PIN_CLICK,OUTBOUND_CLICK`,
          { headers: { authorization: `Bearer ${accessToken}` } },
        )
      ).text();
    const counted = (metrics: Record<string, string | number>) =>
      Number(metrics.IMPRESSION) >= 1 &&
      Number(metrics.PIN_CLICK) >= 1 &&
      Number(metrics.OUTBOUND_CLICK) >= 1;
    let counts = '';
    await waitFor(
      async () => {
        counts = await pinAnalytics();
        return counted(
          (JSON.parse(counts) as { all: { summary_metrics: Record<string, number> } }).all.summary_metrics,
        );
      },
      {
        timeoutMs: 15_000,
        message: () =>
          `the server never counted the visit; pin analytics: ${counts}\nbeacon: ${JSON.stringify(beacon)}\n` +
          `the server said:\n${server.output().slice(-3000)}`,
      },
    );

    await owner.goto('/');
    await owner.getByRole('link', { name: 'Analytics' }).click();
    // The page is lazy: the address changes once its code has loaded.
    await owner.waitForURL((url) => url.pathname === '/analytics');
    const dailyCard = owner.locator('section[aria-labelledby="chart-heading"]');
    await dailyCard.locator('.line-chart svg[role="img"], .state-empty').first().waitFor();
    const tilesShown = await summaryTiles(owner);
    if (!(await dailyCard.locator('.line-chart svg[role="img"]').isVisible()) || !counted(tilesShown)) {
      // Say what each side holds: the server's log, the pin's and the account's numbers, the beacon.
      const accountAnalytics = await owner.evaluate(
        async ([start, end]) => {
          const response = await fetch(
            `/api/analytics/account?start_date=${start}&end_date=${end}&split_field=NO_SPLIT&metric_types=IMPRESSION,PIN_CLICK,OUTBOUND_CLICK`,
          );
          return response.text();
        },
        [yesterday, day] as const,
      );
      throw new Error(
        `the visit is not on the analytics page at ${owner.url()} (tiles ${JSON.stringify(tilesShown)}); ` +
          `the server said:\n${server.output().slice(-3000)}\npin analytics: ${await pinAnalytics()}\n` +
          `account analytics: ${accountAnalytics}\nbeacon: ${JSON.stringify(beacon)}`,
      );
    }
    const { points, tiles } = await expectAnalyticsCharts(owner);
    expect(counted(tiles)).toBe(true);
    // The chart's points carry the impressions the tiles add up (the visit's day is among them).
    const impressions = points.filter((p) => p.series === 'Impressions');
    expect(impressions.reduce((sum, p) => sum + p.value, 0)).toBe(Number(tiles.IMPRESSION));
    await expectAccessible(owner);
    await screenshot(owner, 'journey-analytics');
  });
});
