#!/usr/bin/env node
// `npx corkboard …`: runs the built CLI (npm start and npm run build produce server/dist).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('Corkboard is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(entry);
