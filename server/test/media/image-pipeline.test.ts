import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  dominantColour,
  ImageRejectedError,
  processImage,
  sniffImageFormat,
  type ImageLimits,
} from '../../src/modules/media/image-pipeline.js';
import { PIN_IMAGE_SIZES } from '../../src/modules/media/types.js';
import { jpegWithGps, jpegWithOrientation6, noisy, pngBomb, rgbOf, solid } from './images.js';

const limits: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };

async function rejection(input: Buffer, l: ImageLimits = limits): Promise<string> {
  try {
    await processImage(input, l);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageRejectedError);
    return (error as Error).message;
  }
  throw new Error('expected the image to be refused');
}

describe('processImage', () => {
  it('refuses a PNG whose header claims 20000×20000 pixels, from the header alone', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(200);
    expect(await rejection(bomb)).toBe('is 20000×20000 pixels (400 megapixels); the limit is 50 megapixels');
  });

  it('refuses input over the byte limit before looking at it', async () => {
    const image = await noisy(200, 200, 'png');
    expect(image.length).toBeGreaterThan(1024);
    expect(await rejection(image, { ...limits, maxBytes: 1024 })).toBe('is larger than 1 KB');
  });

  it('decides the format by content and refuses what is not an image', async () => {
    expect(await rejection(Buffer.from('<html>hello</html>'))).toBe(
      'is not an image (expected JPEG, PNG, WebP or GIF)',
    );
    expect(await rejection(Buffer.alloc(0))).toBe('is empty');
    const webp = await solid(50, 50, '#00ff00', 'webp');
    expect(sniffImageFormat(webp)).toBe('webp');
    expect(await rejection(webp, { ...limits, formats: ['jpeg', 'png'] })).toBe(
      'is a WebP image; only JPEG or PNG images are accepted',
    );
  });

  it('refuses a file that starts like a JPEG but is garbage after the signature', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]);
    expect(await rejection(garbage)).toMatch(/^could not be (read|decoded) as a JPEG image/);
  });

  it('refuses a truncated JPEG', async () => {
    const whole = await noisy(800, 600, 'jpeg');
    expect(await rejection(whole.subarray(0, Math.floor(whole.length / 2)))).toMatch(
      /^could not be (read|decoded) as a JPEG image/,
    );
  });

  it('strips EXIF, GPS and every other metadata from all stored files', async () => {
    const input = await jpegWithGps();
    const inputMeta = await sharp(input).metadata();
    expect(inputMeta.exif?.toString('latin1')).toContain('SecretPhoneCo');

    const result = await processImage(input, limits);
    for (const file of [result.original, ...PIN_IMAGE_SIZES.map((s) => result.sizes[s])]) {
      const meta = await sharp(file.data).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(file.data.includes('SecretPhoneCo')).toBe(false);
      expect(file.data.includes('Alice Example')).toBe(false);
    }
  });

  it('turns a sideways photo upright and drops the orientation tag', async () => {
    const result = await processImage(await jpegWithOrientation6(300, 200), limits);
    expect([result.original.width, result.original.height]).toEqual([200, 300]);
    expect((await sharp(result.original.data).metadata()).orientation).toBeUndefined();
    expect([result.sizes['600x'].width, result.sizes['600x'].height]).toEqual([200, 300]);
  });

  it("makes Pinterest's four sizes with the right dimensions from a large image", async () => {
    const result = await processImage(await solid(2400, 1800, '#336699'), limits);
    expect(result.original).toMatchObject({ format: 'jpeg', width: 2400, height: 1800 });
    const dims = Object.fromEntries(
      PIN_IMAGE_SIZES.map((s) => [s, [result.sizes[s].width, result.sizes[s].height]]),
    );
    expect(dims).toEqual({
      '150x150': [150, 150],
      '400x300': [400, 300],
      '600x': [600, 450],
      '1200x': [1200, 900],
    });
    for (const size of PIN_IMAGE_SIZES) {
      const meta = await sharp(result.sizes[size].data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([
        'jpeg',
        result.sizes[size].width,
        result.sizes[size].height,
      ]);
    }
  });

  it('never enlarges the width sizes: a 500px-wide image stays 500 wide', async () => {
    const result = await processImage(await solid(500, 400, '#998877', 'png'), limits);
    expect(result.original).toMatchObject({ format: 'png', width: 500, height: 400 });
    expect([result.sizes['600x'].width, result.sizes['600x'].height]).toEqual([500, 400]);
    expect([result.sizes['1200x'].width, result.sizes['1200x'].height]).toEqual([500, 400]);
    expect([result.sizes['400x300'].width, result.sizes['400x300'].height]).toEqual([400, 300]);
  });

  it('keeps a panorama sharp enough for the cover crops', async () => {
    const result = await processImage(await solid(4000, 300, '#445566'), limits);
    expect([result.sizes['1200x'].width, result.sizes['1200x'].height]).toEqual([1200, 90]);
    expect([result.sizes['400x300'].width, result.sizes['400x300'].height]).toEqual([400, 300]);
  });

  it('gives the dominant colour of a solid red image as red', async () => {
    expect((await processImage(await solid(300, 200, '#ff0000', 'png'), limits)).dominantColor).toBe(
      '#ff0000',
    );
    const [r, g, b] = rgbOf(
      (await processImage(await solid(300, 200, '#ff0000', 'jpeg'), limits)).dominantColor,
    );
    expect(r).toBeGreaterThanOrEqual(248);
    expect(g).toBeLessThanOrEqual(8);
    expect(b).toBeLessThanOrEqual(8);
  });

  it('takes the colour covering most of the picture, not the average', async () => {
    const mostlyBlue = await sharp({
      create: { width: 200, height: 100, channels: 3, background: '#0000ff' },
    })
      .composite([
        {
          input: { create: { width: 60, height: 100, channels: 3, background: '#ffff00' } },
          left: 0,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    expect((await processImage(mostlyBlue, limits)).dominantColor).toBe('#0000ff');
    expect(dominantColour(Buffer.from([10, 20, 30, 10, 20, 30, 200, 0, 0]), 3)).toBe('#0a141e');
  });

  it('stores an opaque WebP as JPEG, and a GIF or a transparent WebP as PNG', async () => {
    expect((await processImage(await solid(64, 64, '#00ff00', 'webp'), limits)).original.format).toBe('jpeg');
    expect((await processImage(await solid(64, 64, '#00ff00', 'gif'), limits)).original.format).toBe('png');
    const transparent = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .webp()
      .toBuffer();
    const result = await processImage(transparent, limits);
    expect(result.original.format).toBe('png');
    expect(result.sizes['150x150'].format).toBe('jpeg');
    expect(result.dominantColor).toBe('#ffffff');
  });
});
