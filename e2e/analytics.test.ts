import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chartPoints,
  expectAnalyticsCharts,
  summaryTiles,
  topPins,
  valuesByDate,
} from './helpers/analytics.js';
import { launchBrowser, newContext, PHONE, DESKTOP, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { startServer, waitFor, type RunningServer } from './helpers/server.js';
import { expectAccessible, grantAdmin, signUpAs } from './helpers/people.js';

const skip = browserMissingReason() !== null;

/** The signed-in browser's own JSON calls (session cookie, CSRF token), failing loudly. */
function sessionApi(page: Page) {
  let csrf: string | null = null;
  return async <T>(method: 'GET' | 'POST' | 'PUT', url: string, data?: object): Promise<T> => {
    csrf ??= ((await (await page.request.get('/api/csrf')).json()) as { csrf_token: string }).csrf_token;
    const res = await page.request.fetch(url, { method, data, headers: { 'x-csrf-token': csrf } });
    expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true);
    return (await res.json()) as T;
  };
}

async function imageBase64(color: { r: number; g: number; b: number }): Promise<string> {
  const png = await sharp({ create: { width: 300, height: 400, channels: 3, background: color } })
    .png()
    .toBuffer();
  return png.toString('base64');
}

/** A 2-second test video made by ffmpeg (as the server's video tests make them). */
function makeVideo(): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-video-'));
  const file = path.join(dir, 'clip.mp4');
  try {
    const result = spawnSync(
      'ffmpeg',
      [
        ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=25'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file],
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`ffmpeg could not make a test video: ${result.stderr}`);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A video pin as an app makes one: media/create, the signed upload, media/get until done, pins/create. */
async function createVideoPin(
  baseUrl: string,
  token: string,
  boardId: string,
  title: string,
): Promise<string> {
  const v5 = async (method: string, url: string, body?: object) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.ok, `${method} ${url}: ${res.status} ${JSON.stringify(json)}`).toBe(true);
    return json;
  };
  const registered = (await v5('POST', '/v5/media', { media_type: 'video' })) as {
    media_id: string;
    upload_url: string;
    upload_parameters: Record<string, string>;
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(registered.upload_parameters)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(makeVideo())], { type: 'video/mp4' }), 'clip.mp4');
  const upload = await fetch(registered.upload_url, { method: 'POST', body: form });
  expect(upload.status, await upload.text()).toBeLessThan(300);
  let status = '';
  await waitFor(
    async () => {
      status = String((await v5('GET', `/v5/media/${registered.media_id}`)).status);
      return status === 'succeeded' || status === 'failed';
    },
    { timeoutMs: 60_000, message: () => `the video was still ${status} after a minute` },
  );
  expect(status).toBe('succeeded');
  const pin = await v5('POST', '/v5/pins', {
    board_id: boardId,
    title,
    media_source: { source_type: 'video_id', media_id: registered.media_id },
  });
  return String(pin.id);
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(skip)('the analytics page in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let today = '';
  const pins: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await newContext(browser, server.url);
    page = await context.newPage();

    // A business account (the wizard's steps through its JSON), admin so it may inject events.
    await signUpAs(page, 'hana_shop');
    await grantAdmin(server, 'hana_shop');
    const api = sessionApi(page);
    await api('PUT', '/api/business/profile/name', {
      business_name: 'Hana Ceramics',
      language: 'en',
      country: 'GB',
    });
    await api('PUT', '/api/business/profile/about', {
      description: 'Hand-made bowls.',
      goals: ['SELL_PRODUCTS'],
      promote: ['PRODUCTS'],
    });
    await api('PUT', '/api/business/profile/ads', { ads_interest: 'NOT_SURE_YET' });
    await api('POST', '/api/business/profile/finish');

    const board = await api<{ id: string }>('POST', '/api/boards', { name: 'Shop' });
    for (const [name, color] of [
      ['Blue bowl', { r: 30, g: 80, b: 200 }],
      ['Green cup', { r: 30, g: 160, b: 60 }],
    ] as const) {
      const pin = await api<{ id: string }>('POST', '/api/pins', {
        board_id: board.id,
        title: name,
        media_source: {
          source_type: 'image_base64',
          content_type: 'image/png',
          data: await imageBase64(color),
        },
      });
      pins[name] = pin.id;
    }
    // A video pin, through /v5 with the token the Postman environment gives the signed-in user.
    const environment = await api<{ values: Array<{ key: string; value: string }> }>(
      'GET',
      '/api/developer/postman/environment.json',
    );
    const token = environment.values.find((v) => v.key === 'access_token')!.value;
    pins['Wheel throwing'] = await createVideoPin(server.url, token, board.id, 'Wheel throwing');
    today = (await api<{ today: string }>('GET', '/api/analytics/definition')).today;
    const [d3, d2, d1] = [addDays(today, -3), addDays(today, -2), addDays(today, -1)];
    const bowl = pins['Blue bowl'];
    const cup = pins['Green cup'];
    // Known events: 80 impressions, 8 saves, 2 pin clicks, 1 outbound click (engagement 11).
    await api('POST', '/_corkboard/analytics/events', {
      events: [
        { type: 'IMPRESSION', pin_id: bowl, date: d3, count: 40, app_type: 'WEB' },
        { type: 'SAVE', pin_id: bowl, date: d3, count: 3, app_type: 'WEB' },
        { type: 'PIN_CLICK', pin_id: bowl, date: d3, count: 2, app_type: 'WEB' },
        { type: 'IMPRESSION', pin_id: bowl, date: d2, count: 25, app_type: 'MOBILE' },
        { type: 'OUTBOUND_CLICK', pin_id: bowl, date: d2, count: 1, app_type: 'MOBILE' },
        { type: 'IMPRESSION', pin_id: cup, date: d2, count: 5, app_type: 'WEB' },
        { type: 'IMPRESSION', pin_id: cup, date: d1, count: 10, app_type: 'TABLET' },
        { type: 'SAVE', pin_id: cup, date: d1, count: 5, app_type: 'TABLET' },
        // Video activity only (no impressions, saves or clicks): the account totals stay as above.
        { type: 'VIDEO_START', pin_id: pins['Wheel throwing'], date: d1, count: 4, app_type: 'WEB' },
        { type: 'VIDEO_MRC_VIEW', pin_id: pins['Wheel throwing'], date: d1, count: 3, app_type: 'WEB' },
        { type: 'VIDEO_WATCH_TIME', pin_id: pins['Wheel throwing'], date: d1, count: 4, value_ms: 5000 },
      ],
    });
  });
  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    await screenshot(page, `failed-analytics-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(
      () => undefined,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('charts the injected days, totals and rates; top pins with thumbnails', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Analytics' }).click();
    const { points, tiles } = await expectAnalyticsCharts(page);
    // Last 30 days by default, today included.
    expect(points).toHaveLength(30);
    expect(points[0]!.date).toBe(addDays(today, -29));
    expect(points[29]!.date).toBe(today);
    const impressions = valuesByDate(points, 'Impressions');
    expect(impressions[addDays(today, -3)]).toBe(40);
    expect(impressions[addDays(today, -2)]).toBe(30);
    expect(impressions[addDays(today, -1)]).toBe(10);
    expect(Object.values(impressions).reduce((a, b) => a + b, 0)).toBe(80);
    expect(tiles).toMatchObject({
      IMPRESSION: '80',
      SAVE: '8',
      PIN_CLICK: '2',
      OUTBOUND_CLICK: '1',
      ENGAGEMENT: '11',
      ENGAGEMENT_RATE: '13.75%',
      SAVE_RATE: '10%',
      PIN_CLICK_RATE: '2.5%',
      OUTBOUND_CLICK_RATE: '1.25%',
    });

    // Top pins is its own request: it may answer after the totals.
    let top = await topPins(page, 'Top pins');
    await waitFor(async () => (top = await topPins(page, 'Top pins')).length === 3, {
      timeoutMs: 10_000,
      message: () => `top pins never listed the three pins: ${JSON.stringify(top)}`,
    });
    // The video pin had activity too (no impressions): last.
    expect(top.map((p) => p.name)).toEqual(['Blue bowl', 'Green cup', 'Wheel throwing']);
    await waitFor(async () => (await topPins(page, 'Top pins')).every((p) => p.thumbnailLoaded), {
      timeoutMs: 10_000,
      message: () => 'top pin thumbnails did not load',
    });
    await page.getByLabel('Sort by').first().selectOption({ label: 'Saves' });
    await waitFor(async () => (await topPins(page, 'Top pins'))[0]?.name === 'Green cup', {
      timeoutMs: 10_000,
      message: () => 'sorting top pins by saves did not put Green cup first',
    });
    // The video pin leads the top video pins (by video views), its cover as the thumbnail.
    await waitFor(async () => (await topPins(page, 'Top video pins')).some((p) => p.thumbnailLoaded), {
      timeoutMs: 10_000,
      message: () => 'the top video pin thumbnail did not load',
    });
    const videos = await topPins(page, 'Top video pins');
    expect(videos[0]).toMatchObject({ pinId: pins['Wheel throwing'], name: 'Wheel throwing' });
    const videoItem = page.locator(`.top-pin[data-pin-id="${pins['Wheel throwing']}"]`).last();
    expect(await videoItem.textContent()).toMatch(
      /Video starts\s*4.*Video views\s*3|Video views\s*3.*Video starts\s*4/s,
    );
    expect(await videoItem.textContent()).toMatch(/Average watch time\s*5 s/);
    await screenshot(page, 'analytics-desktop');
    await expectAccessible(page);
  });

  it('changes the metric, the range (presets and custom) and splits by app type', async () => {
    await page.goto('/analytics');
    await expectAnalyticsCharts(page);
    await page.getByLabel('Metric').selectOption({ label: 'Saves' });
    await page.getByRole('heading', { name: 'Saves per day' }).waitFor();
    let points = await chartPoints(page);
    expect(valuesByDate(points, 'Saves')).toMatchObject({ [addDays(today, -3)]: 3, [addDays(today, -1)]: 5 });
    expect(points.reduce((sum, p) => sum + p.value, 0)).toBe(8);

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await waitFor(async () => (await chartPoints(page)).length === 7, {
      timeoutMs: 10_000,
      message: () => 'the 7-day preset did not redraw the chart',
    });
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');

    // Custom dates: the rules are checked as you type, next to the field.
    await page.getByLabel('Start date').fill(addDays(today, -3));
    await page.getByLabel('End date').fill(addDays(today, 88));
    await page.getByText('The end can be at most 90 days after the start').waitFor();
    await page.getByLabel('Start date').fill(addDays(today, -95));
    await page.getByText('The start can be at most 90 days back from today').waitFor();
    await page.getByLabel('Start date').fill(addDays(today, -3));
    await page.getByLabel('End date').fill(addDays(today, -1));
    await page.getByRole('button', { name: 'Apply dates' }).click();
    await waitFor(async () => (await chartPoints(page)).length === 3, {
      timeoutMs: 10_000,
      message: () => 'the custom range did not redraw the chart',
    });
    await page.getByLabel('Metric').selectOption({ label: 'Impressions' });
    await page.getByRole('heading', { name: 'Impressions per day' }).waitFor();
    points = await chartPoints(page);
    expect(points.map((p) => p.value)).toEqual([40, 30, 10]);
    expect((await summaryTiles(page)).IMPRESSION).toBe('80');

    await page.getByRole('button', { name: 'By app type' }).click();
    await page.locator('.chart-legend').waitFor();
    await waitFor(async () => new Set((await chartPoints(page)).map((p) => p.series)).size === 3, {
      timeoutMs: 10_000,
      message: () => 'the split by app type did not draw three lines',
    });
    points = await chartPoints(page);
    expect(Object.values(valuesByDate(points, 'WEB'))).toEqual([40, 5, 0]);
    expect(Object.values(valuesByDate(points, 'MOBILE'))).toEqual([0, 25, 0]);
    expect(Object.values(valuesByDate(points, 'TABLET'))).toEqual([0, 0, 10]);
    await page.getByText('WEB', { exact: true }).first().waitFor();
    const { points: split } = await expectAnalyticsCharts(page);
    expect(split).toHaveLength(9);
    await expectAccessible(page);

    // On a phone: no horizontal scroll, still accessible.
    await page.setViewportSize(PHONE);
    await page.reload();
    await expectAnalyticsCharts(page);
    await screenshot(page, 'analytics-phone');
    await expectAccessible(page);
    await page.setViewportSize(DESKTOP);
  });

  it("shows the server's own words for a range it refuses", async () => {
    await page.goto(`/analytics?start=${addDays(today, -120)}&end=${addDays(today, -100)}`);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load analytics' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/start_date.*90 days back/);
  });

  it('explains analytics to a personal account and links to the business wizard', async () => {
    const other = await newContext(browser, server.url);
    const pinner = await other.newPage();
    try {
      await signUpAs(pinner, 'just_pinning');
      expect(await pinner.getByRole('link', { name: 'Analytics' }).count()).toBe(0);
      await pinner.goto('/analytics');
      await pinner.getByRole('heading', { name: 'Analytics are for business accounts' }).waitFor();
      expect(await pinner.getByRole('link', { name: 'Get a business account' }).getAttribute('href')).toBe(
        '/business',
      );
      await expectAccessible(pinner);
    } finally {
      await other.close();
    }
  });
});
