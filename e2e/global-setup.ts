import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { browserMissingReason, ROOT } from './helpers/environment.js';

/** Newest modification time of the files under these paths (directories walked). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (target: string) => {
    if (!fs.existsSync(target)) return;
    const stat = fs.statSync(target);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(target))
        if (entry !== 'node_modules') visit(path.join(target, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(path.join(ROOT, p)));
  return newest;
}

/**
 * The journeys drive the built app as `npm start` serves it. A missing browser is a loud skip
 * (a failure under CI=true); a missing or stale build is rebuilt first.
 */
export default function globalSetup(): void {
  const missing = browserMissingReason();
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`CI=true and ${missing}`);
    console.warn(`\n*** SKIPPING: ${missing}\n`);
    return;
  }
  const built = Math.min(
    newestMtime(['server/dist/main.js']) || 0,
    newestMtime(['web/dist/index.html']) || 0,
  );
  const sources = newestMtime(['server/src', 'web/src', 'web/index.html', 'web/vite.config.ts']);
  if (built === 0 || sources > built) {
    console.log('e2e: the build is missing or older than the sources: running npm run build');
    // Vitest sets NODE_ENV=test, which would make Vite build the development bundle.
    execFileSync('npm', ['run', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
}
