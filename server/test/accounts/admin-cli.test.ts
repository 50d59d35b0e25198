import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createProgram } from '../../src/cli.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE, TEST_POSTGRES_URL } from '../helpers/app.js';

/** Runs `corkboard …` in-process and returns what it printed and its exit code. */
async function corkboard(...args: string[]) {
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
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { stdout: out.join('\n'), stderr: err.join('\n'), code };
}

describe(`corkboard admin grant on ${TEST_DATABASE}`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-admin-cli-'));
  const database = `cb_admin_${randomBytes(4).toString('hex')}`;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    process.env.DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    delete process.env.DATABASE_URL;
    if (TEST_DATABASE === 'postgres') {
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`create database ${database}`);
      await admin.end();
      const url = new URL(TEST_POSTGRES_URL);
      url.pathname = `/${database}`;
      process.env.DATABASE_URL = url.toString();
    }
  });
  afterAll(async () => {
    process.env = savedEnv;
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (TEST_DATABASE === 'postgres') {
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });

  it('makes an existing user an admin and says so', async () => {
    const app = await buildApp(loadConfig(), { logger: false });
    await app.ctx.accounts.create({ username: 'future_admin' });
    await app.close();

    const result = await corkboard('admin', 'grant', 'future_admin');
    expect(result).toMatchObject({ code: 0, stdout: 'future_admin is now an administrator.' });

    const check = await buildApp(loadConfig(), { logger: false });
    try {
      expect((await check.ctx.accounts.getByUsername('future_admin'))?.isAdmin).toBe(true);
    } finally {
      await check.close();
    }
    const again = await corkboard('admin', 'grant', 'FUTURE_ADMIN');
    expect(again).toMatchObject({ code: 0, stdout: 'future_admin is already an administrator.' });
  });

  it('exits with code 1 and a clear message for an unknown user', async () => {
    const result = await corkboard('admin', 'grant', 'nobody_here');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No user named "nobody_here"');
  });
});
