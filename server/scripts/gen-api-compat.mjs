#!/usr/bin/env node
// Writes docs/api-compatibility.md from the reference operations and the built server's routes.
// Usage: npm run gen:compat   (builds first; a test fails when the committed file is stale)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { buildApp } = await import(path.join(root, 'server/dist/app.js'));
const { loadConfig } = await import(path.join(root, 'server/dist/config.js'));
const { renderApiCompatibility } = await import(path.join(root, 'server/dist/http/compatibility.js'));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-compat-'));
const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { logger: false });
try {
  const out = path.join(root, 'docs/api-compatibility.md');
  fs.writeFileSync(out, renderApiCompatibility(new Set(app.unimplementedOperations)));
  console.log(`Wrote ${path.relative(root, out)}`);
} finally {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
