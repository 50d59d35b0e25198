import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { expectAccessible, signUpAs } from './helpers/people.js';
import { startServer, waitFor, type RunningServer } from './helpers/server.js';

const ffmpegMissing = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0;
if (ffmpegMissing && process.env.CI === 'true') throw new Error('CI=true and ffmpeg is not installed');
const skip = browserMissingReason() !== null || ffmpegMissing;

const VIDEO_METRICS = [
  'VIDEO_START',
  'VIDEO_10S_VIEW',
  'VIDEO_MRC_VIEW',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_AVG_WATCH_TIME',
] as const;
type Totals = Record<(typeof VIDEO_METRICS)[number], number>;

/** A JSON call of the web app's API with the page's session and a CSRF token. */
async function webCall<T>(page: Page, method: 'POST' | 'PUT', url: string, data: unknown): Promise<T> {
  const csrf = ((await (await page.request.get('/api/csrf')).json()) as { csrf_token: string }).csrf_token;
  const res = await page.request.fetch(url, { method, data, headers: { 'x-csrf-token': csrf } });
  expect(res.status(), `${method} ${url}: ${await res.text()}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/** A 12-second H.264 test pattern made by ffmpeg, as a phone would record it. */
function makeVideo(dir: string): string {
  const file = path.join(dir, 'test-pattern.mp4');
  const made = spawnSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=duration=12:size=320x240:rate=25'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      file,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`ffmpeg could not make the test video: ${made.stderr}`);
  return file;
}

describe.skipIf(skip)('a video pin in the browser, as a new business user', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let videoDir: string;
  let videoFile: string;
  let pinId = '';

  beforeAll(async () => {
    server = await startServer({ APPS_AUTO_APPROVE: 'true' });
    browser = await launchBrowser();
    context = await newContext(browser, server.url);
    page = await context.newPage();
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-video-'));
    videoFile = makeVideo(videoDir);
  });
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail') await screenshot(page, 'failed-video').catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  it('uploads a video with a progress bar, waits for processing and makes a video pin', async () => {
    await signUpAs(page, 'filmmaker');
    // A business account, so its analytics can be read later (the wizard's steps through its API).
    await webCall(page, 'PUT', '/api/business/profile/name', {
      business_name: 'Test Patterns Ltd',
      language: 'en',
      country: 'US',
    });
    await webCall(page, 'PUT', '/api/business/profile/about', {
      description: 'Colour bars for every occasion.',
      goals: ['DRIVE_TRAFFIC'],
      promote: ['CONTENT'],
    });
    await webCall(page, 'PUT', '/api/business/profile/ads', { ads_interest: 'NOT_SURE_YET' });
    const profile = await webCall<{ account_type: string }>(page, 'POST', '/api/business/profile/finish', {});
    expect(profile.account_type).toBe('BUSINESS');

    await page.goto('/create');
    await page.getByRole('heading', { name: 'Create a pin' }).waitFor();
    await page.getByRole('button', { name: '+ Create board' }).click();
    await page.getByLabel('New board name').fill('Test patterns');
    await page.getByRole('button', { name: 'Create board', exact: true }).click();
    await page.getByLabel('Board', { exact: true }).selectOption({ label: 'Test patterns' });
    await page.locator('input[type=file]').setInputFiles(videoFile);
    await page.getByLabel('Preview of the chosen video').waitFor();
    await page.getByLabel('Title').fill('Colour bars');
    await page.getByLabel('Description').fill('Twelve seconds of <b>test pattern</b>.');

    // Everything the progress area says and every value its bar takes, as it happens.
    await page.evaluate(() => {
      const seen: { labels: string[]; values: number[] } = { labels: [], values: [] };
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      new MutationObserver(() => {
        const label = document.querySelector('.upload-progress label')?.textContent;
        if (label && seen.labels.at(-1) !== label) seen.labels.push(label);
        const bar = document.querySelector<HTMLProgressElement>('.upload-progress progress');
        if (bar?.hasAttribute('value')) seen.values.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    // A slow uplink (about 2 s for the file), so the bar has steps to show.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 96 * 1024,
    });
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/pin/'), { timeout: 60_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
    await page.getByRole('heading', { name: 'Colour bars' }).waitFor();
    pinId = new URL(page.url()).pathname.split('/')[2]!;

    const progress = await page.evaluate(
      () => (window as unknown as { __progress: { labels: string[]; values: number[] } }).__progress,
    );
    expect(progress.labels.some((label) => /^Uploading video… \d+%$/.test(label))).toBe(true);
    expect(progress.labels).toContain('Processing video…');
    expect(progress.labels.indexOf('Processing video…')).toBeGreaterThan(
      progress.labels.findIndex((label) => label.startsWith('Uploading')),
    );
    // A real progress bar: it moved through values between empty and full, never backwards.
    expect(progress.values.some((value) => value > 0 && value < 1)).toBe(true);
    expect(progress.values).toEqual([...progress.values].sort((a, b) => a - b));

    const video = page.locator('video.pin-video');
    await video.waitFor();
    const attributes = await video.evaluate((v: HTMLVideoElement) => ({
      src: v.currentSrc || v.src,
      poster: v.poster,
      controls: v.controls,
    }));
    expect(attributes.controls).toBe(true);
    expect(attributes.src).toMatch(new RegExp(`^${server.url}/media/.+\\.mp4$`));
    expect(attributes.poster).toMatch(/\.jpg$/);
    expect(await page.locator('.pin-description').textContent()).toBe(
      'Twelve seconds of <b>test pattern</b>.',
    );
    await expectAccessible(page);
    await screenshot(page, 'video-pin');
  });

  it('plays the video and the server records start, 10-second, MRC and 95% views and the watch time', async () => {
    const startReported = page.waitForResponse(
      (response) =>
        response.url().endsWith('/api/analytics/events') &&
        (response.request().postData() ?? '').includes('VIDEO_START'),
      { timeout: 20_000 },
    );
    // Muted, four times as fast: 12 seconds of video in about 3.
    const played = await page.locator('video.pin-video').evaluate(
      (v: HTMLVideoElement) =>
        new Promise<{ currentTime: number; duration: number }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`stuck at ${v.currentTime} s`)), 40_000);
          v.addEventListener('ended', () => {
            clearTimeout(timer);
            resolve({ currentTime: v.currentTime, duration: v.duration });
          });
          v.muted = true;
          v.playbackRate = 4;
          v.play().catch(reject);
        }),
    );
    expect(played.currentTime).toBeGreaterThan(10);
    expect(played.duration).toBeGreaterThan(11.5);
    const start = await startReported;
    expect(start.status()).toBe(200);
    expect(((await start.json()) as { rejected: unknown[] }).rejected).toEqual([]);

    // The owner reads them as an app would: a token of an (auto-approved) app, pins/analytics.
    const app = await webCall<{ id: string }>(page, 'POST', '/api/developer/apps', {
      name: 'Video stats',
      redirect_uris: ['https://example.com/callback'],
    });
    const token = await webCall<{ access_token: string }>(
      page,
      'POST',
      `/api/developer/apps/${app.id}/tokens`,
      { scopes: ['boards:read', 'pins:read'] },
    );
    const today = new Date().toISOString().slice(0, 10);
    let totals: Totals | null = null;
    const url =
      `${server.url}/v5/pins/${pinId}/analytics?start_date=${today}&end_date=${today}` +
      `&metric_types=${VIDEO_METRICS.join(',')}`;
    await waitFor(
      async () => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token.access_token}` } });
        const body = (await res.json()) as { all?: { summary_metrics?: Totals } };
        totals = body.all?.summary_metrics ?? null;
        return (
          totals !== null &&
          VIDEO_METRICS.every((metric) => (totals![metric] ?? 0) > 0) &&
          totals.VIDEO_AVG_WATCH_TIME >= 10_000
        );
      },
      { timeoutMs: 20_000, message: () => `video metrics not recorded: ${JSON.stringify(totals)}` },
    );
    const recorded = totals as unknown as Totals;
    // One view: each milestone once; the watch time is the playback (12 s, less the first frame).
    expect(recorded.VIDEO_START).toBe(1);
    expect(recorded.VIDEO_10S_VIEW).toBe(1);
    expect(recorded.VIDEO_MRC_VIEW).toBe(1);
    expect(recorded.QUARTILE_95_PERCENT_VIEW).toBe(1);
    expect(recorded.VIDEO_AVG_WATCH_TIME).toBeGreaterThanOrEqual(10_000);
    expect(recorded.VIDEO_AVG_WATCH_TIME).toBeLessThanOrEqual(12_100);
  });

  it("shows the server's reason in words when a file is not a video", async () => {
    await page.goto('/create');
    await page.getByRole('heading', { name: 'Create a pin' }).waitFor();
    await page.getByLabel('Board', { exact: true }).selectOption({ label: 'Test patterns' });
    await page.locator('input[type=file]').setInputFiles({
      name: 'holiday.mp4',
      mimeType: 'video/mp4',
      buffer: Buffer.from('these are words, not moving pictures\n'.repeat(100)),
    });
    await page.getByLabel('Title').fill('Not a video');
    await page.getByRole('button', { name: 'Publish' }).click();
    const error = page.locator('.create-pin-media .field-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/^The video could not be used: .*not a video/);
    expect(new URL(page.url()).pathname).toBe('/create');
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(false);
    await expectAccessible(page);
    await screenshot(page, 'video-failed');
  });

  it('shows the video badge and cover on the board, and works at 375 px', async () => {
    await page.goto(`/pin/${pinId}`);
    await page.getByRole('link', { name: 'Test patterns' }).click();
    await page.getByRole('heading', { name: 'Test patterns' }).waitFor();
    const card = page.getByRole('link', { name: /Colour bars/ });
    await card.waitFor();
    expect(await card.locator('.pin-card-badge').textContent()).toMatch(/Video, 0:1[12]/);
    expect(await card.locator('img').evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/\.jpg$/);

    const phone = await newContext(browser, server.url, PHONE);
    await phone.addCookies(await context.cookies());
    const small = await phone.newPage();
    await small.goto('/create');
    await small.getByRole('heading', { name: 'Create a pin' }).waitFor();
    await small.locator('input[type=file]').setInputFiles(videoFile);
    await small.getByLabel('Preview of the chosen video').waitFor();
    await expectAccessible(small);
    await screenshot(small, 'create-video-375');
    await small.goto(`/pin/${pinId}`);
    await small.locator('video.pin-video').waitFor();
    await small.getByRole('heading', { name: 'Colour bars' }).waitFor();
    await expectAccessible(small);
    await screenshot(small, 'video-pin-375');
    await phone.close();
  });
});
