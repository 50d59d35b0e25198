import { base64DecodedLength, decodeBase64 } from '../../lib/base64.js';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { invalidField } from '../../lib/errors.js';
import {
  formatMegabytes,
  GuardedFetchError,
  guardedFetch,
  type HostResolver,
} from '../../lib/guarded-fetch.js';
import type { IdGenerator } from '../../lib/ids.js';
import { Semaphore } from '../../lib/semaphore.js';
import {
  FORMAT_NAMES,
  ImageRejectedError,
  OUTPUT_EXTENSIONS,
  processImage,
  sniffImageFormat,
  type ImageFormat,
  type ProcessedImage,
} from './image-pipeline.js';
import { isValidMediaKey, type MediaStorage } from './storage.js';
import {
  PIN_IMAGE_SIZES,
  type ImageSource,
  type PinImageIngest,
  type PinImageSize,
  type StoredImage,
  type StoredImageFile,
  type StoredPinMedia,
  type StoredPinMediaItem,
} from './types.js';

export interface MediaServiceOptions {
  /**
   * DNS resolution used by the guarded fetch: hostname → every address. Tests inject one
   * (see staticResolver in lib/guarded-fetch.ts); the default is the system resolver.
   */
  resolve?: HostResolver;
}

/** Storage prefix of a media root, sharded on its last two digits: `pins/07/7211…07`. */
export function mediaRootPrefix(root: string): string {
  if (!/^\d{1,19}$/.test(root)) throw new Error(`not a media root: ${root}`);
  return `pins/${root.slice(-2).padStart(2, '0')}/${root}`;
}

/**
 * `pins/<shard>/<root>/<token>/<index>/<file>` of a pin image. The token is 128 random bits
 * per ingest: root ids are time-ordered and guessable, and the files of secret pins must not
 * be found by counting. Keys are stored whole with the pin, so nothing needs to recompute it.
 */
const PIN_FILE_KEY = /^(pins\/\d{2}\/\d{1,19}\/[0-9a-f]{32}\/\d{1,2})\/[A-Za-z0-9x]+\.(jpg|png)$/;

/** Writes one processed image under `itemPrefix` and says where each file went. */
export async function writeProcessedImage(
  storage: MediaStorage,
  itemPrefix: string,
  image: ProcessedImage,
): Promise<StoredImage> {
  const write = async (name: string, file: ProcessedImage['original']): Promise<StoredImageFile> => {
    const key = `${itemPrefix}/${name}.${OUTPUT_EXTENSIONS[file.format]}`;
    await storage.put(key, file.data);
    return { key, width: file.width, height: file.height };
  };
  const [original, ...sizes] = await Promise.all([
    write('original', image.original),
    ...PIN_IMAGE_SIZES.map((size) => write(size, image.sizes[size])),
  ]);
  return {
    original: original!,
    sizes: Object.fromEntries(PIN_IMAGE_SIZES.map((size, i) => [size, sizes[i]!])) as Record<
      PinImageSize,
      StoredImageFile
    >,
    dominantColor: image.dominantColor,
  };
}

/** Another item of the same ingest failed first; this one stopped early. */
class Abandoned extends Error {}

const FETCH_ACCEPT = 'image/jpeg, image/png, image/webp, image/gif;q=0.9, */*;q=0.5';

export class MediaService implements PinImageIngest {
  private readonly semaphore: Semaphore;
  private readonly mediaBase: URL;

  constructor(
    readonly storage: MediaStorage,
    readonly config: Config,
    private readonly ids: IdGenerator,
    readonly options: MediaServiceOptions = {},
  ) {
    this.semaphore = new Semaphore(config.image.concurrency);
    this.mediaBase = new URL(`${config.publicUrl}/media/`);
  }

