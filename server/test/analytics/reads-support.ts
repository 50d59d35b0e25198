import { expect } from 'vitest';
import type { AnalyticsEventInput } from '../../src/modules/analytics/events.js';
import type { TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';

/** Shared setup of the analytics read tests: days relative to today, events, claims. */

/** 'YYYY-MM-DD' of today (UTC) plus `offset` days. */
export function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Noon UTC of that day: an occurredAt safely inside it. */
export function noonOf(offset: number): Date {
  return new Date(`${day(offset)}T12:00:00.000Z`);
}

export type EventType = AnalyticsEventInput['type'];
export type AppType = AnalyticsEventInput['appType'];

/** `count` events of one type on one pin (or the account when pinId is null) on one day. */
export function events(
  type: EventType,
  count: number,
  at: { pinId: string | null; ownerId?: string; dayOffset: number; appType: AppType; value?: number },
): AnalyticsEventInput[] {
  return Array.from({ length: count }, () => ({
    type,
    pinId: at.pinId,
    ...(at.ownerId ? { ownerId: at.ownerId } : {}),
    viewerId: null,
    appType: at.appType,
    occurredAt: noonOf(at.dayOffset),
    ...(at.value !== undefined ? { value: at.value } : {}),
  }));
}

/** Feeds events through the real ingestion path and checks every one was counted. */
export async function record(t: TestApp, list: AnalyticsEventInput[]): Promise<void> {
  const result = await t.app.ctx.analyticsIngest.record(list);
  expect(result).toMatchObject({ accepted: list.length, duplicates: 0, rejected: 0 });
}

/** A verified website claim, as websites/verify leaves it. */
export async function claim(t: TestApp, user: TestUser, website: string): Promise<void> {
  await t.app.ctx.database.db
    .insertInto('websites')
    .values({
      id: t.app.ctx.ids.next(),
      user_id: user.user.id,
      website,
      website_key: website,
      method: 'METATAG',
      verified_at: new Date().toISOString(),
    })
    .execute();
}

/** Makes an account look created `daysAgo` days ago (at noon UTC). */
export async function backdateUser(t: TestApp, user: TestUser, daysAgo: number): Promise<void> {
  await t.app.ctx.database.db
    .updateTable('users')
    .set({ created_at: noonOf(-daysAgo).toISOString() })
    .where('id', '=', user.user.id)
    .execute();
}

/** Makes a pin look created `daysAgo` days ago (at noon UTC), optionally with another creative type. */
export async function backdatePin(
  t: TestApp,
  pinId: string,
  daysAgo: number,
  creativeType?: string,
): Promise<void> {
  await t.app.ctx.database.db
    .updateTable('pins')
    .set({
      created_at: noonOf(-daysAgo).toISOString(),
      ...(creativeType ? { creative_type: creativeType } : {}),
    })
    .where('id', '=', pinId)
    .execute();
}

export interface Daily {
  data_status: string;
  date: string;
  metrics: Record<string, number>;
}

/** The daily rows of a response group as { date: metrics } for the days that have data. */
export function metricsByDate(daily: Daily[]): Record<string, Record<string, number>> {
  return Object.fromEntries(daily.map((d) => [d.date, d.metrics]));
}

/** Sum of one metric over several groups' summaries. */
export function sumOver(groups: Array<{ summary_metrics: Record<string, number> }>, metric: string): number {
  return groups.reduce((total, g) => total + (g.summary_metrics[metric] ?? 0), 0);
}
