import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_DIFFERENCES } from '../../src/http/known-differences.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { findOperation, loadReferenceSpec, referenceSpecAvailable } from '../helpers/reference.js';
import { compareOperation, type Difference } from './compare.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function implementedOperations(document: Json): Json[] {
  const out: Json[] = [];
  for (const methods of Object.values<Json>(document.paths)) {
    for (const operation of Object.values<Json>(methods)) {
      if (operation?.operationId && !operation['x-corkboard']) out.push(operation);
    }
  }
  return out;
}

describe.skipIf(!referenceSpecAvailable())('our OpenAPI against the reference spec', () => {
  let t: TestApp;
  let document: Json;
  let spec: Json;
  beforeAll(async () => {
    t = await buildTestApp();
    document = (await t.app.inject({ url: '/v5/openapi.json' })).json();
    spec = loadReferenceSpec();
  });
  afterAll(async () => {
    await t.close();
  });

  const differencesOf = (doc: Json, operationId: string): Difference[] => {
    const ours = implementedOperations(doc).find((op) => op.operationId === operationId);
    return compareOperation(operationId, ours, doc, findOperation(operationId).operation, spec);
  };

  it('agrees on parameters, enums, required fields and status codes of every implemented operation, but for the known differences', () => {
    const listed = new Set(SCHEMA_DIFFERENCES.flatMap((d) => d.keys));
    const found: Difference[] = [];
    const operations = implementedOperations(document);
    expect(operations.length).toBe(new Set(t.app.operations.map((op) => op.operationId)).size);
    for (const operation of operations) found.push(...differencesOf(document, operation.operationId));
    const unexplained = found.filter((d) => !listed.has(d.key)).map((d) => `${d.key} :: ${d.detail}`);
    expect(
      unexplained,
      'list each in server/src/http/known-differences.ts with a reason, or fix the route schema',
    ).toEqual([]);
    const stale = [...listed].filter((key) => !found.some((d) => d.key === key));
    expect(stale, 'known differences that no longer occur: remove them').toEqual([]);
    for (const difference of SCHEMA_DIFFERENCES) expect(difference.reason.length).toBeGreaterThan(20);
  });

  describe('finds a difference when our document strays', () => {
    const mutate = (change: (doc: Json) => void): Json => {
      const copy = structuredClone(document);
      change(copy);
      return copy;
    };

    it('in a parameter: missing, required or its enum', () => {
      const missing = mutate((doc) => {
        const op = doc.paths['/boards'].get;
        op.parameters = op.parameters.filter((p: Json) => p.name !== 'privacy');
      });
      expect(differencesOf(missing, 'boards/list').map((d) => d.key)).toContain(
        'boards/list parameter-missing query:privacy',
      );
      const required = mutate((doc) => {
        doc.paths['/boards'].get.parameters.find((p: Json) => p.name === 'page_size').required = true;
      });
      expect(differencesOf(required, 'boards/list').map((d) => d.key)).toContain(
        'boards/list parameter-required query:page_size',
      );
      const enumChanged = mutate((doc) => {
        doc.paths['/boards'].get.parameters.find((p: Json) => p.name === 'privacy').schema.enum.pop();
      });
      expect(differencesOf(enumChanged, 'boards/list').map((d) => d.key)).toContain(
        'boards/list parameter-enum query:privacy',
      );
    });

    it('in a request body, a response and the status codes', () => {
      const body = mutate((doc) => {
        doc.paths['/boards'].post.requestBody.content['application/json'].schema.required = [];
      });
      expect(differencesOf(body, 'boards/create').map((d) => d.key)).toContain(
        'boards/create body-required name',
      );
      const response = mutate((doc) => {
        doc.paths['/pins/{pin_id}'].get.responses['200'] = { description: 'x' };
        doc.paths['/pins/{pin_id}'].get.responses['202'] = { description: 'y' };
      });
      expect(differencesOf(response, 'pins/get').map((d) => d.key)).toEqual(
        expect.arrayContaining(['pins/get status success', 'pins/get response 200']),
      );
      const noDefault = mutate((doc) => {
        delete doc.paths['/pins/{pin_id}'].get.responses.default;
      });
      expect(differencesOf(noDefault, 'pins/get').map((d) => d.key)).toContain('pins/get status 404');
    });

    it('in an enum or a required field deep inside a response', () => {
      const strayed = mutate((doc) => {
        const schema = doc.paths['/user_account'].get.responses['200'].content['application/json'].schema;
        schema.properties.account_type = { type: 'string', enum: ['PINNER'] };
        schema.required = schema.required.filter((name: string) => name !== 'username');
      });
      const keys = differencesOf(strayed, 'user_account/get').map((d) => d.key);
      expect(keys).toContain('user_account/get response-enum account_type');
      // The spec requires a board's name (BoardBase, through allOf): ours must too.
      const optionalName = mutate((doc) => {
        const board = doc.paths['/boards/{board_id}'].get.responses['200'].content['application/json'].schema;
        board.required = board.required.filter((name: string) => name !== 'name');
      });
      expect(differencesOf(optionalName, 'boards/get').map((d) => d.key)).toContain(
        'boards/get response-required name',
      );
    });
  });
});
