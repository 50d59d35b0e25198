/* global fetch, PerformanceObserver */
// Home page in Debian's Chromium: largest contentful paint and bytes transferred, median of 5
// cold loads, against the built server on loopback with the demo seed (about 60 pins).
// Usage: npm run build && node bench/web-home.mjs [--loads=5]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const loads = Number(process.argv.find((a) => a.startsWith('--loads='))?.split('=')[1] ?? 5);

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
const results = [];
try {
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    let jsBytes = 0;
    const types = new Map();
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      if (types.get(e.requestId) === 'Script') jsBytes += e.encodedDataLength;
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    const lcp = await page.evaluate(
      () =>
        new Promise((resolve) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            resolve(entries[entries.length - 1].startTime);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
    results.push({ lcp, bytes, jsBytes });
    await context.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Home page, ${loads} cold loads at 1280×900 on loopback (demo seed):`);
console.log(
  `  LCP median ${median(results.map((r) => r.lcp)).toFixed(0)} ms (each: ${results.map((r) => r.lcp.toFixed(0)).join(', ')})`,
);
console.log(
  `  bytes transferred median ${kb(median(results.map((r) => r.bytes)))}, of which JavaScript ${kb(median(results.map((r) => r.jsBytes)))}`,
);
