import pg from 'pg';
import { referenceSpecAvailable, REFERENCE_SPEC_PATH } from './helpers/reference.js';

/**
 * Says loudly what cannot run here. Under CI=true a missing dependency fails the run instead.
 */
export default async function globalSetup(): Promise<void> {
  const ci = process.env.CI === 'true';
  const problems: string[] = [];
  if (!referenceSpecAvailable()) {
    problems.push(
      `reference spec not found at ${REFERENCE_SPEC_PATH}: spec-conformance tests will be skipped`,
    );
  }
  if (process.env.TEST_DATABASE === 'postgres') {
    const url = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
    } catch (error) {
      throw new Error(
        `TEST_DATABASE=postgres but PostgreSQL is not reachable at ${url} (${(error as Error).message}). Start it or unset TEST_DATABASE.`,
      );
    }
  }
  for (const problem of problems) {
    if (ci) throw new Error(`CI=true and ${problem}`);
    console.warn(`\n*** SKIPPING: ${problem}\n`);
  }
  console.log(`Test database: ${process.env.TEST_DATABASE === 'postgres' ? 'PostgreSQL' : 'SQLite'}`);
}
