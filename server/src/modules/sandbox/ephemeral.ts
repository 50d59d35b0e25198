import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../app.js';
import type { Config } from '../../config.js';
import { parseFixture, type Fixture } from './fixture-format.js';
import { loadFixture } from './fixtures.js';

/** What `serve --ephemeral` prints as its one line on stdout. */
export interface EphemeralReady {
  url: string;
  port: number;
  pid: number;
  /** The temporary DATA_DIR (SQLite file and media), deleted when the process exits. */
  data_dir: string;
  /** Usernames to ids, as loaded from the fixture. */
  users: Record<string, string>;
  tokens: { user: string; token: string; app: string | null }[];
}

export class EphemeralError extends Error {}

/** Reads and checks a fixture file before anything starts. */
export function readFixtureFile(file: string): Fixture {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new EphemeralError(`Cannot read the fixture ${file}: no such file.`);
  }
  try {
    return parseFixture(text);
  } catch (error) {
    throw new EphemeralError(
      `The fixture ${file} is not valid: ${(error as Error).message}. See docs/fixtures.md.`,
    );
  }
}

/**
 * `serve --ephemeral`: a sandbox on a free port with its state in a temporary folder (SQLite and
 * media), loaded from a fixture, announced by one JSON line on stdout; logs go to stderr. The
 * folder is removed when the process ends (SIGINT, SIGTERM or exit).
 */
export async function serveEphemeral(
  base: Config,
  options: { port?: string; fixture?: string },
): Promise<void> {
  if (base.mode !== 'sandbox')
    throw new EphemeralError(
      'serve --ephemeral is a sandbox tool and this server runs in production mode (CORKBOARD_MODE=production).',
    );
  const fixture = options.fixture ? readFixtureFile(options.fixture) : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-ephemeral-'));
  const removeState = () => fs.rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeState);
  const host = process.env.HOST || '127.0.0.1';
  const config: Config = {
    ...base,
    dataDir,
    databaseUrl: null,
    redisUrl: null,
    seedDemo: false,
    host,
    port: options.port !== undefined ? Number(options.port) : 0,
  };
  const app = await buildApp(config, { logToStderr: true });
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'ephemeral server stopping; its state is deleted');
    await app.close().catch(() => undefined);
    removeState();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    if (fixture) await loadFixture(app, fixture);
    await app.listen({ host, port: config.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    removeState();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  // The real port is known only now: links the server builds (media URLs) must use it.
  if (!process.env.PUBLIC_URL)
    config.publicUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  const ready: EphemeralReady = {
    url: config.publicUrl,
    port,
    pid: process.pid,
    data_dir: dataDir,
    users: Object.fromEntries((fixture?.users ?? []).map((u) => [u.username, u.id])),
    tokens: (fixture?.tokens ?? []).map((t) => ({ user: t.user, token: t.token, app: t.app ?? null })),
  };
  process.stdout.write(JSON.stringify(ready) + '\n');
}
