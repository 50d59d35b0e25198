import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from '../../src/http/reference-operations.json' with { type: 'json' };
import { toFastifyPath } from '../../src/http/not-implemented.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { loadReferenceSpec, referenceSpecAvailable } from '../helpers/reference.js';

describe('operations Corkboard does not implement', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answer 501 with {code, message} naming the operationId', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v5/ad_accounts' });
    expect(res.statusCode).toBe(501);
    expect(res.json()).toEqual({ code: 501, message: expect.stringContaining('ad_accounts/list') });
    const withParams = await t.app.inject({ method: 'GET', url: '/v5/ad_accounts/123/campaigns' });
    expect(withParams.statusCode).toBe(501);
    expect(withParams.json().message).toContain('campaigns/list');
  });

  it('every operation of the reference spec is routed: implemented, or a 501', async () => {
    for (const op of reference.operations) {
      const url = toFastifyPath(op.path).replace(/:([a-z_]+)/g, '1');
      const res = await t.app.inject({ method: op.method as 'GET', url });
      expect(res.statusCode, `${op.method} ${url} (${op.operationId})`).not.toBe(404);
      expect(
        res.statusCode === 501 || res.statusCode < 500,
        `${op.method} ${url} (${op.operationId}) got ${res.statusCode}`,
      ).toBe(true);
    }
  });

  it.runIf(referenceSpecAvailable())(
    'the committed operation list matches the reference spec (run npm run gen:operations)',
    async () => {
      const spec = loadReferenceSpec();
      const script = path.resolve(
        path.dirname(fileURLToPath(import.meta.url)),
        '../../scripts/gen-reference-operations.mjs',
      );
      expect(fs.existsSync(script)).toBe(true);
      const { referenceOperations } = (await import(script)) as {
        referenceOperations: (s: unknown) => unknown[];
      };
      expect(reference.specVersion).toBe(spec.info.version);
      expect(reference.operations).toEqual(referenceOperations(spec));
    },
  );
});
