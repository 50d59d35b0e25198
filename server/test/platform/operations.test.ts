import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFastifyPath } from '../../src/http/not-implemented.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { findOperation, referenceSpecAvailable } from '../helpers/reference.js';
import { specScopes } from '../helpers/spec.js';

describe.runIf(referenceSpecAvailable())('implemented operations against the reference spec', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers at least the operations of the foundation issue', () => {
    const ids = new Set(t.app.operations.map((o) => o.operationId));
    expect(ids.size).toBeGreaterThanOrEqual(18);
  });

  it("each sits at the spec's method and path and requires exactly the spec's scopes", () => {
    for (const op of t.app.operations) {
      const reference = findOperation(op.operationId);
      expect(`${op.method} ${op.url}`, op.operationId).toBe(
        `${reference.method.toUpperCase()} ${toFastifyPath(reference.path)}`,
      );
      expect([...op.scopes].sort(), `${op.operationId} scopes`).toEqual(
        [...specScopes(op.operationId)].sort(),
      );
    }
  });

  it('answers 401 code 2 without a token on every implemented operation', async () => {
    for (const op of t.app.operations) {
      const res = await t.app.inject({ method: op.method as 'GET', url: op.url.replace(/:[a-z_]+/g, '1') });
      expect(res.statusCode, `${op.method} ${op.url}`).toBe(401);
      expect(res.json().code).toBe(2);
    }
  });
});
