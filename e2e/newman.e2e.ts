/**
 * Newman against a real server, as a developer would run the collection from Postman:
 * the built server (server/dist) started in sandbox mode with the demo seed on a free port,
 * once on SQLite and once on PostgreSQL (a fresh database). The collection and environment
 * come from `corkboard postman --user demo`. Two checks:
 *  - Getting started passes in full (every request ran, every assertion held);
 *  - the contract run: every response of every request is validated strictly against the
 *    reference spec's schema for its operation and status, and every implemented operation
 *    answered its success status (a few, listed below with the reason, cannot in a run here).
 * Run with `npm run test:newman` (after `npm run build`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import newman, { type NewmanRunSummary } from 'newman';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecResponse } from '../server/test/helpers/spec.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainJs = path.join(root, 'server/dist/main.js');
const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const run = promisify(execFile);

/** Operations a run on one machine cannot make succeed, and why; their error answers are still checked. */
const CANNOT_SUCCEED_HERE: Record<string, string> = {
  'verify_website/update': 'needs a website on the internet that serves the verification code',
  'unverify_website/delete': 'needs a website verified first, which needs the internet',
};

interface Captured {
  item: string;
  folder: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

class RunningServer {
  private constructor(
    readonly baseUrl: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly child: ChildProcess,
    private readonly cleanup: () => Promise<void>,
    readonly output: string[],
  ) {}

  static async start(database: 'sqlite' | 'postgres'): Promise<RunningServer> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-newman-'));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let dropDatabase = async () => {};
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CORKBOARD_MODE: 'sandbox',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
    };
    if (database === 'postgres') {
      const name = `corkboard_newman_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
    }
    const output: string[] = [];
    const child = spawn(process.execPath, [mainJs, 'serve'], {
      env,
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => output.push(String(chunk)));
    const server = new RunningServer(
      baseUrl,
      env,
      child,
      async () => {
        await dropDatabase();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
      output,
    );
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${output.join('')}`);
      try {
        const response = await fetch(`${baseUrl}/ready`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not get ready:\n${output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return server;
  }

  /** Runs the CLI against the same data as the server, as a developer would beside it. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [mainJs, ...args], {
      env: this.env,
      cwd: this.env.DATA_DIR,
    });
    return stdout;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await this.cleanup();
  }
}

/** Each request's folder, by the id given to it here (Newman's items do not say their folder). */
const folderOf = new Map<string, string>();
function labelFolders(collection: Json): Json {
  for (const folder of collection.item) {
    for (const item of folder.item ?? []) {
      item.id = randomBytes(8).toString('hex');
      folderOf.set(item.id, folder.name);
    }
  }
  return collection;
}

function runNewman(options: newman.NewmanRunOptions, captured: Captured[]): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
    emitter.on('request', (error, args: Json) => {
      if (error || !args.response) return;
      const text = args.response.stream ? Buffer.from(args.response.stream).toString('utf8') : '';
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text, and the spec check will say so
      }
      const item = args.item;
      captured.push({
        item: item.name ?? '(a request sent by a script)',
        folder: folderOf.get(item.id) ?? '',
        method: args.request.method,
        path: '/' + args.request.url.path.join('/'),
        status: args.response.code,
        body,
      });
    });
  });
}

/** `/v5/pins/123` → `pins/get` by the server's own OpenAPI paths. */
function operationMatcher(document: Json): (method: string, urlPath: string) => string | null {
  const routes: { method: string; pattern: RegExp; operationId: string }[] = [];
  for (const [specPath, methods] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(methods)) {
      if (!operation?.operationId || operation['x-corkboard']) continue;
      const pattern = new RegExp('^/v5' + specPath.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      routes.push({ method: method.toUpperCase(), pattern, operationId: operation.operationId });
    }
  }
  // Literal paths before templated ones (/pins/analytics before /pins/{pin_id}).
  routes.sort((a, b) => a.pattern.source.split('[^/]+').length - b.pattern.source.split('[^/]+').length);
  return (method, urlPath) =>
    routes.find((r) => r.method === method && r.pattern.test(urlPath))?.operationId ?? null;
}

function successStatusOf(document: Json, operationId: string): number {
  for (const methods of Object.values<Json>(document.paths)) {
    for (const operation of Object.values<Json>(methods)) {
      if (operation?.operationId === operationId)
        return Number(Object.keys(operation.responses).find((s) => /^2\d\d$/.test(s)));
    }
  }
  throw new Error(`no operation ${operationId}`);
}

