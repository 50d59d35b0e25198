/**
 * Video uploads: media/create registers one and hands out a signed, expiring upload policy
 * (as Pinterest's storage does: the upload itself carries no bearer token); the file arrives
 * at POST /media/uploads; a job (video-jobs.ts) checks and converts it; media/get and
 * media/list show its status; pins/create with `video_id` turns a succeeded one into a pin.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.js';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { ApiError, badRequest, conflict, invalidField, notFound } from '../../lib/errors.js';
import { formatMegabytes } from '../../lib/guarded-fetch.js';
import type { IdGenerator } from '../../lib/ids.js';
import { Semaphore } from '../../lib/semaphore.js';
import { nowIso } from '../../lib/time.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import { validIdOrNull } from '../boards/validation.js';
import type { Viewer } from '../visibility/policy.js';
import { uploadFilesPrefix } from './cleanup.js';
import { ImageRejectedError, processImage } from './image-pipeline.js';
import { mediaRootPrefix, writeProcessedImage, type MediaService } from './service.js';
import type { MediaStorage } from './storage.js';
import type { StoredImage, StoredPinMedia } from './types.js';
import type { MediaUploadRow, MediaUploadsRepo } from './uploads-repo.js';
import { VideoRejectedError, VideoToolError, type VideoTools } from './video-tools.js';

/** The spec's MediaUploadParameters: every field is sent back with the file. */
export interface UploadParameters {
  'Content-Type': string;
  key: string;
  policy: string;
  'x-amz-algorithm': string;
  'x-amz-credential': string;
  'x-amz-date': string;
  'x-amz-security-token': string;
  'x-amz-signature': string;
}

export interface RegisteredUpload {
  upload: MediaUploadRow;
  uploadUrl: string;
  uploadParameters: UploadParameters;
}

/** Pinterest's PinMediaSourceVideoID, as the request gives it (wire names). */
export interface VideoSourceInput {
  media_id?: string;
  cover_image_url?: string;
  cover_image_content_type?: 'image/jpeg' | 'image/png';
  cover_image_data?: string;
  cover_image_key_frame_time?: number;
}

const ALGORITHM = 'CORKBOARD-HMAC-SHA256';
const KEY_PATTERN = /^uploads\/(\d{1,19})$/;
const mediaNotFound = () => notFound('Media not found.');
const uploadDenied = (why: string) => new ApiError(403, 29, `Upload refused: ${why}.`);
const mediaAlreadyUsed = (pinId: string | null) =>
  invalidField(
    'media_source.media_id',
    `names an upload already used for ${pinId ? `pin ${pinId}` : 'another pin'}: a media upload makes one pin`,
  );

interface PolicyDocument {
  expiration: string;
  conditions: [{ key: string }, { 'x-amz-credential': string }, ['content-length-range', number, number]];
}

/** Unused uploads read per step by removeUnused. */
const UNUSED_BATCH = 200;

/** Storage prefix of an upload's files: `videos/<shard>/<id>/<128 random bits>`. */
function uploadPrefix(id: string): string {
  return `${uploadFilesPrefix(id)}/${randomBytes(16).toString('hex')}`;
}

/** Keys of a processed upload, all under the prefix its source was stored at. */
export function outputKeysOf(sourceKey: string): { video: string; cover: string; sourceDir: string } {
  const sourceDir = sourceKey.slice(0, sourceKey.lastIndexOf('/'));
  const prefix = sourceDir.slice(0, sourceDir.lastIndexOf('/'));
  return { video: `${prefix}/video.mp4`, cover: `${prefix}/cover.jpg`, sourceDir };
}

export class MediaUploadsService {
  private readonly coverSemaphore: Semaphore;
  /** Called when a file has arrived, so the job runner looks at once instead of at its next poll. */
  onUploaded: () => void = () => undefined;

