import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../index.js';
import type { Migration } from '../migrate.js';
import { mediaViewOf } from '../../modules/pins/media-view.js';
import type { PinMediaRecord } from '../../modules/pins/media.js';

const BATCH = 1000;

/**
 * `pins.media_view`: each pin's media as the API presents it, kept beside media_json so a pin
 * read splices text instead of parsing and re-serializing the media (modules/pins/media-view.ts).
 * Existing pins get theirs here, a thousand at a time; a pin whose view is null (written by
 * something that does not know the column) is presented from media_json, as before.
 */
export const migration0012: Migration = {
  name: '0012_pin_media_view',
  async up(db: Kysely<unknown>, dialect: Dialect) {
    await sql`alter table pins add column media_view text`.execute(db);
    await backfillMediaViews(db, dialect);
  },
};

/** Writes the view of every pin that has none; returns how many it wrote. */
export async function backfillMediaViews(db: Kysely<unknown>, dialect: Dialect): Promise<number> {
  let after = '-1';
  let written = 0;
  for (;;) {
    const rows = (
      await sql<{ id: string | number | bigint; media_json: string }>`
        select id, media_json from pins where id > ${after} and media_view is null order by id limit ${BATCH}`.execute(
        db,
      )
    ).rows;
    if (rows.length === 0) return written;
    const views: Array<{ id: string; view: string }> = [];
    for (const row of rows) {
      try {
        views.push({ id: String(row.id), view: mediaViewOf(JSON.parse(row.media_json) as PinMediaRecord) });
      } catch {
        // left null: presented from media_json, as before
      }
    }
    if (dialect === 'postgres' && views.length > 0) {
      // One statement per batch: a round trip per pin would take minutes on a big PostgreSQL install.
      const values = sql.join(views.map((v) => sql`(cast(${v.id} as bigint), ${v.view})`));
      await sql`update pins set media_view = v.view from (values ${values}) as v(id, view) where pins.id = v.id`.execute(
        db,
      );
    } else {
      // SQLite runs in this process: a statement per pin costs no round trip.
      for (const v of views) await sql`update pins set media_view = ${v.view} where id = ${v.id}`.execute(db);
    }
    written += views.length;
    after = String(rows[rows.length - 1]!.id);
  }
}
