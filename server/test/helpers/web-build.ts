import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildTestApp, type TestApp } from './app.js';

/**
 * A stand-in for `web/dist`: an index.html with the app's root element, one hashed script
 * (with its .gz) and a favicon, so the server's web-app routes can be tested without building
 * the web app.
 */
export function fakeWebBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-web-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>Corkboard</title></head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js.gz'), zlib.gzipSync('console.log("app")'));
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/** A test app serving a fake web build; `close` removes both. */
export async function buildWebTestApp(): Promise<TestApp> {
  const dist = fakeWebBuild();
  const t = await buildTestApp({}, { webDistDir: dist });
  return {
    ...t,
    async close() {
      try {
        await t.close();
      } finally {
        fs.rmSync(dist, { recursive: true, force: true });
      }
    },
  };
}
