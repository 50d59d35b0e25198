import oasValidator from 'oas-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import reference from '../../src/http/reference-operations.json' with { type: 'json' };
import { buildTestApp, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operationsOf(document: Json): { method: string; path: string; operation: Json }[] {
  const out = [];
  for (const [path, methods] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) if (methods[method]) out.push({ method, path, operation: methods[method] });
  }
  return out;
}

/** Every place in the document where a schema says `type: 'null'` or gives `type` as a list. */
function nullTypes(node: Json, at = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => nullTypes(v, `${at}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const found: string[] = [];
  if (node.type === 'null' || Array.isArray(node.type)) found.push(at);
  for (const [key, value] of Object.entries(node)) found.push(...nullTypes(value, `${at}.${key}`));
  return found;
}

describe('GET /v5/openapi.json and /v5/openapi.yaml', () => {
  let t: TestApp;
  let document: Json;
  beforeAll(async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ url: '/v5/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is served without a token, as a valid OpenAPI 3.0 document', async () => {
    expect(document.openapi).toBe('3.0.3');
    await expect(oasValidator.validate(document, {})).resolves.toMatchObject({ valid: true });
  });

  it('points its server at this Corkboard under /v5, as Pinterest does', () => {
    expect(document.servers).toEqual([{ url: `${TEST_PUBLIC_URL}/v5`, description: expect.any(String) }]);
  });

  it('lists every implemented Pinterest operation with its operationId, method, path and tags', () => {
    const listed = new Map(operationsOf(document).map((o) => [o.operation.operationId, o]));
    expect(t.app.operations.length).toBeGreaterThan(20);
    for (const op of t.app.operations) {
      const entry = listed.get(op.operationId);
      expect(entry, `${op.operationId} is missing`).toBeTruthy();
      expect(entry!.method).toBe(op.method.toLowerCase());
      expect('/v5' + entry!.path.replace(/\{([^}]+)\}/g, ':$1')).toBe(op.url);
      expect(entry!.operation.tags?.length, `${op.operationId} has no tags`).toBeGreaterThan(0);
      const ref = reference.operations.find((r) => r.operationId === op.operationId)!;
      expect(entry!.path).toBe(ref.path);
    }
  });

  it("gives each operation the spec's security scopes and x-ratelimit-category", () => {
    for (const op of t.app.operations) {
      const { operation } = operationsOf(document).find((o) => o.operation.operationId === op.operationId)!;
      const ref = reference.operations.find((r) => r.operationId === op.operationId)!;
      expect(operation['x-ratelimit-category']).toBe(ref.rateLimitCategory);
      if (op.operationId === 'oauth/token' || op.operationId === 'token/revoke') {
        expect(operation.security).toEqual([{ basic: [] }]);
        continue;
      }
      expect(operation.security[0]).toEqual({ pinterest_oauth2: [...op.scopes] });
      if (ref.clientCredentials)
        expect(operation.security[1]).toEqual({ client_credentials: [...op.scopes] });
      else expect(operation.security).toHaveLength(1);
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'basic',
      'client_credentials',
      'pinterest_oauth2',
    ]);
    expect(document.components.securitySchemes.pinterest_oauth2.flows.authorizationCode.tokenUrl).toBe(
      `${TEST_PUBLIC_URL}/v5/oauth/token`,
    );
  });

  it("writes null as OpenAPI 3.0's nullable, never as type null", () => {
    expect(nullTypes(document)).toEqual([]);
    const pin = document.components.schemas.Pin ?? document.paths['/pins/{pin_id}'].get.responses['200'];
    expect(JSON.stringify(pin)).toContain('"nullable":true');
  });

  it('describes a 204 without a body', () => {
    const responses = document.paths['/pins/{pin_id}'].delete.responses;
    expect(responses['204']).toBeTruthy();
    expect(responses['204'].content).toBeUndefined();
  });

  it('treats a parameter with a default as optional', () => {
    const pageSize = document.paths['/boards'].get.parameters.find((p: Json) => p.name === 'page_size');
    expect(pageSize).toMatchObject({ in: 'query', required: false, schema: { default: 25 } });
  });

  it('marks its own additions x-corkboard and leaves out the web app, sandbox, media and 501 routes', () => {
    const ours = operationsOf(document).filter((o) => o.operation['x-corkboard'] === true);
    expect(ours.map((o) => o.path).sort()).toEqual(['/openapi.json', '/openapi.yaml']);
    for (const { operation } of ours) expect(operation.security).toEqual([]);
    const pinterest = operationsOf(document).filter((o) => !o.operation['x-corkboard']);
    const implemented = new Set(t.app.operations.map((op) => op.operationId));
    for (const { operation } of pinterest) expect(implemented.has(operation.operationId)).toBe(true);
    // Pinterest's own media/list, media/create and media/get live at /v5/media: not file routes.
    const pinterestMediaPaths = new Set(['/media', '/media/{media_id}']);
    for (const path of Object.keys(document.paths).filter((p) => !pinterestMediaPaths.has(p))) {
      expect(path).not.toMatch(/^\/(api|_corkboard|media|r|oauth\/?$|docs|postman|v5)(\/|$)/);
    }
    for (const unimplemented of t.app.unimplementedOperations) {
      expect(pinterest.some((o) => o.operation.operationId === unimplemented)).toBe(false);
    }
  });

  it('serves the same document as YAML', async () => {
    const response = await t.app.inject({ url: '/v5/openapi.yaml' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parseYaml(response.body)).toEqual(document);
  });
});

describe('GET /docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('renders the reference from assets this server serves itself, so it works offline', async () => {
    const page = await t.app.inject({ url: '/docs' });
    const html =
      page.statusCode === 302
        ? (await t.app.inject({ url: page.headers.location as string })).body
        : page.body;
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset, 'no asset from another host').not.toMatch(/^(https?:)?\/\//);
      const url = new URL(asset, `${TEST_PUBLIC_URL}/docs/`).pathname;
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
    }
    const initializer = await t.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    // The document comes from this server and no badge asks an online validator.
    expect(initializer.body).toContain("url: resolveUrl('./json')");
    expect(initializer.body).toContain('validatorUrl: null');
  });

  it('hands the page the same document as /v5/openapi.json', async () => {
    const fromPage = await t.app.inject({ url: '/docs/json' });
    const fromApi = await t.app.inject({ url: '/v5/openapi.json' });
    expect(fromPage.json()).toEqual(fromApi.json());
  });
});