  constructor(
    private readonly deps: {
      repo: MediaUploadsRepo;
      storage: MediaStorage;
      media: MediaService;
      tools: VideoTools;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      config: Config;
      /** HMAC key of upload policies, kept in the database so every process accepts every policy. */
      secret: Buffer;
    },
  ) {
    this.coverSemaphore = new Semaphore(deps.config.video.concurrency);
  }

  /** media/create */
  async register(viewer: Viewer): Promise<RegisteredUpload> {
    const now = new Date();
    const expires = new Date(now.getTime() + this.deps.config.video.uploadTtlSeconds * 1000);
    const id = this.deps.ids.next();
    const securityToken = randomBytes(32).toString('base64url');
    await this.deps.repo.insert({
      id,
      ownerId: viewer.userId,
      uploadTokenHash: sha256(securityToken),
      uploadExpiresAt: expires.toISOString(),
      createdAt: now.toISOString(),
    });
    const upload = await this.deps.repo.findById(id);
    if (!upload) throw new Error(`media upload ${id} vanished after insert`);
    const date = amzDate(now);
    const credential = `corkboard/${date.slice(0, 8)}/local/media/corkboard_request`;
    const document: PolicyDocument = {
      expiration: expires.toISOString(),
      conditions: [
        { key: `uploads/${id}` },
        { 'x-amz-credential': credential },
        ['content-length-range', 1, this.deps.config.video.maxBytes],
      ],
    };
    const policy = Buffer.from(JSON.stringify(document)).toString('base64');
    return {
      upload,
      uploadUrl: `${this.deps.config.publicUrl}/media/uploads`,
      uploadParameters: {
        'Content-Type': 'multipart/form-data',
        key: `uploads/${id}`,
        policy,
        'x-amz-algorithm': ALGORITHM,
        'x-amz-credential': credential,
        'x-amz-date': date,
        'x-amz-security-token': securityToken,
        'x-amz-signature': this.sign(policy),
      },
    };
  }

  /**
   * Checks the form fields that came before the file: the policy is ours (signature), not
   * expired, for this key, and the security token is the one issued with it. Returns the
   * upload, still `registered`. 403 for anything forged or expired, 409 once uploaded.
   */
  async authorizeUpload(fields: Record<string, string>): Promise<MediaUploadRow> {
    for (const name of ['key', 'policy', 'x-amz-signature', 'x-amz-security-token'] as const) {
      if (!fields[name])
        throw badRequest(`Invalid request: the form field '${name}' is missing before the file.`);
    }
    const policy = fields.policy!;
    if (!constantTimeEqual(this.sign(policy), fields['x-amz-signature']!))
      throw uploadDenied('the signature does not match the policy');
    let document: PolicyDocument;
    try {
      document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as PolicyDocument;
    } catch {
      throw uploadDenied('the policy cannot be read');
    }
    if (!(Date.parse(document.expiration) > Date.now())) throw uploadDenied('the policy has expired');
    if (document.conditions?.[0]?.key !== fields.key) throw uploadDenied("the key is not the policy's");
    const id = KEY_PATTERN.exec(fields.key!)?.[1];
    const upload = id ? await this.deps.repo.findById(id) : null;
    if (!upload || !constantTimeEqual(upload.uploadTokenHash, sha256(fields['x-amz-security-token']!)))
      throw uploadDenied('no upload was registered with this key and token');
    if (upload.status !== 'registered')
      throw conflict(`This media upload has already received its file (status ${upload.status}).`);
    return upload;
  }