  /**
   * Fetches or decodes every source, processes the images (at most config.image.concurrency
   * at once across the server) and stores them under one fresh root. All or nothing: on any
   * failure every file written for this call is removed and a 400 names the item and why
   * (`options.itemField` names a single source's field when it is not `<field>.url|data`).
   */
  async ingest(
    sources: ImageSource[],
    field: string,
    options: { itemField?: string } = {},
  ): Promise<StoredPinMedia> {
    if (sources.length === 0) throw invalidField(field, 'has no images');
    const root = this.ids.next();
    const prefix = mediaRootPrefix(root);
    const filesPrefix = `${prefix}/${randomBytes(16).toString('hex')}`;
    const carousel = sources.length > 1;
    const state = { failed: false };

    const results = await Promise.allSettled(
      sources.map(async (source, index): Promise<StoredPinMediaItem> => {
        const itemField =
          options.itemField ??
          `${field}${carousel ? `.items[${index}]` : ''}.${source.kind === 'url' ? 'url' : 'data'}`;
        try {
          const image = await this.ingestOne(source, itemField, `${filesPrefix}/${index}`, state);
          return { image, title: source.title ?? null, link: source.link ?? null };
        } catch (error) {
          state.failed = true;
          throw error;
        }
      }),
    );

    const failure = results.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof Abandoned),
    );
    if (failure || results.some((r) => r.status === 'rejected')) {
      await this.storage.deletePrefix(prefix).catch(() => undefined);
      throw failure?.reason ?? new Error('media ingest abandoned without a cause');
    }
    return {
      root,
      type: carousel ? 'multiple_images' : 'image',
      items: results.map((r) => (r as PromiseFulfilledResult<StoredPinMediaItem>).value),
    };
  }

  /** Removes every file under a media root. */
  async discardRoot(root: string): Promise<void> {
    await this.storage.deletePrefix(mediaRootPrefix(root));
  }

  urlFor(key: string): string {
    return `${this.config.publicUrl}/media/${key}`;
  }

  /** The storage key a URL of this server's /media/ names, or null for any other URL. */
  keyOfOwnUrl(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.origin !== this.mediaBase.origin || !parsed.pathname.startsWith(this.mediaBase.pathname))
      return null;
    return parsed.pathname.slice(this.mediaBase.pathname.length);
  }

  private async ingestOne(
    source: ImageSource,
    itemField: string,
    itemPrefix: string,
    state: { failed: boolean },
  ): Promise<StoredImage> {
    const { bytes, formats } = await this.loadSource(source, itemField);
    if (state.failed) throw new Abandoned();
    const processed = await this.semaphore.run(async () => {
      if (state.failed) throw new Abandoned();
      try {
        return await processImage(bytes, {
          maxBytes: this.config.image.maxBytes,
          maxPixels: this.config.image.maxPixels,
          formats,
        });
      } catch (error) {
        if (error instanceof ImageRejectedError) throw invalidField(itemField, error.message);
        throw error;
      }
    });
    if (state.failed) throw new Abandoned();
    return writeProcessedImage(this.storage, itemPrefix, processed);
  }

  /** The bytes of one source and the formats acceptable for it. */
  private async loadSource(
    source: ImageSource,
    itemField: string,
  ): Promise<{ bytes: Buffer; formats?: ImageFormat[] }> {
    if (source.kind === 'base64') return this.decodeBase64(source, itemField);

    const ownKey = this.keyOfOwnUrl(source.url);
    if (ownKey !== null) return { bytes: await this.copyOwnMedia(ownKey, itemField) };

    try {
      const response = await guardedFetch(source.url, {
        timeoutMs: this.config.fetch.timeoutMs,
        maxRedirects: this.config.fetch.maxRedirects,
        maxBytes: this.config.image.maxBytes,
        allowLoopback: this.config.fetch.allowLoopback,
        resolve: this.options.resolve,
        headers: { accept: FETCH_ACCEPT },
      });
      return { bytes: response.body };
    } catch (error) {
      if (!(error instanceof GuardedFetchError)) throw error;
      if (error.code === 'invalid_url' || error.code === 'unsupported_protocol')
        throw invalidField(itemField, error.message);
      throw invalidField(itemField, `could not be fetched: ${error.message}`);
    }
  }

  private decodeBase64(
    source: Extract<ImageSource, { kind: 'base64' }>,
    itemField: string,
  ): { bytes: Buffer; formats: ImageFormat[] } {
    // The size cap first, from the length alone: nothing is decoded for an oversized upload.
    if (base64DecodedLength(source.data) > this.config.image.maxBytes) {
      throw invalidField(itemField, `is larger than ${formatMegabytes(this.config.image.maxBytes)}`);
    }
    const bytes = decodeBase64(source.data);
    if (!bytes) throw invalidField(itemField, 'is not valid base64');
    const declared: ImageFormat | null =
      source.contentType === 'image/jpeg' ? 'jpeg' : source.contentType === 'image/png' ? 'png' : null;
    if (!declared) throw invalidField(itemField, 'must be image/jpeg or image/png data');
    const actual = sniffImageFormat(bytes);
    if (actual !== declared) {
      throw invalidField(
        itemField,
        actual
          ? `is declared ${source.contentType} but the data is a ${FORMAT_NAMES[actual]} image`
          : `is declared ${source.contentType} but the data is not an image`,
      );
    }
    return { bytes, formats: [declared] };
  }

  /** A file of this server's media becomes a new image: the original of the item it belongs to. */
  private async copyOwnMedia(key: string, itemField: string): Promise<Buffer> {
    const match = isValidMediaKey(key) ? PIN_FILE_KEY.exec(key) : null;
    if (match) {
      for (const ext of ['jpg', 'png']) {
        const original = await this.storage.get(`${match[1]}/original.${ext}`);
        if (original) return original;
      }
    }
    throw invalidField(itemField, 'names a Corkboard media file that does not exist');
  }
}
