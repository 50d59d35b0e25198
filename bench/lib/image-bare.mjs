// The image baseline: the media module's own pipeline (server/dist/modules/media/image-pipeline.js,
// `processImage`: original re-encode, four sizes, dominant colour) and its file writes
// (`writeProcessedImage` onto LocalDiskStorage), called in this process with no HTTP, no base64,
// no database: `concurrency` loops back to back for `duration` seconds.
//
//   node bench/lib/image-bare.mjs '{"jpeg":"…","concurrency":3,"duration":30,"outDir":"…"}'
// Prints one line: IMAGE_JSON {"completed":…,"perSecond":…,"pipeline":"processImage",…}
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { importDist } from './common.mjs';

const options = JSON.parse(process.argv[2]);
const input = fs.readFileSync(options.jpeg);

const pipelineModule = await importDist('modules/media/image-pipeline.js');
const processImage = pipelineModule.processImage;
if (typeof processImage !== 'function') {
  throw new Error(
    `server/dist/modules/media/image-pipeline.js exports no processImage (exports: ${Object.keys(pipelineModule).join(', ')})`,
  );
}
const { writeProcessedImage } = await importDist('modules/media/service.js');
const { LocalDiskStorage } = await importDist('modules/media/storage.js');
const { loadConfig } = await importDist('config.js');
// The limits the server would apply by default (IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS).
const limits = loadConfig({}).image;
const storage = new LocalDiskStorage(options.outDir);

let sequence = 0;
async function once() {
  const image = await processImage(input, {
    maxBytes: limits.maxBytes,
    maxPixels: limits.maxPixels,
    formats: ['jpeg'],
  });
  const n = String(++sequence).padStart(6, '0');
  await writeProcessedImage(storage, `pins/${n.slice(-2)}/${n}/0`, image);
  return image;
}

const check = await once(); // also a warm-up: libvips loads its operations once
const latencies = [];
const start = performance.now();
const deadline = start + options.duration * 1000;
let lastDone = start;
async function loop() {
  while (performance.now() < deadline) {
    const t = performance.now();
    await once();
    lastDone = performance.now();
    latencies.push(lastDone - t);
  }
}
await Promise.all(Array.from({ length: options.concurrency }, loop));

latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? null;
const seconds = (lastDone - start) / 1000;
process.stdout.write(
  'IMAGE_JSON ' +
    JSON.stringify({
      pipeline: 'processImage + writeProcessedImage',
      completed: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50_ms: pct(50),
      p99_ms: pct(99),
      max_ms: latencies.at(-1) ?? null,
      output: {
        original: `${check.original.width}×${check.original.height} ${check.original.data.length} B`,
        sizes: Object.fromEntries(Object.entries(check.sizes).map(([k, v]) => [k, `${v.width}×${v.height}`])),
        dominantColor: check.dominantColor,
      },
    }) +
    '\n',
);
