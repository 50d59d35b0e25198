import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Collection } from 'postman-collection';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { TEST_DATABASE } from '../helpers/app.js';
import { corkboard, useCliEnvironment } from '../helpers/cli.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe(`corkboard postman on ${TEST_DATABASE}`, () => {
  useCliEnvironment('postman');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-postman-out-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  const readEnvironment = () => {
    const environment = JSON.parse(fs.readFileSync(path.join(out, 'environment.json'), 'utf8'));
    return Object.fromEntries(environment.values.map((v: Json) => [v.key, v.value]));
  };

  it('writes collection.json and environment.json; --user puts a working token for that user in it', async () => {
    const setup = await buildApp(loadConfig(), { logger: false });
    await setup.ctx.accounts.create({ username: 'postman_dev' });
    await setup.close();

    const result = await corkboard('postman', '--out', out, '--user', 'postman_dev');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('collection.json');
    const collection = new Collection(JSON.parse(fs.readFileSync(path.join(out, 'collection.json'), 'utf8')));
    expect(collection.items.map((f) => f.name)[0]).toBe('Getting started');
    const values = readEnvironment();
    expect(values.base_url).toBe(loadConfig().publicUrl);
    expect(values.access_token).toMatch(/^pina_/);
    expect(fs.statSync(path.join(out, 'environment.json')).mode & 0o777).toBe(0o600);

    const app = await buildApp(loadConfig(), { logger: false });
    try {
      const me = await app.inject({
        url: '/v5/user_account',
        headers: { authorization: `Bearer ${values.access_token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().username).toBe('postman_dev');
    } finally {
      await app.close();
    }
  });

  it('without --user leaves access_token empty for the developer to fill in', async () => {
    const result = await corkboard('postman', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    expect(readEnvironment().access_token).toBe('');
  });

  it('refuses an unknown user and writes nothing', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-postman-none-'));
    const result = await corkboard('postman', '--out', fresh, '--user', 'nobody_here');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No user named "nobody_here"');
    expect(fs.readdirSync(fresh)).toEqual([]);
    fs.rmSync(fresh, { recursive: true, force: true });
  });
});
