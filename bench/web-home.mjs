/* global fetch, PerformanceObserver */
// Home page in Debian's Chromium: largest contentful paint and bytes transferred, median of 7
// cold loads, against the built server on loopback with the demo seed (about 60 pins).
// Baseline, measured in the same run, loads alternating with the app's: a static HTML page
// (no JavaScript) showing the same 50 feed pins with the same image files, lazy and eager
// alike, so the difference is what the single-page app costs on top of the images.
// Writes its block of bench/RESULTS.md (between the issue-6 markers).
// Usage: npm run build && node bench/web-home.mjs [--loads=7]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const loads = Number(process.argv.find((a) => a.startsWith('--loads='))?.split('=')[1] ?? 7);

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const url = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-bench-web-'));
const server = spawn(process.execPath, [path.join(ROOT, 'server/dist/main.js'), 'serve'], {
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
const deadline = Date.now() + 60_000;
for (;;) {
  if (
    await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (Date.now() > deadline) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 200));
}
// The demo seed runs after the server is ready: wait until the feed has its pins.
for (;;) {
  const feed = await fetch(`${url}/api/feed?page_size=50`).then((r) => r.json());
  if (feed.items.length >= 50) break;
  if (Date.now() > deadline) throw new Error('demo seed did not finish');
  await new Promise((r) => setTimeout(r, 200));
}

// The baseline page: the first feed page's pins as plain <img> in a five-column grid, each at
// the 600x size the app's cards load, the first six eager with high priority, the rest lazy.
const feed = await fetch(`${url}/api/feed?page_size=50`).then((r) => r.json());
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cards = feed.items.map((pin, i) => {
  const images = pin.media.images ?? pin.media.items?.[0]?.images ?? {};
  const image = images['600x'] ?? Object.values(images)[0];
  const eager = i < 6 ? 'fetchpriority="high"' : 'loading="lazy"';
  return `<figure style="margin:0 0 16px;break-inside:avoid"><img ${eager} src="${escape(image.url)}" width="236" height="${Math.round((236 * image.height) / image.width)}" alt="${escape(pin.title ?? '')}" style="width:100%;height:auto;border-radius:16px;background:${escape(pin.dominant_color ?? '#e9e9e9')}"><figcaption>${escape(pin.title ?? '')}</figcaption></figure>`;
});
const staticHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Static baseline</title></head><body style="font-family:sans-serif;margin:0 auto;max-width:1280px"><header style="height:64px"><h1>Corkboard</h1></header><main style="columns:5 236px;column-gap:16px;padding:0 16px">${cards.join('')}</main></body></html>`;
const staticServer = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(staticHtml);
});
await new Promise((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
const staticUrl = `http://127.0.0.1:${staticServer.address().port}/`;

const loadBefore = os.loadavg()[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
/** One cold load of the page in a fresh context: LCP, all bytes and the JavaScript's. */
async function coldLoad(target) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    let jsBytes = 0;
    const types = new Map();
    // JavaScript by its MIME type: module preloads are not of resource type Script.
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.response.mimeType));
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      if (/javascript/.test(types.get(e.requestId) ?? '')) jsBytes += e.encodedDataLength;
    });
    await page.goto(target, { waitUntil: 'networkidle' });
    const lcp = await page.evaluate(
      () =>
        new Promise((resolve) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            resolve(entries[entries.length - 1].startTime);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
    return { lcp, bytes, jsBytes };
  } finally {
    await context.close();
  }
}

