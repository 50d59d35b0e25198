import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, MediaUploadsTable } from '../../db/schema.js';
import { idOf, intOf } from '../../db/values.js';
import { isValidId } from '../../lib/ids.js';

export type MediaUploadStatus = MediaUploadsTable['status'];

export interface MediaUploadRow {
  id: string;
  ownerId: string;
  mediaType: 'video';
  status: MediaUploadStatus;
  uploadTokenHash: string;
  uploadExpiresAt: string;
  sourceKey: string | null;
  sizeBytes: number | null;
  videoKey: string | null;
  coverKey: string | null;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  failureReason: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** The pin made from this upload, once pins/create took it (one pin per upload). */
  pinId: string | null;
}

/** An upload the cleanup job deletes, with where its files are. */
export interface StaleUpload {
  id: string;
  status: 'registered' | 'failed';
  sourceKey: string | null;
  updatedAt: string;
}

export interface NewMediaUpload {
  id: string;
  ownerId: string;
  uploadTokenHash: string;
  uploadExpiresAt: string;
  createdAt: string;
}

/** What a finished job writes. */
export type JobOutcome =
  | {
      status: 'succeeded';
      videoKey: string;
      coverKey: string;
      durationMs: number;
      width: number;
      height: number;
    }
  | { status: 'failed'; failureReason: string };

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : intOf(v));

function toUpload(row: Selectable<MediaUploadsTable>): MediaUploadRow {
  return {
    id: idOf(row.id),
    ownerId: idOf(row.owner_id),
    mediaType: 'video',
    status: row.status,
    uploadTokenHash: row.upload_token_hash,
    uploadExpiresAt: row.upload_expires_at,
    sourceKey: row.source_key,
    sizeBytes: numOrNull(row.size_bytes),
    videoKey: row.video_key,
    coverKey: row.cover_key,
    durationMs: numOrNull(row.duration_ms),
    width: numOrNull(row.width),
    height: numOrNull(row.height),
    failureReason: row.failure_reason,
    attempts: intOf(row.attempts),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    pinId: row.pin_id === null || row.pin_id === undefined ? null : idOf(row.pin_id),
  };
}

/** An upload whose pin and saves are all deleted (see unusedTaken). */
export interface UnusedUpload {
  id: string;
  mediaRoot: string;
}

export class MediaUploadsRepo {
  constructor(readonly db: Kysely<Database>) {}

  async insert(upload: NewMediaUpload): Promise<void> {
    await this.db
      .insertInto('media_uploads')
      .values({
        id: upload.id,
        owner_id: upload.ownerId,
        media_type: 'video',
        status: 'registered',
        upload_token_hash: upload.uploadTokenHash,
        upload_expires_at: upload.uploadExpiresAt,
        created_at: upload.createdAt,
        updated_at: upload.createdAt,
      })
      .execute();
  }

