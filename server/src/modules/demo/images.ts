import sharp from 'sharp';

/** A small deterministic PRNG so the demo looks the same on every machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hsl = (h: number, s: number, l: number) =>
  `hsl(${Math.round(h)}, ${Math.round(s)}%, ${Math.round(l)}%)`;

/**
 * An abstract picture drawn locally (no network): a gradient sky with layered shapes in a
 * palette around `hue`. Sizes vary like real pins so the grid looks like Pinterest's.
 */
export async function demoImage(seed: number, hue: number): Promise<Buffer> {
  const random = prng(seed);
  const width = 600;
  const height = [600, 750, 800, 900, 1050][Math.floor(random() * 5)]!;
  const shapes: string[] = [];
  for (let i = 0; i < 9; i++) {
    const h = hue + (random() - 0.5) * 70;
    const fill = hsl(h, 45 + random() * 40, 35 + random() * 40);
    const opacity = (0.45 + random() * 0.5).toFixed(2);
    if (random() < 0.5) {
      shapes.push(
        `<circle cx="${Math.round(random() * width)}" cy="${Math.round(random() * height)}" r="${Math.round(40 + random() * 200)}" fill="${fill}" fill-opacity="${opacity}"/>`,
      );
    } else {
      const y = Math.round(height * (0.4 + random() * 0.6));
      const amplitude = Math.round(30 + random() * 90);
      shapes.push(
        `<path d="M0 ${y} C ${width * 0.3} ${y - amplitude}, ${width * 0.6} ${y + amplitude}, ${width} ${y - amplitude / 2} L ${width} ${height} L 0 ${height} Z" fill="${fill}" fill-opacity="${opacity}"/>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="${hsl(hue + 20, 60, 85)}"/><stop offset="1" stop-color="${hsl(hue - 20, 55, 60)}"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#sky)"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}
