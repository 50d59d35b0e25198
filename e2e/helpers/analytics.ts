import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** One plotted point of the analytics chart, as the SVG draws it. */
export interface ChartPoint {
  series: string;
  date: string;
  value: number;
  cx: number;
  cy: number;
}

/** Every point of the daily chart, by series, in drawing order (oldest day first). */
export async function chartPoints(page: Page): Promise<ChartPoint[]> {
  return page.locator('.line-chart svg[role="img"] g[data-series] circle').evaluateAll((circles) =>
    circles.map((circle) => ({
      series: circle.closest('g[data-series]')!.getAttribute('data-series')!,
      date: circle.getAttribute('data-date')!,
      value: Number(circle.getAttribute('data-value')),
      cx: Number(circle.getAttribute('cx')),
      cy: Number(circle.getAttribute('cy')),
    })),
  );
}

/** The summary tiles as { METRIC_TYPE: text shown }, e.g. { IMPRESSION: '75', SAVE_RATE: '4%' }. */
export async function summaryTiles(page: Page): Promise<Record<string, string>> {
  const tiles = await page
    .locator('.metric-tile')
    .evaluateAll((buttons) =>
      buttons.map((button) => [
        button.getAttribute('data-metric')!,
        button.querySelector('.metric-tile-value')!.textContent!.trim(),
      ]),
    );
  return Object.fromEntries(tiles);
}

/** Values of one series by date: { '2026-03-10': 40, … }. */
export function valuesByDate(points: readonly ChartPoint[], series: string): Record<string, number> {
  return Object.fromEntries(points.filter((p) => p.series === series).map((p) => [p.date, p.value]));
}

/**
 * The analytics page shows charts: summary tiles, an SVG line chart with a label, plotted
 * points whose heights follow their values (higher value, higher point), days left to right,
 * and a hidden table with a row per day. Returns the points and tiles for exact checks.
 */
export async function expectAnalyticsCharts(
  page: Page,
): Promise<{ points: ChartPoint[]; tiles: Record<string, string> }> {
  await page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();
  const chart = page.locator('.line-chart svg[role="img"]');
  await chart.waitFor();
  expect(await chart.getAttribute('aria-label')).toMatch(/per day/);
  const points = await chartPoints(page);
  expect(points.length).toBeGreaterThan(0);
  const series = [...new Set(points.map((p) => p.series))];
  for (const name of series) {
    const own = points.filter((p) => p.series === name);
    // Days left to right, oldest first.
    for (let i = 1; i < own.length; i++) {
      expect(own[i]!.cx).toBeGreaterThan(own[i - 1]!.cx);
      expect(own[i]!.date > own[i - 1]!.date).toBe(true);
    }
  }
  // One y axis: a larger value is drawn higher (smaller cy), an equal one at the same height.
  for (const a of points)
    for (const b of points) {
      if (a.value > b.value) expect(a.cy).toBeLessThan(b.cy);
      if (a.value === b.value) expect(a.cy).toBe(b.cy);
    }
  const rows = await page.locator('.line-chart table tbody tr').count();
  expect(rows).toBe(points.length / series.length);
  const tiles = await summaryTiles(page);
  expect(Object.keys(tiles)).toContain('IMPRESSION');
  return { points, tiles };
}

/** The top pins list of a section ("Top pins" or "Top video pins"): pin ids and whether each thumbnail loaded. */
export async function topPins(
  page: Page,
  title: 'Top pins' | 'Top video pins',
): Promise<Array<{ pinId: string; name: string; thumbnailLoaded: boolean }>> {
  const section = page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: title, exact: true }) });
  return section.locator('.top-pin').evaluateAll((items) =>
    items.map((item) => {
      const image = item.querySelector('img');
      return {
        pinId: item.getAttribute('data-pin-id')!,
        name: item.querySelector('.top-pin-body > a, .top-pin-body > span')!.textContent!.trim(),
        thumbnailLoaded: !!image && image.complete && image.naturalWidth > 0,
      };
    }),
  );
}
