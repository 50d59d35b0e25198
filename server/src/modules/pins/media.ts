import type { StoredPinMedia, StoredPinMediaItem } from '../media/types.js';

/**
 * What pins.media_json holds: the media service's StoredPinMedia, plus the per-item
 * description a carousel slot may carry (Pinterest's ImageMetadata.description).
 */
export interface PinMediaItemRecord extends StoredPinMediaItem {
  description?: string | null;
}

export interface PinMediaRecord extends Omit<StoredPinMedia, 'items'> {
  items: PinMediaItemRecord[];
}

export function parseMedia(json: string): PinMediaRecord {
  return JSON.parse(json) as PinMediaRecord;
}

export function serializeMedia(media: PinMediaRecord): string {
  return JSON.stringify(media);
}

/** Storage key of one size of the first image: what board covers and thumbnails show. */
export function firstImageKey(media: PinMediaRecord, size: '150x150' | '400x300'): string | null {
  return media.items[0]?.image.sizes[size]?.key ?? null;
}
