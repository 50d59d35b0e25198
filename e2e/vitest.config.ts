import { defineConfig } from 'vitest/config';

/** `npm run test:newman`: the Postman collection run by Newman against the built server. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
