/**
 * Profile pictures: Pinterest shows them square at 280×280. The input must really be an image
 * (decided by its bytes, as the pin pipeline does) and at least 165×165 pixels; it is
 * auto-oriented, cropped to a centred square, resized and re-encoded as JPEG without metadata.
 */
import sharp from 'sharp';
import { formatMegabytes } from '../../lib/guarded-fetch.js';
import { ALL_IMAGE_FORMATS, FORMAT_NAMES, listFormats, sniffImageFormat } from '../media/image-pipeline.js';

export const PROFILE_IMAGE_SIZE = 280;
export const PROFILE_IMAGE_MIN_SIZE = 165;

export class ProfilePictureRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfilePictureRejected';
  }
}

export async function makeProfilePicture(
  input: Buffer,
  limits: { maxBytes: number; maxPixels: number },
): Promise<{ data: Buffer; width: number; height: number }> {
  if (input.length === 0) throw new ProfilePictureRejected('is empty');
  if (input.length > limits.maxBytes)
    throw new ProfilePictureRejected(`is larger than ${formatMegabytes(limits.maxBytes)}`);
  const format = sniffImageFormat(input);
  if (!format)
    throw new ProfilePictureRejected(`is not an image (expected ${listFormats(ALL_IMAGE_FORMATS)})`);
  const name = FORMAT_NAMES[format];

  let width = 0;
  let height = 0;
  try {
    // Header only: nothing is decoded until the size checks pass.
    const meta = await sharp(input, { limitInputPixels: false, failOn: 'error' }).metadata();
    if (meta.format !== format) throw new Error('format');
    width = meta.width ?? 0;
    height = meta.pageHeight ?? meta.height ?? 0;
  } catch {
    throw new ProfilePictureRejected(`could not be read as a ${name} image`);
  }
  if (width < 1 || height < 1) throw new ProfilePictureRejected(`could not be read as a ${name} image`);
  if (width * height > limits.maxPixels) {
    throw new ProfilePictureRejected(
      `is ${width}×${height} pixels, more than the ${limits.maxPixels.toLocaleString('en')} pixels accepted`,
    );
  }
  if (width < PROFILE_IMAGE_MIN_SIZE || height < PROFILE_IMAGE_MIN_SIZE) {
    throw new ProfilePictureRejected(
      `is ${width}×${height} pixels; a profile picture must be at least ${PROFILE_IMAGE_MIN_SIZE}×${PROFILE_IMAGE_MIN_SIZE} pixels`,
    );
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .resize({ width: PROFILE_IMAGE_SIZE, height: PROFILE_IMAGE_SIZE, fit: 'cover', position: 'centre' })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .jpeg({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw new ProfilePictureRejected(
      `could not be decoded as a ${name} image (the data is damaged or incomplete)`,
    );
  }
}
