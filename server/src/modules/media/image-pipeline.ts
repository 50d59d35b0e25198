/**
 * The image work of a pin, with no HTTP, storage or database: bytes in, encoded files out.
 * `processImage` is what the media service runs for every pin image, and what bench/ imports
 * (from server/dist/modules/media/image-pipeline.js) as "the same sharp pipeline with no HTTP".
 *
 * Order of work, cheapest refusals first:
 *   1. size cap on the bytes; format decided by the content (magic bytes), never by a name;
 *   2. the header only (sharp metadata): pixel cap before any pixel is decoded;
 *   3. two concurrent decodes of the same input, both with limitInputPixels:
 *        - the original, auto-oriented, re-encoded full size without any metadata;
 *        - one "working" copy just large enough for every Pinterest size (JPEG shrink-on-load
 *          makes this decode cheap), flattened on white, kept as raw pixels;
 *   4. from the working copy, concurrently: 1200x, 600x, 400x300, 150x150 and a tiny copy for
 *      the dominant colour.
 */
import sharp, { type JpegOptions, type Metadata, type ResizeOptions, type Sharp } from 'sharp';
import { formatMegabytes } from '../../lib/guarded-fetch.js';
import { PIN_IMAGE_SIZES, type PinImageSize } from './types.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';
export type OutputFormat = 'jpeg' | 'png';

export const ALL_IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif'];
export const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
};
export const OUTPUT_EXTENSIONS: Record<OutputFormat, string> = { jpeg: 'jpg', png: 'png' };

export interface ImageLimits {
  /** Largest input accepted, in bytes. */
  maxBytes: number;
  /** Largest input accepted, in pixels (width × height), checked from the header. */
  maxPixels: number;
  /** Formats accepted; default all four. */
  formats?: readonly ImageFormat[];
}

export interface EncodedImage {
  data: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
}

export interface ProcessedImage {
  /** The format the input really was. */
  inputFormat: ImageFormat;
  /** Full size, oriented, without metadata; JPEG stays JPEG, PNG stays PNG. */
  original: EncodedImage;
  /** Pinterest's sizes, always JPEG. */
  sizes: Record<PinImageSize, EncodedImage>;
  /** "#rrggbb" */
  dominantColor: string;
}

/** The input is not an image this pipeline accepts; `message` says why, in words. */
export class ImageRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageRejectedError';
  }
}

/** The image format of `data`, decided by its first bytes; null when it is none of the four. */
export function sniffImageFormat(data: Buffer): ImageFormat | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'webp';
  }
  return null;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const ORIGINAL_JPEG = { quality: 90, optimiseCoding: false } as const;
const SIZE_JPEG = { quality: 85 } as const;
const PNG_OPTIONS = { compressionLevel: 6 } as const;
const WHITE = { r: 255, g: 255, b: 255 };

/** Resize rules of Pinterest's four sizes. */
const SIZE_RULES: Record<PinImageSize, ResizeOptions> = {
  '150x150': { width: 150, height: 150, fit: 'cover', position: 'centre' },
  '400x300': { width: 400, height: 300, fit: 'cover', position: 'centre' },
  '600x': { width: 600, withoutEnlargement: true },
  '1200x': { width: 1200, withoutEnlargement: true },
};

/**
 * Checks, orients, strips and resizes one image. Throws ImageRejectedError for anything that
 * is not an acceptable image (too big, too many pixels, wrong or unreadable format).
 */
