import { buildApp } from '../../app.js';
import type { Config } from '../../config.js';

/** `corkboard media cleanup`: one cleanup run now (the server also runs it periodically); prints what went. */
export async function runMediaCleanupCommand(config: Config): Promise<number> {
  const app = await buildApp(config, { logger: false });
  try {
    const result = await app.mediaCleanup.run();
    console.log(
      `Deleted ${result.expired} expired upload registration(s) without a file, ` +
        `${result.failed} failed upload(s) older than ${config.video.failedRetentionDays} day(s) ` +
        `${result.tempFiles} leftover temporary file(s) ` +
        `and ${result.unused} upload(s) of deleted video pins.`,
    );
    return 0;
  } finally {
    await app.close();
  }
}