  /**
   * Stores the file of an authorized upload and queues it for processing. A file larger than
   * VIDEO_MAX_BYTES fails the upload (status `failed`, reason "too large") and answers 400.
   */
  async receiveFile(upload: MediaUploadRow, file: Readable & { truncated?: boolean }): Promise<void> {
    const tempDir = path.join(this.deps.config.dataDir, 'tmp', 'uploads');
    await fs.mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${upload.id}-${randomBytes(6).toString('hex')}`);
    let size = 0;
    file.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    try {
      await pipeline(file, createWriteStream(temp, { flags: 'wx' }));
      if (file.truncated) {
        const reason = `the file is too large: the limit is ${formatMegabytes(this.deps.config.video.maxBytes)}`;
        await this.deps.repo.failRegistered(upload.id, reason, nowIso());
        throw invalidField('file', `is larger than ${formatMegabytes(this.deps.config.video.maxBytes)}`);
      }
      if (size === 0) throw invalidField('file', 'is empty');
      const sourceKey = `${uploadPrefix(upload.id)}/upload/source`;
      await this.deps.storage.putFile(sourceKey, temp);
      if (!(await this.deps.repo.markUploaded(upload.id, sourceKey, size, nowIso()))) {
        await this.deps.storage.deletePrefix(outputKeysOf(sourceKey).sourceDir).catch(() => undefined);
        throw conflict('This media upload has already received its file.');
      }
    } finally {
      await fs.rm(temp, { force: true }).catch(() => undefined);
    }
    this.onUploaded();
  }

  /** media/get: the caller's own upload; anyone else's is a 404. */
  async get(viewer: Viewer, mediaId: string): Promise<MediaUploadRow> {
    const upload = validIdOrNull(mediaId) ? await this.deps.repo.findById(mediaId) : null;
    if (!upload || upload.ownerId !== viewer.userId) throw mediaNotFound();
    return upload;
  }

  /** media/list: the caller's uploads, newest first. */
  async list(viewer: Viewer, input: PageRequest): Promise<Page<MediaUploadRow>> {
    const scope = ['media/list', viewer.userId].join('|');
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.repo.listByOwner(viewer.userId, after, input.pageSize + 1);
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (u) => u.id);
  }

  /**
   * The media of a video pin (pins/create with source_type video_id): the caller's succeeded
   * upload and a cover in Pinterest's sizes, from cover_image_url, cover_image_data, a frame
   * at cover_image_key_frame_time, or the frame chosen when the video was processed.
   */
  async pinMedia(viewer: Viewer, source: VideoSourceInput): Promise<StoredPinMedia> {
    if (!source.media_id) throw invalidField('media_source.media_id', 'is required');
    const coverChoices = [
      source.cover_image_url !== undefined && 'cover_image_url',
      source.cover_image_data !== undefined && 'cover_image_data',
      source.cover_image_key_frame_time !== undefined && 'cover_image_key_frame_time',
    ].filter(Boolean);
    if (coverChoices.length > 1)
      throw invalidField('media_source', `gives ${coverChoices.join(' and ')}: give at most one cover`);
    if (source.cover_image_data !== undefined && !source.cover_image_content_type)
      throw invalidField('media_source.cover_image_content_type', 'is required with cover_image_data');

    const upload = validIdOrNull(source.media_id) ? await this.deps.repo.findById(source.media_id) : null;
    if (!upload || upload.ownerId !== viewer.userId) throw mediaNotFound();
    if (upload.status === 'failed')
      throw invalidField(
        'media_source.media_id',
        `names a failed upload (${upload.failureReason ?? 'no reason'})`,
      );
    if (upload.status !== 'succeeded' || !upload.videoKey || !upload.coverKey)
      throw invalidField('media_source.media_id', `names an upload that is still ${upload.status}`);
    if (upload.pinId !== null) throw mediaAlreadyUsed(upload.pinId);
    const video = {
      mediaId: upload.id,
      key: upload.videoKey,
      durationMs: upload.durationMs ?? 0,
      width: upload.width ?? 0,
      height: upload.height ?? 0,
    };

    if (source.cover_image_url !== undefined || source.cover_image_data !== undefined) {
      const stored = await this.deps.media.ingest(
        [
          source.cover_image_url !== undefined
            ? { kind: 'url', url: source.cover_image_url }
            : {
                kind: 'base64',
                data: source.cover_image_data!,
                contentType: source.cover_image_content_type!,
              },
        ],
        'media_source',
        {
          itemField:
            source.cover_image_url !== undefined
              ? 'media_source.cover_image_url'
              : 'media_source.cover_image_data',
        },
      );
      return { ...stored, type: 'video', video };
    }

    const frame =
      source.cover_image_key_frame_time !== undefined
        ? await this.frameOf(upload, source.cover_image_key_frame_time)
        : await this.deps.storage.get(upload.coverKey);
    if (!frame) throw new Error(`cover of media upload ${upload.id} is missing from storage`);
    const root = this.deps.ids.next();
    const image = await this.coverFromFrame(root, frame);
    return { root, type: 'video', items: [{ image, title: null, link: null }], video };
  }

  /**
   * Takes the upload for the pin about to be made (one pin per upload): a compare-and-set, so
   * of two pins/create racing with one media_id the second is refused like a later one.
   */
  async takeForPin(mediaId: string, pinId: string, mediaRoot: string): Promise<void> {
    if (await this.deps.repo.takeForPin(mediaId, pinId, mediaRoot)) return;
    const upload = await this.deps.repo.findById(mediaId);
    throw mediaAlreadyUsed(upload?.pinId ?? null);
  }

  /**
   * Deletes the uploads (row, then video files) of video pins that are gone with every save of
   * them: after pins/delete and board or section deletes for the roots they freed, and from the
   * cleanup job for all. Returns how many went.
   */
  async removeUnused(roots?: readonly string[]): Promise<number> {
    let removed = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.deps.repo.unusedTaken(UNUSED_BATCH, roots)).filter((u) => !seen.has(u.id));
      if (batch.length === 0) return removed;
      for (const upload of batch) {
        seen.add(upload.id);
        if (!(await this.deps.repo.deleteUnusedTaken(upload))) continue;
        removed += 1;
        await this.deps.storage.deletePrefix(uploadFilesPrefix(upload.id)).catch(() => undefined);
      }
    }
  }

  /** The pin was not made: its upload can make one again. */
  async releaseFromPin(mediaId: string, pinId: string): Promise<void> {
    await this.deps.repo.releaseFromPin(mediaId, pinId);
  }

  private async frameOf(upload: MediaUploadRow, seconds: number): Promise<Buffer> {
    const file = upload.videoKey ? this.deps.storage.localPath(upload.videoKey) : null;
    if (!file) throw new Error('key frames need the video on local disk');
    const probe = {
      formatName: 'mp4',
      durationMs: upload.durationMs ?? 0,
      width: upload.width ?? 0,
      height: upload.height ?? 0,
      videoCodec: 'h264',
      audioCodec: null,
    };
    return this.coverSemaphore.run(async () => {
      try {
        return await this.deps.tools.frameAt(file, seconds, probe);
      } catch (error) {
        if (error instanceof VideoRejectedError)
          throw invalidField('media_source.cover_image_key_frame_time', error.message);
        if (error instanceof VideoToolError)
          throw new ApiError(503, 503, `The cover frame could not be made now: ${error.message}.`);
        throw error;
      }
    });
  }

  private async coverFromFrame(root: string, frame: Buffer): Promise<StoredImage> {
    const { config, storage } = this.deps;
    try {
      const processed = await processImage(frame, {
        maxBytes: Math.max(config.image.maxBytes, frame.length),
        maxPixels: config.image.maxPixels,
      });
      return await writeProcessedImage(
        storage,
        `${mediaRootPrefix(root)}/${randomBytes(16).toString('hex')}/0`,
        processed,
      );
    } catch (error) {
      if (error instanceof ImageRejectedError)
        throw invalidField('media_source.media_id', `has a cover frame that ${error.message}`);
      throw error;
    }
  }

  private sign(policy: string): string {
    return createHmac('sha256', this.deps.secret).update(policy).digest('hex');
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** 20220127T185143Z */
function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