export async function processImage(input: Buffer, limits: ImageLimits): Promise<ProcessedImage> {
  const inputFormat = checkFormat(input, limits);
  const name = FORMAT_NAMES[inputFormat];

  let meta: Metadata;
  try {
    // Header only: no pixel is decoded here, so a pixel bomb costs nothing.
    meta = await sharp(input, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch {
    throw new ImageRejectedError(`could not be read as a ${name} image`);
  }
  if (meta.format !== inputFormat) {
    throw new ImageRejectedError(`could not be read as a ${name} image`);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new ImageRejectedError(`could not be read as a ${name} image`);
  if (width * height > limits.maxPixels) {
    throw new ImageRejectedError(
      `is ${width}×${height} pixels (${megapixels(width * height)} megapixels); the limit is ${megapixels(limits.maxPixels)} megapixels`,
    );
  }

  const outputFormat: OutputFormat =
    inputFormat === 'jpeg' ? 'jpeg' : inputFormat === 'png' ? 'png' : meta.hasAlpha ? 'png' : 'jpeg';
  // Two pipelines over the same bytes. Not `clone()`: it structured-clones its options, input
  // bytes included, a 4 MB copy (and 4 MB more for the garbage collector) on the event loop.
  const decode = () => sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();

  try {
    const originalPromise = encode(decode(), outputFormat, ORIGINAL_JPEG);
    originalPromise.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    // One copy just large enough for every size: ≥1200 wide and ≥300 high where the input allows.
    const working = await decode()
      .resize({ width: 1200, height: 300, fit: 'outside', withoutEnlargement: true })
      .flatten({ background: WHITE })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = {
      raw: { width: working.info.width, height: working.info.height, channels: working.info.channels },
    };
    const fromWorking = () => sharp(working.data, raw);

    const sizeEntries = PIN_IMAGE_SIZES.map(async (size) => {
      const rule = SIZE_RULES[size];
      const needsResize = size === '1200x' ? working.info.width > 1200 : true;
      const pipeline = needsResize ? fromWorking().resize(rule) : fromWorking();
      return [size, await encode(pipeline, 'jpeg', SIZE_JPEG)] as const;
    });
    const colourPromise = fromWorking()
      .resize({ width: 64, height: 64, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => dominantColour(data, info.channels));

    const [original, entries, dominantColor] = await Promise.all([
      originalPromise,
      Promise.all(sizeEntries),
      colourPromise,
    ]);
    return {
      inputFormat,
      original,
      sizes: Object.fromEntries(entries) as Record<PinImageSize, EncodedImage>,
      dominantColor,
    };
  } catch (error) {
    if (error instanceof ImageRejectedError) throw error;
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new ImageRejectedError(`has more than ${megapixels(limits.maxPixels)} megapixels`);
    }
    throw new ImageRejectedError(
      `could not be decoded as a ${name} image (the data is damaged or incomplete)`,
    );
  }
}

/** Size cap and content-decided format; returns the format. */
function checkFormat(input: Buffer, limits: ImageLimits): ImageFormat {
  if (input.length === 0) throw new ImageRejectedError('is empty');
  if (input.length > limits.maxBytes)
    throw new ImageRejectedError(`is larger than ${formatMegabytes(limits.maxBytes)}`);
  const format = sniffImageFormat(input);
  const accepted = limits.formats ?? ALL_IMAGE_FORMATS;
  const list = listFormats(accepted);
  if (!format) throw new ImageRejectedError(`is not an image (expected ${list})`);
  if (!accepted.includes(format))
    throw new ImageRejectedError(`is a ${FORMAT_NAMES[format]} image; only ${list} images are accepted`);
  return format;
}

async function encode(pipeline: Sharp, format: OutputFormat, jpeg: JpegOptions): Promise<EncodedImage> {
  const out = format === 'jpeg' ? pipeline.jpeg(jpeg) : pipeline.png(PNG_OPTIONS);
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  return { data, format, width: info.width, height: info.height };
}

/** "JPEG, PNG, WebP or GIF" */
export function listFormats(formats: readonly ImageFormat[]): string {
  const names = formats.map((f) => FORMAT_NAMES[f]);
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
    : (names[0] ?? '');
}

function megapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return Number.isInteger(mp) ? String(mp) : mp.toFixed(1);
}

/**
 * The most common colour: a 16×16×16 histogram (as sharp's stats().dominant), then the mean
 * of the pixels in the fullest bin, so a solid colour comes back exactly.
 */
export function dominantColour(data: Buffer, channels: number): string {
  const counts = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  for (let i = 0; i + channels <= data.length; i += channels) {
    const r = data[i]!;
    const g = channels >= 3 ? data[i + 1]! : r;
    const b = channels >= 3 ? data[i + 2]! : r;
    const bin = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    counts[bin]!++;
    sums[bin * 3] = sums[bin * 3]! + r;
    sums[bin * 3 + 1] = sums[bin * 3 + 1]! + g;
    sums[bin * 3 + 2] = sums[bin * 3 + 2]! + b;
  }
  let best = 0;
  for (let bin = 1; bin < 4096; bin++) if (counts[bin]! > counts[best]!) best = bin;
  const n = counts[best]!;
  if (n === 0) return '#ffffff';
  const hex = (v: number) =>
    Math.round(v / n)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(sums[best * 3]!)}${hex(sums[best * 3 + 1]!)}${hex(sums[best * 3 + 2]!)}`;
}
