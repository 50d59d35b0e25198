import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, vi } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { TEST_DATABASE, TEST_POSTGRES_URL } from './app.js';

/** Runs `corkboard …` in-process and returns what it printed and its exit code. */
export async function corkboard(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.exitCode = undefined;
  try {
    await createProgram()
      .exitOverride()
      .parseAsync(['node', 'corkboard', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout: out.join('\n'), stderr: err.join('\n'), code };
}

/**
 * Gives a CLI test file the environment the CLI reads: its own DATA_DIR and, on PostgreSQL, a
 * database of its own (the CLI opens the database from DATABASE_URL, not a test schema).
 * Restores the environment and drops everything afterwards.
 */
export function useCliEnvironment(name: string): void {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `corkboard-${name}-`));
  const database = `cb_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const savedEnv = { ...process.env };

  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    process.env.DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    delete process.env.DATABASE_URL;
    if (TEST_DATABASE === 'postgres') {
      await admin(`create database ${database}`);
      const url = new URL(TEST_POSTGRES_URL);
      url.pathname = `/${database}`;
      process.env.DATABASE_URL = url.toString();
    }
  });
  afterAll(async () => {
    process.env = savedEnv;
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (TEST_DATABASE === 'postgres') await admin(`drop database if exists ${database} with (force)`);
  });
}