/** PostgreSQL is needed on CI; elsewhere its half of the run is skipped, loudly. */
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true and PostgreSQL is not reachable at ${POSTGRES_URL}: ${error}`);
    console.warn(
      `\n*** SKIPPING the PostgreSQL Newman run: PostgreSQL is not reachable at ${POSTGRES_URL}\n`,
    );
    return false;
  }
}
const withPostgres = await postgresReachable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !withPostgres)(
    `Newman against a real server on ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    () => {
      let server: RunningServer;
      let summary: NewmanRunSummary;
      let document: Json;
      const captured: Captured[] = [];

      beforeAll(async () => {
        if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npm run build first`);
        server = await RunningServer.start(database);
        const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-postman-'));
        await server.cli('postman', '--out', outDir, '--user', 'demo');
        const app = JSON.parse(
          await server.cli(
            'apps',
            'create',
            '--owner',
            'demo',
            '--name',
            'Newman',
            '--redirect-uri',
            'http://localhost/callback',
            '--approve',
          ),
        );
        document = await (await fetch(`${server.baseUrl}/v5/openapi.json`)).json();
        summary = await runNewman(
          {
            collection: labelFolders(
              JSON.parse(fs.readFileSync(path.join(outDir, 'collection.json'), 'utf8')),
            ),
            environment: JSON.parse(fs.readFileSync(path.join(outDir, 'environment.json'), 'utf8')),
            envVar: [
              { key: 'client_id', value: app.client_id },
              { key: 'client_secret', value: app.client_secret },
            ],
            reporters: [],
            timeoutRequest: 60_000,
          },
          captured,
        );
        fs.rmSync(outDir, { recursive: true, force: true });
      }, 300_000);

      afterAll(async () => {
        await server?.stop();
      });

      it('runs Getting started in full: all ten requests, every assertion holding', () => {
        const steps = captured.filter((c) => c.folder === 'Getting started');
        expect(steps.map((s) => s.item)).toEqual([
          '1. Get user account',
          '2. List boards',
          '3. Create board',
          '4. Create pin',
          '5. Get pin',
          '6. Pin analytics',
          '7. Top pins analytics',
          '8. Top video pins analytics',
          '9. Delete pin',
          '10. Delete board',
        ]);
        const failures = summary.run.failures
          .filter((f: Json) => folderOf.get(f.source?.id) === 'Getting started')
          .map((f: Json) => `${f.source.name}: ${f.error.message}`);
        expect(failures).toEqual([]);
        expect(summary.run.stats.assertions.total).toBeGreaterThan(20);
      });

      it('answers every request of every folder strictly in the shape of the reference spec', () => {
        const match = operationMatcher(document);
        const problems: string[] = [];
        for (const c of captured) {
          const operationId = match(c.method, c.path);
          if (!operationId) {
            problems.push(`${c.folder} / ${c.item}: ${c.method} ${c.path} is no operation of ours`);
            continue;
          }
          try {
            expectSpecResponse(operationId, c.status, c.body);
          } catch (error) {
            problems.push(
              `${c.folder} / ${c.item} (${operationId} → ${c.status}): ${(error as Error).message}`,
            );
          }
        }
        expect(problems).toEqual([]);
      });

      it('exercises every implemented operation and gets its success status', () => {
        const match = operationMatcher(document);
        const statuses = new Map<string, number[]>();
        for (const c of captured) {
          const operationId = match(c.method, c.path);
          if (operationId) statuses.set(operationId, [...(statuses.get(operationId) ?? []), c.status]);
        }
        const problems: string[] = [];
        for (const methods of Object.values<Json>(document.paths)) {
          for (const operation of Object.values<Json>(methods)) {
            if (!operation?.operationId || operation['x-corkboard']) continue;
            const id: string = operation.operationId;
            const seen = statuses.get(id) ?? [];
            const succeeded = seen.includes(successStatusOf(document, id));
            if (seen.length === 0) problems.push(`${id}: no request in the collection`);
            else if (!CANNOT_SUCCEED_HERE[id] && !succeeded)
              problems.push(`${id}: answered ${seen.join(', ')}, never ${successStatusOf(document, id)}`);
            else if (CANNOT_SUCCEED_HERE[id] && succeeded)
              problems.push(`${id} succeeded: take it off CANNOT_SUCCEED_HERE`);
          }
        }
        expect(problems).toEqual([]);
        const otherFailures = summary.run.failures
          .map((f: Json) => ({ item: f.source?.name, message: f.error?.message }))
          .filter((f: Json) => {
            const c = captured.find((x) => x.item === f.item);
            const id = c ? match(c.method, c.path) : null;
            return !id || !CANNOT_SUCCEED_HERE[id];
          });
        expect(otherFailures).toEqual([]);
      });
    },
  );
}
