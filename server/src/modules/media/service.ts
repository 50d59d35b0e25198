import type { Config } from '../../config.js';
import type { MediaStorage } from './storage.js';
import type { ImageSource, PinImageIngest, StoredPinMedia } from './types.js';
import type { LookupFunction } from 'node:net';

export interface MediaServiceOptions {
  /** DNS resolution used by the guarded fetch; tests inject one. */
  resolve?: LookupFunction;
}

export class MediaService implements PinImageIngest {
  constructor(
    readonly storage: MediaStorage,
    readonly config: Config,
    readonly options: MediaServiceOptions = {},
  ) {}
  async ingest(_sources: ImageSource[], _field: string): Promise<StoredPinMedia> {
    throw new Error('TODO(helper-media)');
  }
  async discardRoot(_root: string): Promise<void> {}
  urlFor(key: string): string {
    return `${this.config.publicUrl}/media/${key}`;
  }
}
