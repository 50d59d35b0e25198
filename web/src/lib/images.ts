import type { ImageDetails, Pin, PinMedia } from '../api/types';

/** The sizes of the pin's (first) image, by Pinterest's size names. */
export function imagesOf(media: PinMedia): Record<string, ImageDetails> {
  return media.images ?? media.items?.[0]?.images ?? {};
}

/** Width-bounded sizes ("600x", "1200x") keep the aspect ratio: those are the ones to show whole. */
function widthSizes(media: PinMedia): ImageDetails[] {
  return Object.entries(imagesOf(media))
    .filter(([name]) => /^\d+x$/.test(name))
    .map(([, image]) => image)
    .sort((a, b) => a.width - b.width);
}

export function aspectRatioOf(pin: Pin): number {
  const image = widthSizes(pin.media)[0] ?? Object.values(imagesOf(pin.media))[0];
  return image && image.height > 0 ? image.width / image.height : 1;
}

/**
 * src, srcset and sizes for showing the pin `displayWidth` CSS pixels wide: the browser picks
 * the smallest file that is sharp on its screen, and nothing larger is fetched.
 */
export function responsiveImage(
  pin: Pin,
  displayWidth: number,
): { src: string; srcSet: string; sizes: string } | null {
  const sizes = widthSizes(pin.media);
  if (sizes.length === 0) {
    const any = Object.values(imagesOf(pin.media))[0];
    return any ? { src: any.url, srcSet: '', sizes: '' } : null;
  }
  const fallback = sizes.find((image) => image.width >= displayWidth) ?? sizes[sizes.length - 1]!;
  return {
    src: fallback.url,
    srcSet: sizes.map((image) => `${image.url} ${image.width}w`).join(', '),
    sizes: `${Math.ceil(displayWidth)}px`,
  };
}

/** A CSS colour from the pin's dominant colour, or a neutral grey. */
export function placeholderColor(pin: Pin): string {
  return pin.dominant_color && /^#[0-9a-fA-F]{6}$/.test(pin.dominant_color) ? pin.dominant_color : '#e9e9e9';
}