  async findById(id: string): Promise<MediaUploadRow | null> {
    if (!isValidId(id)) return null;
    const row = await this.db.selectFrom('media_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUpload(row) : null;
  }

  /** One page (plus one row) of the owner's uploads, newest first. */
  async listByOwner(ownerId: string, afterId: string | null, limit: number): Promise<MediaUploadRow[]> {
    let query = this.db.selectFrom('media_uploads').selectAll().where('owner_id', '=', ownerId);
    if (afterId !== null) query = query.where('id', '<', afterId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toUpload);
  }

  /**
   * The file arrived: registered → processing, waiting for a worker. A compare-and-set on
   * `registered`, so two uploads racing for one registration cannot both win.
   */
  async markUploaded(id: string, sourceKey: string, sizeBytes: number, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('media_uploads')
      .set({
        status: 'processing',
        source_key: sourceKey,
        size_bytes: sizeBytes,
        lease_owner: null,
        lease_expires_at_ms: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'registered')
      .executeTakeFirst();
    return BigInt(result.numUpdatedRows) > 0n;
  }

  /** The upload was refused before any processing (too large, say): registered → failed. */
  async failRegistered(id: string, reason: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('media_uploads')
      .set({ status: 'failed', failure_reason: reason, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'registered')
      .executeTakeFirst();
    return BigInt(result.numUpdatedRows) > 0n;
  }

  /** Ids of processing jobs nobody holds (never claimed, or their holder's lease ran out). */
  async claimableJobs(nowMs: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('media_uploads')
      .select('id')
      .where('status', '=', 'processing')
      .where((eb) => eb.or([eb('lease_expires_at_ms', 'is', null), eb('lease_expires_at_ms', '<=', nowMs)]))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => idOf(r.id));
  }

  /**
   * Takes the job if nobody holds it: a compare-and-set on the lease, so of many processes
   * exactly one wins. Counts the attempt. Returns the row as claimed, or null.
   */
  async claim(id: string, holder: string, nowMs: number, leaseMs: number): Promise<MediaUploadRow | null> {
    const result = await this.db
      .updateTable('media_uploads')
      .set({
        lease_owner: holder,
        lease_expires_at_ms: nowMs + leaseMs,
        attempts: sql`attempts + 1`,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where((eb) => eb.or([eb('lease_expires_at_ms', 'is', null), eb('lease_expires_at_ms', '<=', nowMs)]))
      .executeTakeFirst();
    if (BigInt(result.numUpdatedRows) === 0n) return null;
    return this.findById(id);
  }

  /** Keeps the lease while the job runs; false when another process has taken it over. */
  async renew(id: string, holder: string, expiresAtMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('media_uploads')
      .set({ lease_expires_at_ms: expiresAtMs })
      .where('id', '=', id)
      .where('lease_owner', '=', holder)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return BigInt(result.numUpdatedRows) > 0n;
  }

  /** Gives the job back at once (a graceful stop), for the next process to take up. */
  async release(id: string, holder: string): Promise<void> {
    await this.db
      .updateTable('media_uploads')
      .set({ lease_owner: null, lease_expires_at_ms: null })
      .where('id', '=', id)
      .where('lease_owner', '=', holder)
      .where('status', '=', 'processing')
      .execute();
  }

  /** Writes the job's result if this holder still holds it. */
  async finish(id: string, holder: string, outcome: JobOutcome, now: string): Promise<boolean> {
    const values =
      outcome.status === 'succeeded'
        ? {
            status: 'succeeded' as const,
            video_key: outcome.videoKey,
            cover_key: outcome.coverKey,
            duration_ms: outcome.durationMs,
            width: outcome.width,
            height: outcome.height,
            failure_reason: null,
          }
        : { status: 'failed' as const, failure_reason: outcome.failureReason };
    const result = await this.db
      .updateTable('media_uploads')
      .set({ ...values, lease_owner: null, lease_expires_at_ms: null, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', holder)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return BigInt(result.numUpdatedRows) > 0n;
  }

  /**
   * pins/create takes a succeeded upload for a new pin: a compare-and-set on `pin_id`, so of
   * two pins/create with one media_id exactly one wins. False when another pin has it.
   */
  async takeForPin(id: string, pinId: string, mediaRoot: string): Promise<boolean> {
    const result = await this.db
      .updateTable('media_uploads')
      .set({ pin_id: pinId, pin_media_root: mediaRoot })
      .where('id', '=', id)
      .where('status', '=', 'succeeded')
      .where('pin_id', 'is', null)
      .executeTakeFirst();
    return BigInt(result.numUpdatedRows) > 0n;
  }

  /** The pin was not made after all: the upload is free again. */
  async releaseFromPin(id: string, pinId: string): Promise<void> {
    await this.db
      .updateTable('media_uploads')
      .set({ pin_id: null, pin_media_root: null })
      .where('id', '=', id)
      .where('pin_id', '=', pinId)
      .execute();
  }

  /**
   * Uploads to clean up, oldest first: registrations whose upload policy expired before
   * `expiredBefore` without a file, and failures last changed before `failedBefore`.
   */
  async staleUploads(expiredBefore: string, failedBefore: string, limit: number): Promise<StaleUpload[]> {
    const rows = await this.db
      .selectFrom('media_uploads')
      .select(['id', 'status', 'source_key', 'updated_at'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'registered'), eb('upload_expires_at', '<', expiredBefore)]),
          eb.and([eb('status', '=', 'failed'), eb('updated_at', '<', failedBefore)]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: idOf(row.id),
      status: row.status as StaleUpload['status'],
      sourceKey: row.source_key,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Deletes a stale upload's row if it is still as it was read (a file arriving meanwhile moves
   * a registration on, so it is kept). True when deleted.
   */
  async deleteStale(upload: StaleUpload): Promise<boolean> {
    const result = await this.db
      .deleteFrom('media_uploads')
      .where('id', '=', upload.id)
      .where('status', '=', upload.status)
      .where('updated_at', '=', upload.updatedAt)
      .where('pin_id', 'is', null)
      .executeTakeFirst();
    return BigInt(result.numDeletedRows) > 0n;
  }

  /**
   * Uploads taken for a pin whose media root no pin has any more (the pin and every save of
   * it are gone), oldest first; only those of `roots` when given.
   */
  async unusedTaken(limit: number, roots?: readonly string[]): Promise<UnusedUpload[]> {
    if (roots && roots.length === 0) return [];
    let query = this.db
      .selectFrom('media_uploads as u')
      .select(['u.id', 'u.pin_media_root'])
      .where('u.pin_media_root', 'is not', null)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('pins as p').select('p.id').whereRef('p.media_root', '=', 'u.pin_media_root'))),
      );
    if (roots) query = query.where('u.pin_media_root', 'in', [...roots]);
    const rows = await query.orderBy('u.id').limit(limit).execute();
    return rows.map((row) => ({ id: idOf(row.id), mediaRoot: idOf(row.pin_media_root!) }));
  }

  /** Deletes an unused taken upload's row if no pin has its media root still. True when deleted. */
  async deleteUnusedTaken(upload: UnusedUpload): Promise<boolean> {
    const result = await this.db
      .deleteFrom('media_uploads')
      .where('id', '=', upload.id)
      .where('pin_media_root', '=', upload.mediaRoot)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('pins').select('pins.id').where('pins.media_root', '=', upload.mediaRoot))),
      )
      .executeTakeFirst();
    return BigInt(result.numDeletedRows) > 0n;
  }
}
