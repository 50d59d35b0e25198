import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFixture } from '../../src/modules/sandbox/fixture-format.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = path.join(root, 'server/bin/corkboard.js');
const built = fs.existsSync(path.join(root, 'server/dist/main.js'));
const exampleFile = path.join(root, 'server/fixtures/example.json');
const example = parseFixture(fs.readFileSync(exampleFile, 'utf8'));

if (!built) {
  if (process.env.CI === 'true')
    throw new Error('CI=true and server/dist is missing: run `npm run build` first');
  console.warn(
    '\n*** SKIPPING the ephemeral-server tests: run `npm run build` first (they start the built CLI)\n',
  );
}

/** Starts the built CLI as another project's CI would: its own process, env without a database. */
function start(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.CORKBOARD_MODE;
  delete env.DATA_DIR;
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: os.tmpdir(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const firstLine = new Promise<string | null>((resolve) => {
    lines.on('line', (line) => {
      stdoutLines.push(line);
      if (stdoutLines.length === 1) resolve(line);
    });
    child.once('exit', () => resolve(null));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exited, stdoutLines, stderr: () => stderr };
}

describe.skipIf(!built)('npx corkboard serve --ephemeral --port 0 --fixture FILE', () => {
  it(
    "prints one JSON line, serves the fixture's exact ids and tokens, and deletes its state on exit",
    { timeout: 90_000 },
    async () => {
      const server = start(['serve', '--ephemeral', '--port', '0', '--fixture', exampleFile]);
      try {
        const line = await server.firstLine;
        expect(line, server.stderr()).not.toBeNull();
        const ready = JSON.parse(line!) as {
          url: string;
          port: number;
          data_dir: string;
          users: Record<string, string>;
          tokens: { user: string; token: string; app: string | null }[];
        };
        expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
        expect(ready.port).toBeGreaterThan(0);
        expect(ready.users).toEqual({ alice: '1000000000000000001', bob: '1000000000000000002' });
        expect(ready.tokens).toEqual(
          example.tokens!.map((t) => ({ user: t.user, token: t.token, app: t.app ?? null })),
        );
        expect(fs.existsSync(path.join(ready.data_dir, 'corkboard.sqlite'))).toBe(true);

        const call = async (token: string, url: string, init: RequestInit = {}) => {
          const res = await fetch(`${ready.url}${url}`, {
            ...init,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        const [alice, scheduler, bob] = example.tokens!.map((t) => t.token) as [string, string, string];

        const account = await call(alice, '/v5/user_account');
        expect(account).toMatchObject({ status: 200, body: { username: 'alice', account_type: 'BUSINESS' } });

        const pin = await call(alice, '/v5/pins/1000000000000000301');
        expect(pin.status).toBe(200);
        expect(pin.body).toMatchObject({
          id: '1000000000000000301',
          board_id: '1000000000000000201',
          board_section_id: '1000000000000000251',
          title: 'Tomato seedlings',
        });
        const images = (pin.body.media as { images: Record<string, { url: string }> }).images;
        const image = await fetch(images['600x']!.url);
        expect(image.status).toBe(200);
        expect(image.headers.get('content-type')).toBe('image/jpeg');

        const secret = await call(alice, '/v5/boards/1000000000000000202');
        expect(secret).toMatchObject({ status: 200, body: { id: '1000000000000000202', privacy: 'SECRET' } });
        expect((await call(bob, '/v5/boards/1000000000000000202')).status).toBe(404);

        // The app's token carries exactly the fixture's scopes.
        expect((await call(scheduler, '/v5/boards/1000000000000000201')).status).toBe(200);
        const write = await call(scheduler, '/v5/boards', {
          method: 'POST',
          body: JSON.stringify({ name: 'Nope' }),
        });
        expect(write).toMatchObject({ status: 403, body: { code: 3 } });

        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
        expect(server.stdoutLines).toHaveLength(1);
        expect(fs.existsSync(ready.data_dir)).toBe(false);
      } finally {
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
      }
    },
  );

  it(
    'refuses a bad fixture before starting, naming the field, with nothing on stdout',
    { timeout: 60_000 },
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-bad-fixture-'));
      try {
        const bad = structuredClone(example) as { pins: { board_id: string }[] };
        bad.pins[1]!.board_id = '42';
        const file = path.join(dir, 'bad.json');
        fs.writeFileSync(file, JSON.stringify(bad));
        const server = start(['serve', '--ephemeral', '--port', '0', '--fixture', file]);
        expect(await server.exited).toBe(1);
        expect(server.stdoutLines).toEqual([]);
        expect(server.stderr()).toContain('/pins/1/board_id: no board 42 in the fixture');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