const results = [];
const baseline = [];
try {
  // A warm-up of each (server caches, Chromium's own start-up), not counted.
  await coldLoad(url);
  await coldLoad(staticUrl);
  for (let i = 0; i < loads; i++) {
    results.push(await coldLoad(url));
    baseline.push(await coldLoad(staticUrl));
    process.stdout.write(`\r  load ${i + 1} of ${loads}`);
  }
  process.stdout.write('\n');
} finally {
  await browser.close();
  staticServer.close();
  server.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(0)} ms`;
const app = {
  lcp: median(results.map((r) => r.lcp)),
  bytes: median(results.map((r) => r.bytes)),
  jsBytes: median(results.map((r) => r.jsBytes)),
};
const floor = { lcp: median(baseline.map((r) => r.lcp)), bytes: median(baseline.map((r) => r.bytes)) };
const loadAfter = os.loadavg()[0];
console.log(
  `Home page, ${loads} cold loads each at 1280×900 on loopback (demo seed, ${feed.items.length} pins):`,
);
console.log(
  `  app:    LCP median ${ms(app.lcp)} (each: ${results.map((r) => r.lcp.toFixed(0)).join(', ')}), ${kb(app.bytes)}, JavaScript ${kb(app.jsBytes)}`,
);
console.log(
  `  static: LCP median ${ms(floor.lcp)} (each: ${baseline.map((r) => r.lcp.toFixed(0)).join(', ')}), ${kb(floor.bytes)}`,
);
console.log(`  load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
const block = [
  '<!-- issue-6:start (written by `npm run bench:web`; other blocks are kept) -->',
  '',
  "## Issue 6: the web app's home page (`npm run bench:web`)",
  '',
  "`bench/web-home.mjs` starts the built server on loopback with the demo seed, then loads `/` in Debian's Chromium,",
  'each load in a fresh context (cold cache) at 1280×900, reading the largest contentful paint from the page and the bytes',
  'transferred (encoded, as sent) from the DevTools protocol. **Baseline, same run, loads alternating**: a static HTML page',
  'without JavaScript showing the same feed pins with the same image files (the first six eager, the rest lazy), so the',
  'difference is what the single-page app adds to the images. Target: LCP under 1 s on loopback.',
  '',
  `Run of ${when} UTC on commit \`${commit}\`, ${loads} loads each; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (2 cores).`,
  '',
  '| measure | app (median) | static baseline (median) | app − baseline | target | result |',
  '| --- | --- | --- | --- | --- | --- |',
  `| largest contentful paint | ${ms(app.lcp)} | ${ms(floor.lcp)} | ${ms(app.lcp - floor.lcp)} | < 1000 ms | ${app.lcp < 1000 ? 'PASS' : '**FAIL**'} |`,
  `| bytes transferred | ${kb(app.bytes)} | ${kb(floor.bytes)} | ${kb(app.bytes - floor.bytes)} | | |`,
  `| of which JavaScript | ${kb(app.jsBytes)} | 0 KB | | < 250 KB gzipped | ${app.jsBytes < 250 * 1024 ? 'PASS' : '**FAIL**'} |`,
  '',
  `Each app load (ms): ${results.map((r) => r.lcp.toFixed(0)).join(', ')}; each baseline load: ${baseline.map((r) => r.lcp.toFixed(0)).join(', ')}.`,
  '',
  '<!-- issue-6:end -->',
].join('\n');

const resultsFile = path.join(ROOT, 'bench', 'RESULTS.md');
const text = fs.existsSync(resultsFile)
  ? fs.readFileSync(resultsFile, 'utf8')
  : '# Corkboard benchmark results\n';
const existing = /<!-- issue-6:start[^>]*-->[\s\S]*?<!-- issue-6:end -->/;
let next = existing.test(text) ? text.replace(existing, () => block) : `${text.trimEnd()}\n\n${block}\n`;
try {
  const prettier = await import('prettier');
  next = await prettier.format(next, {
    ...((await prettier.resolveConfig(resultsFile)) ?? {}),
    filepath: resultsFile,
  });
} catch (error) {
  console.error(`prettier could not format ${resultsFile}: ${error.message}`);
}
fs.writeFileSync(resultsFile, next);
console.log(`Wrote the issue-6 block of ${path.relative(ROOT, resultsFile)}.`);
