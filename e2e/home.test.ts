import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, newContext, PHONE } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { startServer, waitFor, type RunningServer } from './helpers/server.js';

const skip = browserMissingReason() !== null;
const HOSTILE_TITLE = '</script><script>window.__pwned = true</script><!--';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  src: string;
  complete: boolean;
}

/** The images of the grid's first row (cards with room), where they are and which file each shows. */
function firstRowImages(page: Page, selector: string, count: number): Promise<Box[]> {
  return page.evaluate(
    ({ selector, count }) =>
      [...document.querySelectorAll<HTMLImageElement>(selector)]
        .filter((image) => image.closest('li')!.getBoundingClientRect().height > 0)
        .slice(0, count)
        .map((image) => {
          const box = image.getBoundingClientRect();
          return {
            x: box.x,
            y: box.y,
            width: box.width,
            height: box.height,
            src: image.currentSrc,
            complete: image.complete,
          };
        }),
    { selector, count },
  );
}

/** firstRowImages once all of them have loaded. */
async function loadedImages(page: Page, selector: string, count: number): Promise<Box[]> {
  let boxes: Box[] = [];
  await waitFor(
    async () => {
      boxes = await firstRowImages(page, selector, count);
      return boxes.length > 0 && boxes.every((box) => box.complete);
    },
    { timeoutMs: 15_000, message: () => `The images of ${selector} did not load: ${JSON.stringify(boxes)}` },
  );
  return boxes;
}

/** Requests the page made to /api/feed, by query string. */
function feedRequests(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name))
      .filter((url) => url.pathname === '/api/feed')
      .map((url) => url.search),
  );
}

describe.skipIf(skip)('the home page in the browser, with the demo pins', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: 'true' });
    // The demo seed runs once the server is ready: wait for more than one feed page.
    await waitFor(
      async () =>
        ((await (await fetch(`${server.url}/api/feed?page_size=50`)).json()) as { items: unknown[] }).items
          .length >= 50,
      { timeoutMs: 120_000, message: () => `The demo seed did not finish:\n${server.output()}` },
    );
    // A pin whose title tries to end the inlined JSON's script element.
    const token = fs.readFileSync(path.join(server.dataDir, 'demo-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const boards = (await (await fetch(`${server.url}/v5/boards`, { headers: auth })).json()) as {
      items: Array<{ id: string; privacy: string }>;
    };
    const png = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#3366aa' } })
      .png()
      .toBuffer();
    const created = await fetch(`${server.url}/v5/pins`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        board_id: boards.items.find((board) => board.privacy === 'PUBLIC')!.id,
        title: HOSTILE_TITLE,
        media_source: {
          source_type: 'image_base64',
          content_type: 'image/png',
          data: png.toString('base64'),
        },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`paints the first row before the app runs, and the app takes it over in place (${viewport.width} px)`, async () => {
      // Without the app: the page as the server sent it.
      const bare = await newContext(browser, server.url, viewport);
      const still = await bare.newPage();
      await still.route('**/assets/*.js', (route) => route.abort());
      await still.goto('/');
      const before = await loadedImages(still, '.feed-first-row img', 8);
      // As many cards as columns: five at 1280 px, two on a phone.
      expect(before).toHaveLength(viewport === DESKTOP ? 5 : 2);
      await bare.close();

      // With the app: it replaces the row with its own grid, in the same place.
      const context = await newContext(browser, server.url, viewport);
      const page = await context.newPage();
      await page.goto('/');
      await page.getByRole('link', { name: 'Log in' }).waitFor();
      const after = await loadedImages(page, 'ul.masonry li img', before.length);
      expect(after).toHaveLength(before.length);
      after.forEach((box, i) => {
        const old = before[i]!;
        expect(box.src, `card ${i}`).toBe(old.src);
        for (const side of ['x', 'y', 'width', 'height'] as const)
          expect(Math.abs(box[side] - old[side]), `card ${i} ${side}`).toBeLessThan(1);
      });
      // The first page came with the page: the app asked for none.
      expect(await feedRequests(page)).toEqual([]);
      expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
      await page.getByRole('link', { name: HOSTILE_TITLE }).first().waitFor();
      await context.close();
    });
  }

  it('loads the next pages by the inlined bookmark as you scroll', async () => {
    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    const next = page.waitForResponse((response) => new URL(response.url()).searchParams.has('bookmark'));
    await page.goto('/');
    const cards = page.locator('ul.masonry > li');
    await cards.first().waitFor();
    await waitFor(
      async () => {
        await page.mouse.wheel(0, 5_000);
        return (await cards.count()) > 25;
      },
      { timeoutMs: 20_000, message: () => 'The second page of the feed did not show.' },
    );
    expect((await next).status()).toBe(200);
    const requests = await feedRequests(page);
    expect(requests[0]).toMatch(/^\?bookmark=/);
    expect(requests.every((search) => search.startsWith('?bookmark='))).toBe(true);
    await context.close();
  });

  it('fetches the first page itself when the page came without it', async () => {
    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    await page.route('/', async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(
        /<script type="application\/json" id="home-feed">.*?<\/script>/s,
        '',
      );
      const headers = Object.fromEntries(
        Object.entries(response.headers()).filter(([name]) => !/^content-(encoding|length)$/.test(name)),
      );
      await route.fulfill({ response, body, headers });
    });
    await page.goto('/');
    const cards = page.locator('ul.masonry > li');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(25);
    expect(await feedRequests(page)).toEqual(['']);
    await context.close();
  });
});
