import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnalyticsQueryRepo, type SortKey } from '../../src/modules/analytics/query-repo.js';
import type { AnalyticsEventInput } from '../../src/modules/analytics/events.js';
import { visibleBoardsFor } from '../../src/modules/visibility/policy.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { viewerOf, type TestUser } from '../helpers/factories.js';
import { day, noonOf, record } from './reads-support.js';

/**
 * Top pins walks pins down their lifetime totals and stops early. These tests pin its answers
 * to a plain computation over the same events, with a tiny chunk so the walk takes many steps,
 * on data where lifetime and range disagree (pins busy only outside the range, ties, zeros).
 */
describe(`top pins' walk down lifetime totals on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let owner: TestUser;
  const pinIds: string[] = [];
  const counts = new Map<string, { impression: number; save: number; pin_click: number }[]>();

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await t.factories.user({ accountType: 'BUSINESS' });
    const board = await t.factories.board({ owner });
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const events: AnalyticsEventInput[] = [];
    for (let p = 0; p < 24; p++) {
      const pin = await t.factories.pin({ owner, board });
      pinIds.push(pin.id);
      const perDay: { impression: number; save: number; pin_click: number }[] = [];
      for (let d = 0; d < 20; d++) {
        // Pins 0-5 are busy only long ago (big lifetime, nothing in recent ranges); some pins tie.
        const busy = p < 6 ? (d >= 14 ? 30 : 0) : p % 5 === 0 ? 3 : Math.floor(random() * 6);
        const row = {
          impression: busy,
          save: busy > 0 && random() < 0.5 ? 1 : 0,
          pin_click: p % 7 === 0 ? 2 : 0,
        };
        perDay.push(row);
        const at = { pinId: pin.id, viewerId: null, appType: 'WEB' as const, occurredAt: noonOf(-d) };
        for (let i = 0; i < row.impression; i++) events.push({ type: 'IMPRESSION', ...at });
        for (let i = 0; i < row.save; i++) events.push({ type: 'SAVE', ...at });
        for (let i = 0; i < row.pin_click; i++) events.push({ type: 'PIN_CLICK', ...at });
      }
      counts.set(pin.id, perDay);
    }
    await record(t, events);
  });
  afterAll(async () => {
    await t.close();
  });

  type Metric = 'impression' | 'save' | 'pin_click';

  function expected(fromDaysAgo: number, toDaysAgo: number, metric: Metric | Metric[], limit: number) {
    const metrics = Array.isArray(metric) ? metric : [metric];
    const totals = pinIds
      .map((pinId) => {
        const days = counts.get(pinId)!.slice(toDaysAgo, fromDaysAgo + 1);
        return {
          pinId,
          value: days.reduce((sum, d) => sum + metrics.reduce((s, m) => s + d[m], 0), 0),
          any: days.some((d) => d.impression + d.save + d.pin_click > 0),
        };
      })
      // A pin with no row at all in the range is not listed; one with rows but none of this metric is, at 0.
      .filter((p) => p.any);
    totals.sort(
      (a, b) => b.value - a.value || a.pinId.length - b.pinId.length || (a.pinId < b.pinId ? -1 : 1),
    );
    return totals.slice(0, limit).map((p) => [p.pinId, p.value]);
  }

  for (const chunk of [1, 3, 400]) {
    it(`gives the same answer as summing every pin (chunks of ${chunk})`, async () => {
      const repo = new AnalyticsQueryRepo(t.app.ctx.database, { topPinsChunk: chunk });
      const cases: Array<[number, number, Metric | Metric[], number]> = [
        [6, 0, 'impression', 5],
        [19, 0, 'impression', 10],
        [3, 1, 'save', 4],
        [10, 2, 'pin_click', 6],
        [19, 14, 'impression', 3],
        [2, 0, 'save', 24],
        // A sum of columns (as ENGAGEMENT is), ties and zeros at the cut.
        [6, 0, ['save', 'pin_click'], 7],
        [12, 3, ['impression', 'save'], 24],
        // One pin, and every pin: the first step alone, and a walk to the end.
        [19, 0, 'impression', 1],
        [13, 0, 'pin_click', 50],
      ];
      for (const [from, to, metric, limit] of cases) {
        const metrics = Array.isArray(metric) ? metric : [metric];
        const sortBy: SortKey = { sumOf: metrics };
        const rows = await repo.topPins({
          userId: owner.user.id,
          start: day(-from),
          end: day(-to),
          filters: {},
          columns: metrics,
          sortBy,
          limit,
          visible: visibleBoardsFor(viewerOf(owner), 'pin'),
        });
        expect(
          rows.map((r) => [r.pinId, metrics.reduce((sum, m) => sum + r.sums[m]!, 0)]),
          `${metrics.join('+')} from ${from} to ${to} days ago, top ${limit}`,
        ).toEqual(expected(from, to, metric, limit));
      }
    });
  }

  it('reads only a few pins when the top stands out (a long tail)', async () => {
    const repo = new AnalyticsQueryRepo(t.app.ctx.database, { topPinsChunk: 400 });
    const read = vi.spyOn(repo as unknown as { rows: (q: unknown) => Promise<unknown[]> }, 'rows');
    const rows = await repo.topPins({
      userId: owner.user.id,
      start: day(-19),
      end: day(0),
      filters: {},
      columns: ['impression'],
      sortBy: { sumOf: ['impression'] },
      limit: 2,
      visible: visibleBoardsFor(viewerOf(owner), 'pin'),
    });
    expect(rows.map((r) => [r.pinId, r.sums.impression])).toEqual(expected(19, 0, 'impression', 2));
    // One read of the lifetime totals (the first step and the pin after it), one of range sums.
    expect(read).toHaveBeenCalledTimes(2);
  });
});
