/**
 * What pins store about their images (as JSON in pins.media_json) and what the media service
 * takes in. Keys are storage keys; URLs are built from PUBLIC_URL by the presenter, so a
 * change of public address needs no data migration.
 */
export const PIN_IMAGE_SIZES = ['150x150', '400x300', '600x', '1200x'] as const;
export type PinImageSize = (typeof PIN_IMAGE_SIZES)[number];

export interface StoredImageFile {
  key: string;
  width: number;
  height: number;
}

export interface StoredImage {
  original: StoredImageFile;
  sizes: Record<PinImageSize, StoredImageFile>;
  dominantColor: string;
}

export interface StoredPinMediaItem {
  image: StoredImage;
  title: string | null;
  link: string | null;
}

/** The video of a video pin: a file of its media upload (not under the pin's root). */
export interface StoredVideo {
  /** The media upload (media/create) the video came from. */
  mediaId: string;
  /** Storage key of the browser-playable MP4. */
  key: string;
  durationMs: number;
  width: number;
  height: number;
}

export interface StoredPinMedia {
  /** Storage prefix holding every file of this media (`pins/<root>/…`). */
  root: string;
  /** 'video': items[0] is the cover image and `video` the video. */
  type: 'image' | 'multiple_images' | 'video';
  items: StoredPinMediaItem[];
  video?: StoredVideo;
}

export type ImageSource =
  | {
      kind: 'base64';
      data: string;
      contentType: 'image/jpeg' | 'image/png';
      title?: string | null;
      link?: string | null;
    }
  | { kind: 'url'; url: string; title?: string | null; link?: string | null };

/** Turns image sources into stored files; the only part of pin creation that touches sharp or the network. */
export interface PinImageIngest {
  /** Fetches/decodes/resizes/stores every source, all or nothing. Throws ApiError 400 naming the problem. */
  ingest(sources: ImageSource[], field: string): Promise<StoredPinMedia>;
  /** Removes every file under a media root (the insert failed, or the last pin using it is gone). */
  discardRoot(root: string): Promise<void>;
  /** Absolute URL of a stored file. */
  urlFor(key: string): string;
}
