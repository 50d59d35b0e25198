import { sql, type Kysely } from 'kysely';
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
  async up(db: Kysely<unknown>) {
    await sql`alter table pins add column media_view text`.execute(db);
    await backfillMediaViews(db);
  },
};

/** Writes the view of every pin that has none; returns how many it wrote. */
export async function backfillMediaViews(db: Kysely<unknown>): Promise<number> {
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
    for (const row of rows) {
      let view: string;
      try {
        view = mediaViewOf(JSON.parse(row.media_json) as PinMediaRecord);
      } catch {
        continue; // left null: presented from media_json, as before
      }
      await sql`update pins set media_view = ${view} where id = ${String(row.id)}`.execute(db);
      written += 1;
    }
    after = String(rows[rows.length - 1]!.id);
  }
}
