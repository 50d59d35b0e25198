import { toRfc3339 } from '../../lib/time.js';
import { PIN_IMAGE_SIZES, type StoredImage } from '../media/types.js';
import type { UrlFor } from '../boards/presenter.js';
import type { PinRow } from './repo.js';
import type { PresentedPinMetrics } from '../analytics/presenter.js';

export interface PinPresentation {
  /** The caller: `is_owner` says whether they own the pin. */
  viewerId: string;
  urlFor: UrlFor;
  /**
   * pin_metrics when it was requested (analytics/presenter.ts presentPinMetrics; null for pins
   * without analytics for the caller); undefined leaves the field out.
   */
  pinMetrics?: PresentedPinMetrics | null;
}

function imagesOf(image: StoredImage, urlFor: UrlFor) {
  return Object.fromEntries(
    PIN_IMAGE_SIZES.map((size) => {
      const file = image.sizes[size];
      return [size, { width: file.width, height: file.height, url: urlFor(file.key) }];
    }),
  );
}

/** Pinterest's `PinMedia`: PinMediaWithImage, PinMediaWithImages (a carousel) or PinMediaWithVideo. */
export function presentPinMedia(pin: PinRow, urlFor: UrlFor) {
  const { media } = pin;
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

/** Pinterest's `Pin`. */
export function presentPin(pin: PinRow, options: PinPresentation) {
  return {
    id: pin.id,
    created_at: toRfc3339(pin.createdAt),
    link: pin.link,
    title: pin.title,
    description: pin.description,
    dominant_color: pin.dominantColor,
    alt_text: pin.altText,
    creative_type: pin.creativeType,
    board_id: pin.boardId,
    board_section_id: pin.boardSectionId,
    board_owner: { username: pin.board.ownerUsername },
    is_owner: pin.ownerId === options.viewerId,
    is_standard: pin.isStandard,
    has_been_promoted: pin.hasBeenPromoted,
    parent_pin_id: pin.parentPinId,
    media: presentPinMedia(pin, options.urlFor),
    ...(options.pinMetrics !== undefined ? { pin_metrics: options.pinMetrics } : {}),
  };
}
