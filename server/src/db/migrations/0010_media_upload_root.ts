import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * `media_uploads.pin_media_root`: the media root of the pin made from an upload, which every
 * save of that pin shares. When no pin has that root any more (the pin and all its saves were
 * deleted), the upload's video files and row go too (MediaUploadsService.removeUnused).
 * Uploads taken before this migration get the root of their pin; an upload whose pin is
 * already gone gets the root of a saved copy still showing it, if any, else the cleanup job
 * finds it unused and deletes it.
 */
export const migration0010: Migration = {
  name: '0010_media_upload_root',
  async up(db: Kysely<unknown>) {
    await sql`alter table media_uploads add column pin_media_root bigint`.execute(db);
    await sql`create index media_uploads_pin_media_root on media_uploads (pin_media_root)`.execute(db);
    await backfillUploadRoots(db);
  },
};

/** Sets `pin_media_root` of every upload taken for a pin that has none yet (see the migration). */
export async function backfillUploadRoots(db: Kysely<unknown>): Promise<void> {
  await sql`update media_uploads set pin_media_root = (select p.media_root from pins p where p.id = media_uploads.pin_id)
    where pin_id is not null and pin_media_root is null`.execute(db);
  const orphans = await sql<{ id: string | number }>`
    select id from media_uploads where pin_id is not null and pin_media_root is null`.execute(db);
  for (const upload of orphans.rows) {
    const id = String(upload.id);
    if (!/^\d{1,19}$/.test(id)) continue;
    // A saved copy carries the same media record, which names the upload.
    const copy = await sql<{ media_root: string | number }>`
      select media_root from pins where creative_type = 'VIDEO' and media_json like ${`%"mediaId":"${id}"%`} limit 1`.execute(
      db,
    );
    // No pin shows the video: its own id as the root, which no pin has, marks it unused.
    const root = copy.rows[0] ? String(copy.rows[0].media_root) : id;
    await sql`update media_uploads set pin_media_root = ${root} where id = ${id}`.execute(db);
  }
}
