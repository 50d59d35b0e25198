import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { App } from '../../src/http/types.js';
import { EVERY_SCOPE } from '../helpers/factories.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether Redis answers at TEST_REDIS_URL; under CI=true its absence is a failure, not a skip. */
export async function redisAvailable(): Promise<boolean> {
  const url = new URL(TEST_REDIS_URL);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname);
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!ok) {
    if (process.env.CI === 'true') throw new Error(`CI=true and Redis is not reachable at ${TEST_REDIS_URL}`);
    console.warn(`\n*** SKIPPING Redis rate-limit tests: Redis is not reachable at ${TEST_REDIS_URL}\n`);
  }
  return ok;
}

/** A key prefix of its own for each test run, so parallel files never share counters. */
export function uniquePrefix(): string {
  return `corkboard:test:${randomBytes(6).toString('hex')}:`;
}

/** A developer app row, approved, with the given tier and owner (as the developer platform makes them). */
export async function makeApp(
  app: App,
  options: { ownerId: string | null; tier?: 'TRIAL' | 'STANDARD'; name?: string },
): Promise<string> {
  const id = app.ctx.ids.next();
  await app.ctx.database.db
    .insertInto('apps')
    .values({
      id,
      owner_id: options.ownerId,
      name: options.name ?? `App ${id}`,
      description: 'test app',
      tier: options.tier ?? 'STANDARD',
      status: 'APPROVED',
      is_builtin: 0,
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}

/** An access token of `userId` through `appId`, as an Authorization header. */
export async function tokenFor(app: App, userId: string, appId: string): Promise<{ authorization: string }> {
  const issued = await app.ctx.tokens.issue({ userId, appId, scopes: EVERY_SCOPE });
  return { authorization: `Bearer ${issued.token}` };
}
