import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillUploadRoots } from '../../src/db/migrations/0010_media_upload_root.js';
import { idOf } from '../../src/db/values.js';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { viewerOf } from '../helpers/factories.js';

/**
 * Migration 0010's backfill on uploads taken before it: each gets the media root its pin (or,
 * the pin gone, a saved copy) shows, and one nothing shows is left for the cleanup to delete.
 */
describe(`migration 0010: media roots of uploads taken before it, on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function takenUpload(pinId: string): Promise<string> {
    const id = t.app.ctx.ids.next();
    const now = new Date().toISOString();
    const owner = await t.factories.user();
    await t.app.ctx.database.db
      .insertInto('media_uploads')
      .values({
        id,
        owner_id: owner.user.id,
        media_type: 'video',
        status: 'succeeded',
        upload_token_hash: 'x'.repeat(64),
        upload_expires_at: now,
        created_at: now,
        updated_at: now,
        pin_id: pinId,
      })
      .execute();
    return id;
  }

  /** Makes a pin a video pin of the upload, as pins/create (and pins/save for a copy) stores it. */
  async function showVideo(pinId: string, mediaId: string): Promise<void> {
    const db = t.app.ctx.database.db;
    const row = await db
      .selectFrom('pins')
      .select('media_json')
      .where('id', '=', pinId)
      .executeTakeFirstOrThrow();
    const media = {
      ...JSON.parse(row.media_json),
      type: 'video',
      video: { mediaId, key: 'videos/x', durationMs: 1000, width: 2, height: 2 },
    };
    await db
      .updateTable('pins')
      .set({ creative_type: 'VIDEO', media_json: JSON.stringify(media) })
      .where('id', '=', pinId)
      .execute();
  }

  it('gives each taken upload the root its pin or a saved copy shows, and its own id when none does', async () => {
    const db = t.app.ctx.database.db;
    const pinned = await t.factories.pin();
    const withPin = await takenUpload(pinned.id);
    await showVideo(pinned.id, withPin);

    const original = await t.factories.pin();
    const copy = await t.app.ctx.pins.save(viewerOf(original.owner), original.id, {
      boardId: original.boardId,
    });
    const withCopy = await takenUpload(original.id);
    await showVideo(original.id, withCopy);
    await showVideo(copy.id, withCopy);
    await db.deleteFrom('pins').where('id', '=', original.id).execute();

    const gone = await t.factories.pin();
    const withNothing = await takenUpload(gone.id);
    await db.deleteFrom('pins').where('id', '=', gone.id).execute();

    // As before the migration: no roots recorded.
    await db.updateTable('media_uploads').set({ pin_media_root: null }).execute();
    await backfillUploadRoots(db as never);

    const roots = new Map(
      (await db.selectFrom('media_uploads').select(['id', 'pin_media_root']).execute()).map((r) => [
        idOf(r.id),
        r.pin_media_root === null ? null : idOf(r.pin_media_root),
      ]),
    );
    expect(roots.get(withPin)).toBe(pinned.mediaRoot);
    expect(roots.get(withCopy)).toBe(copy.mediaRoot);
    expect(roots.get(withNothing)).toBe(withNothing);

    // Only the upload nothing shows is unused; the cleanup deletes it and keeps the others.
    expect(await t.app.mediaCleanup.run()).toMatchObject({ unused: 1 });
    const left = (await db.selectFrom('media_uploads').select('id').execute()).map((r) => idOf(r.id));
    expect(left.sort()).toEqual([withPin, withCopy].sort());
  });
});
