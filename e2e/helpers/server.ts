import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './environment.js';

export interface RunningServer {
  url: string;
  dataDir: string;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until the condition holds, or fails with the message after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  { timeoutMs, message }: { timeoutMs: number; message: () => string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(message());
}

/**
 * The real server as `npm start` runs it (node server/dist/main.js serve, serving web/dist),
 * on a free loopback port with its own temporary data folder and SQLite database.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'server/dist/main.js'), 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  try {
    await waitFor(async () => !exited && (await fetch(`${url}/ready`)).ok, {
      timeoutMs: 30_000,
      message: () => `The server did not become ready at ${url}:\n${output}`,
    });
  } catch (error) {
    child.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await exit;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
