import { sql } from 'kysely';
import { Browser } from '../accounts/browser.js';
import type { TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';

/** A browser signed in as the user (a session made through the sessions service). */
export async function signedInBrowser(t: TestApp, user: TestUser, address = '127.0.0.1'): Promise<Browser> {
  const browser = new Browser(t.app, address);
  const { token } = await t.app.ctx.sessions.create(user.user.id, 'test');
  browser.cookies.set('cb_session', token);
  return browser;
}

/** Sums of the owner's pin roll-up for one pin, after writing what is queued. */
export async function countsOf(t: TestApp, pinId: string): Promise<Record<string, number>> {
  await t.app.ctx.analyticsIngest.flush();
  const rows = await sql<Record<string, string | null>>`
    select sum(impression) as impression, sum(pin_click) as pin_click, sum(outbound_click) as outbound_click,
           sum(save) as save, sum(video_start) as video_start, sum(video_watch_time_ms) as video_watch_time_ms
    from analytics_account_pin_daily where pin_id = ${pinId} and source = 'YOUR_PINS'`.execute(
    t.app.ctx.database.db,
  );
  return Object.fromEntries(Object.entries(rows.rows[0]!).map(([k, v]) => [k, Number(v ?? 0)]));
}

/** Raw events of a pin: type, viewer and app type. */
export async function rawEventsOf(t: TestApp, pinId: string) {
  await t.app.ctx.analyticsIngest.flush();
  const rows = await t.app.ctx.database.db
    .selectFrom('analytics_events')
    .select(['event_type', 'viewer_id', 'app_type'])
    .where('pin_id', '=', pinId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    type: r.event_type,
    viewer: r.viewer_id === null ? null : String(r.viewer_id),
    app: r.app_type,
  }));
}
