import { PIN_IMAGE_SIZES, type StoredImage } from '../media/types.js';
import type { PinMediaRecord } from './media.js';

/**
 * A pin's `media` as the API presents it (Pinterest's PinMedia), kept as JSON text beside
 * `media_json` in `pins.media_view`, so reading a pin or a page of pins splices text instead
 * of parsing and re-serializing the stored media of every pin.
 *
 * Each URL is stored as MEDIA_URL_MARK followed by the storage key; `renderMediaView` puts
 * `PUBLIC_URL/media/` in place of the mark, so a change of public address needs no data
 * migration. The mark is a raw control character: JSON text written by JSON.stringify never
 * holds one (it escapes them), so no user text (a carousel title, a link) can be taken for it.
 */
const MEDIA_URL_MARK = '\u0001';

/** A storage key where the presented media has a URL; written as MEDIA_URL_MARK + key. */
class MarkedUrl {
  constructor(readonly key: string) {}
}

type UrlFor<U> = (key: string) => U;

function imagesOf<U>(image: StoredImage, urlFor: UrlFor<U>) {
  const images: Record<string, { width: number; height: number; url: U }> = {};
  for (const size of PIN_IMAGE_SIZES) {
    const file = image.sizes[size];
    images[size] = { width: file.width, height: file.height, url: urlFor(file.key) };
  }
  return images;
}

/** Pinterest's `PinMedia`: PinMediaWithImage, PinMediaWithImages (a carousel) or PinMediaWithVideo. */
export function presentPinMedia<U = string>(media: PinMediaRecord, urlFor: UrlFor<U>) {
  if (media.type === 'multiple_images') {
    return {
      media_type: 'multiple_images',
      items: media.items.map((item) => ({
        item_type: 'image',
        images: imagesOf(item.image, urlFor),
        title: item.title ?? null,
        description: item.description ?? null,
        link: item.link ?? null,
      })),
    };
  }
  const first = media.items[0];
  if (media.type === 'video' && media.video) {
    return {
      media_type: 'video',
      images: first ? imagesOf(first.image, urlFor) : {},
      cover_image_url: first ? urlFor(first.image.sizes['1200x'].key) : null,
      video_url: urlFor(media.video.key),
      duration: media.video.durationMs,
      width: media.video.width,
      height: media.video.height,
    };
  }
  return { media_type: 'image', images: first ? imagesOf(first.image, urlFor) : {} };
}

const markUrl = (key: string) => new MarkedUrl(key);

/** JSON text of a presented value, each MarkedUrl written as a marked string. */
function writeJson(value: unknown): string {
  if (value instanceof MarkedUrl) return `"${MEDIA_URL_MARK}${JSON.stringify(value.key).slice(1)}`;
  if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${writeJson(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What `pins.media_view` holds for this media: the presented PinMedia with marked URLs. */
export function mediaViewOf(media: PinMediaRecord): string {
  return writeJson(presentPinMedia(media, markUrl));
}

/** The view's JSON text with `mediaBase` (PUBLIC_URL + "/media/", as JSON string content) in place of each mark. */
export function renderMediaView(view: string, mediaBaseJson: string): string {
  return view.replaceAll(MEDIA_URL_MARK, mediaBaseJson);
}

/** `mediaBase` escaped for the inside of a JSON string (renderMediaView's second argument). */
export function jsonStringContent(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
