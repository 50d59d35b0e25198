import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/index.js';
import type { App } from '../../src/http/types.js';
import { Factories } from './factories.js';

export const TEST_DATABASE = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_PUBLIC_URL = 'http://corkboard.test';

export interface TestApp {
  app: App;
  factories: Factories;
  config: Config;
  dataDir: string;
  /** Requests of this file that got a 5xx (other than 501); close() fails when any did. */
  serverErrors: string[];
  close(): Promise<void>;
}

/** A fresh database for one test file: a temp SQLite file, or a new PostgreSQL schema. */
export async function openTestDatabase(): Promise<{ database: DatabaseHandle; dropAll(): Promise<void> }> {
  if (TEST_DATABASE === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = openDatabase({
      databaseUrl: TEST_POSTGRES_URL,
      sqlitePath: '',
      pgSchema: schema,
      pgPoolSize: 4,
    });
    return {
      database,
      async dropAll() {
        await database.close();
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-db-'));
  const database = openDatabase({ databaseUrl: null, sqlitePath: path.join(dir, 'test.sqlite') });
  return {
    database,
    async dropAll() {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The configuration tests run with: a data folder of their own, the test PUBLIC_URL, no logs. */
export function loadTestConfig(dataDir: string, env: Record<string, string> = {}) {
  return loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: TEST_PUBLIC_URL, LOG_LEVEL: 'silent', ...env });
}

export async function buildTestApp(
  env: Record<string, string> = {},
  options: Omit<BuildAppOptions, 'database' | 'logger'> & {
    /** Runs before the app is ready: add test-only routes or hooks here. */
    beforeReady?: (app: App) => void;
  } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-data-'));
  const config = loadTestConfig(dataDir, env);
  const { database, dropAll } = await openTestDatabase();
  const app = await buildApp(config, { ...options, database, logger: false });
  // A 5xx is a bug: every test file fails at close if any request it made got one (501 aside).
  const serverErrors: string[] = [];
  app.addHook('onResponse', async (request, reply) => {
    // 501 answers and faults a test injected on purpose (sandbox fault injection) are expected.
    if (
      reply.statusCode >= 500 &&
      reply.statusCode !== 501 &&
      !reply.hasHeader('x-corkboard-fault-injected')
    ) {
      serverErrors.push(`${request.method} ${request.url} → ${reply.statusCode}`);
    }
  });
  options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    config,
    dataDir,
    factories: new Factories(app),
    serverErrors,
    async close() {
      await app.close();
      await dropAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (serverErrors.length > 0)
        throw new Error(`Requests answered with a 5xx:\n${serverErrors.join('\n')}`);
    },
  };
}
