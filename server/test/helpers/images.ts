import sharp from 'sharp';

export interface TestImage {
  /** Base64 of the encoded file, as pins/create's image_base64 takes it. */
  base64: string;
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

function solid(width: number, height: number, rgb: [number, number, number]) {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
}

/** A small solid-colour PNG made on the spot (no fixture files). */
export async function testPng(
  rgb: [number, number, number] = [200, 40, 40],
  width = 64,
  height = 48,
): Promise<TestImage> {
  const data = await solid(width, height, rgb).png().toBuffer();
  return { base64: data.toString('base64'), contentType: 'image/png', width, height };
}

/** A small solid-colour JPEG made on the spot. */
export async function testJpeg(
  rgb: [number, number, number] = [30, 90, 200],
  width = 80,
  height = 60,
): Promise<TestImage> {
  const data = await solid(width, height, rgb).jpeg().toBuffer();
  return { base64: data.toString('base64'), contentType: 'image/jpeg', width, height };
}

/** A GIF, which pins/create refuses (only image/jpeg and image/png). */
export async function testGif(): Promise<string> {
  return (await solid(8, 8, [0, 0, 0]).gif().toBuffer()).toString('base64');
}

/** `media_source` for one image. */
export function base64Source(image: TestImage) {
  return { source_type: 'image_base64', content_type: image.contentType, data: image.base64 };
}

/** `media_source` for a carousel of these images. */
export function carouselSource(
  images: TestImage[],
  extra: (i: number) => Record<string, string | undefined> = () => ({}),
) {
  return {
    source_type: 'multiple_image_base64',
    items: images.map((image, i) => ({ content_type: image.contentType, data: image.base64, ...extra(i) })),
  };
}
