import { defineConfig } from 'vitest/config';

// Browser journeys start a real server and Chromium: they run once, in the SQLite pass
// (`TEST_DATABASE=postgres npm test` repeats the server suites only).
const withBrowserJourneys = process.env.TEST_DATABASE !== 'postgres';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/test/**/*.test.ts'],
          globalSetup: ['server/test/global-setup.ts'],
        },
      },
      { extends: true, test: { name: 'web', include: ['web/src/**/*.test.ts'] } },
      ...(withBrowserJourneys
        ? [
            {
              extends: true,
              test: {
                name: 'e2e',
                include: ['e2e/**/*.test.ts'],
                globalSetup: ['e2e/global-setup.ts'],
                testTimeout: 120_000,
                hookTimeout: 240_000,
                // After the other suites, one Chromium at a time: the machine has two cores.
                fileParallelism: false,
                sequence: { groupOrder: 1 },
              },
            },
          ]
        : []),
    ],
  },
});
