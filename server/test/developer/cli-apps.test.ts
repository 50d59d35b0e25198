import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../../src/cli.js';
import { buildApp } from '../../src/app.js';
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

describe(`corkboard apps create and token create --app on ${TEST_DATABASE}`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-cliapps-'));
  const database = `cb_cliapps_${randomBytes(4).toString('hex')}`;
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

  it('apps create prints JSON with a numeric client_id and a secret that authenticates at the token endpoint', async () => {
    const config = loadConfig();
    const setup = await buildApp(config, { logger: false });
    await setup.ctx.accounts.create({ username: 'cli_owner' });
    await setup.close();

    const result = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'CLI App',
      '--redirect-uri',
      'https://cli.example/cb',
      '--redirect-uri',
      'http://localhost:8765/cb',
      '--approve',
    );
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.client_id).toMatch(/^\d{7,19}$/);
    expect(printed.client_secret).toMatch(/^[0-9a-f]{40}$/);
    expect(printed).toMatchObject({
      status: 'APPROVED',
      tier: 'TRIAL',
      redirect_uris: ['https://cli.example/cb', 'http://localhost:8765/cb'],
    });

    const token = await corkboard(
      'token',
      'create',
      '--user',
      'cli_owner',
      '--app',
      printed.client_id,
      '--scopes',
      'user_accounts:read',
    );
    expect(token.code, token.stderr).toBe(0);

    const check = await buildApp(config, { logger: false });
    try {
      const res = await check.inject({
        method: 'POST',
        url: '/v5/oauth/token',
        headers: {
          authorization: `Basic ${Buffer.from(`${printed.client_id}:${printed.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials&scope=boards:read',
      });
      expect(res.statusCode).toBe(200);
      const row = await check.ctx.tokens.find(token.stdout.trim());
      expect(row?.appId).toBe(printed.id);
    } finally {
      await check.close();
    }
  });

  it('apps create without --approve leaves the app pending, and explains a bad redirect URI or owner', async () => {
    const pending = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'Later',
      '--redirect-uri',
      'https://later.example/cb',
    );
    expect(JSON.parse(pending.stdout).status).toBe('PENDING');
    const tokenForPending = await corkboard(
      'token',
      'create',
      '--user',
      'cli_owner',
      '--app',
      JSON.parse(pending.stdout).client_id,
    );
    expect(tokenForPending.code).toBe(1);
    const badUri = await corkboard(
      'apps',
      'create',
      '--owner',
      'cli_owner',
      '--name',
      'Bad',
      '--redirect-uri',
      'http://example.com/cb',
    );
    expect(badUri.code).toBe(1);
    expect(badUri.stderr).toContain('redirect_uris[0]');
    const noOwner = await corkboard(
      'apps',
      'create',
      '--owner',
      'nobody_here',
      '--name',
      'X',
      '--redirect-uri',
      'https://x.example/cb',
    );
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain('nobody_here');
  });
});
