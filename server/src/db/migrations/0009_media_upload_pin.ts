import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * A media upload makes at most one pin: `media_uploads.pin_id` is the pin made from it, set
 * with a compare-and-set when pins/create takes the upload, so a second pins/create with the
 * same media_id is refused. Pins made before this migration are recorded (the oldest pin
 * of an upload keeps it). `media_uploads_cleanup` finds the uploads the cleanup job deletes
 * (expired registrations, old failures) without scanning the table.
 */
export const migration0009: Migration = {
  name: '0009_media_upload_pin',
  async up(db: Kysely<unknown>) {
    await sql`alter table media_uploads add column pin_id bigint`.execute(db);
    await sql`create index media_uploads_cleanup on media_uploads (status, updated_at)`.execute(db);
    const pins = await sql<{ id: string | number; media_json: string }>`
      select id, media_json from pins where creative_type = 'VIDEO' order by id`.execute(db);
    for (const pin of pins.rows) {
      let mediaId: unknown;
      try {
        mediaId = (JSON.parse(pin.media_json) as { video?: { mediaId?: unknown } }).video?.mediaId;
      } catch {
        continue;
      }
      if (typeof mediaId !== 'string' || !/^\d{1,19}$/.test(mediaId)) continue;
      await sql`update media_uploads set pin_id = ${String(pin.id)} where id = ${mediaId} and pin_id is null`.execute(
        db,
      );
    }
  },
};
