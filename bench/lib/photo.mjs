// A 4000×3000 photo-like JPEG for the upload benchmark: smooth gradients, large soft shapes,
// mid-frequency texture and sensor-like noise, so it compresses like a photo (a few MB), not
// like a flat test card. Deterministic; cached under bench/.work.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { WORK_DIR } from './common.mjs';

export const PHOTO_WIDTH = 4000;
export const PHOTO_HEIGHT = 3000;
const PHOTO_VERSION = 1;

export async function ensurePhoto() {
  const file = path.join(WORK_DIR, `photo-${PHOTO_WIDTH}x${PHOTO_HEIGHT}-v${PHOTO_VERSION}.jpg`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const w = PHOTO_WIDTH;
  const h = PHOTO_HEIGHT;
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  // Random fields at two scales, upscaled by sharp: large soft shapes and mid-sized detail.
  const field = async (fw, fh, channels) => {
    const low = Buffer.alloc(fw * fh * channels);
    for (let i = 0; i < low.length; i++) low[i] = Math.floor(rand() * 256);
    return sharp(low, { raw: { width: fw, height: fh, channels } })
      .resize(w, h, { kernel: 'cubic' })
      .raw()
      .toBuffer();
  };
  const shapes = await field(12, 9, 3);
  const detail = await field(200, 150, 1);

  const pixels = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    const t = y / h;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const i = p * 3;
      // Foliage/fabric-like ripples, stronger towards the bottom of the frame.
      const ripple = 14 * Math.sin(x * 0.05 + Math.sin(y * 0.011) * 4) * Math.cos(y * 0.037 + x * 0.006) * t;
      const luma = (detail[p] - 128) * (0.25 + 0.5 * t) + ripple + (rand() - 0.5) * 18;
      for (let c = 0; c < 3; c++) {
        // Sky-to-ground colour gradient, tinted by the large shapes.
        const gradient = c === 0 ? 110 + 60 * t : c === 1 ? 140 + 10 * t : 210 - 130 * t;
        const v = 0.6 * gradient + 0.4 * shapes[i + c] + luma;
        pixels[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  await sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
    .withMetadata({ density: 72 })
    .toFile(file);
  return file;
}
