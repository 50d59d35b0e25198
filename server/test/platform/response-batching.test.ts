import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { MAX_HOLD_MS, registerResponseBatching, ResponseBatch } from '../../src/http/response-batching.js';
import { buildTestApp } from '../helpers/app.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('response batching', () => {
  it('holds the writes of one event-loop turn and releases them together, in order', async () => {
    const errors: unknown[] = [];
    const batch = new ResponseBatch({ error: (entry: unknown) => errors.push(entry) });
    const written: string[] = [];
    batch.hold(() => written.push('a'));
    batch.hold(() => written.push('b'));
    await Promise.resolve();
    expect(written).toEqual([]);
    expect(batch.size).toBe(2);
    await nextTurn();
    expect(written).toEqual(['a', 'b']);
    expect(batch.size).toBe(0);
    // A later write starts a new batch of its own.
    batch.hold(() => written.push('c'));
    await nextTurn();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(errors).toEqual([]);
  });

  it('releases the other writes when one of them throws, and logs it', async () => {
    const errors: unknown[] = [];
    const batch = new ResponseBatch({ error: (entry: unknown) => errors.push(entry) });
    const written: string[] = [];
    batch.hold(() => {
      throw new Error('socket gone');
    });
    batch.hold(() => written.push('after'));
    await nextTurn();
    expect(written).toEqual(['after']);
    expect(errors).toHaveLength(1);
  });

  it('writes a batch at once when its first response has waited MAX_HOLD_MS, and then starts a new one', async () => {
    let clock = 0;
    const batch = new ResponseBatch({ error: () => undefined }, () => clock, MAX_HOLD_MS);
    const written: string[] = [];
    batch.hold(() => written.push('a'));
    clock += MAX_HOLD_MS / 2;
    batch.hold(() => written.push('b'));
    expect(written).toEqual([]);
    clock += MAX_HOLD_MS / 2;
    batch.hold(() => written.push('c'));
    expect(written).toEqual(['a', 'b', 'c']);
    expect(batch.size).toBe(0);
    batch.hold(() => written.push('d'));
    expect(written).toEqual(['a', 'b', 'c']);
    await nextTurn();
    expect(written).toEqual(['a', 'b', 'c', 'd']);
    await nextTurn();
    expect(written).toEqual(['a', 'b', 'c', 'd']);
  });

  it('writes the responses of requests handled in one turn after all their handlers ran', async () => {
    const app = Fastify({ logger: false });
    registerResponseBatching(app);
    const events: string[] = [];
    app.get('/:name', (request, reply) => {
      const { name } = request.params as { name: string };
      events.push(`handled ${name}`);
      reply.raw.once('finish', () => events.push(`written ${name}`));
      return { name };
    });
    await app.ready();
    try {
      const [a, b] = await Promise.all([app.inject('/a'), app.inject('/b')]);
      expect([a.json(), b.json()]).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(events).toEqual(['handled a', 'handled b', 'written a', 'written b']);
    } finally {
      await app.close();
    }
  });

  it('is on by default and turned off with BATCH_RESPONSE_WRITES=false', () => {
    expect(loadConfig({}).batchResponseWrites).toBe(true);
    expect(loadConfig({ BATCH_RESPONSE_WRITES: 'false' }).batchResponseWrites).toBe(false);
    expect(() => loadConfig({ BATCH_RESPONSE_WRITES: 'sometimes' })).toThrow(/BATCH_RESPONSE_WRITES/);
  });

  it.each([
    ['on', {}],
    ['off', { BATCH_RESPONSE_WRITES: 'false' }],
  ])('answers every one of many concurrent requests over real HTTP (batching %s)', async (_name, env) => {
    const t = await buildTestApp(env);
    try {
      const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { auth } = await t.factories.user();
      const calls = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? fetch(`${address}/health`).then(async (r) => [r.status, await r.json()])
          : fetch(`${address}/v5/boards`, { headers: auth }).then(async (r) => [r.status, await r.json()]),
      );
      const answers = await Promise.all(calls);
      answers.forEach(([status, body], i) => {
        expect(status).toBe(200);
        expect(body).toEqual(i % 2 === 0 ? { status: 'ok' } : { items: [], bookmark: null });
      });
    } finally {
      await t.close();
    }
  });
});
