import AjvModule from 'ajv';
import { Collection, Item, ItemGroup, VariableScope } from 'postman-collection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../src/modules/postman/collection.js';
import { buildTestApp, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';
import { webSession } from '../oauth/helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const Ajv = AjvModule.default;

/** Values the collection's variables take while it runs, to check requests as they are sent. */
const SAMPLE_VARIABLES: Record<string, string> = {
  base_url: TEST_PUBLIC_URL,
  access_token: 'pina_x',
  board_id: '123',
  section_id: '456',
  pin_id: '789',
  media_id: '42',
  board_name: 'A board',
  section_name: 'A section',
  start_date: '2026-01-01',
  end_date: '2026-01-31',
  client_token: 'pinc_x',
  client_id: '1234567',
  client_secret: 'secret',
};

function substitute(text: string): string {
  return text.replace(/\{\{([^}]+)\}\}/g, (whole, name: string) => SAMPLE_VARIABLES[name] ?? whole);
}

function requestsOf(group: ItemGroup<Item>): Item[] {
  const out: Item[] = [];
  group.forEachItem((item) => void out.push(item));
  return out;
}

function folderNamed(collection: Collection, name: string): ItemGroup<Item> {
  const folder = collection.items.find((i) => i.name === name, undefined);
  if (!folder || !ItemGroup.isItemGroup(folder)) throw new Error(`no folder ${name}`);
  return folder as ItemGroup<Item>;
}

function itemNamed(folder: ItemGroup<Item>, name: string): Item {
  const item = requestsOf(folder).find((i) => i.name === name);
  if (!item) throw new Error(`no request ${name} in ${folder.name}`);
  return item;
}

/** The operation a request calls; a literal path (/pins/analytics) wins over a template (/pins/{pin_id}). */
function findOperation(document: Json, method: string, path: string): Json {
  const matches: { templated: number; operation: Json }[] = [];
  for (const [specPath, methods] of Object.entries<Json>(document.paths)) {
    const pattern = new RegExp('^/v5' + specPath.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    const operation = methods[method.toLowerCase()];
    if (pattern.test(path) && operation) matches.push({ templated: specPath.split('{').length, operation });
  }
  matches.sort((a, b) => a.templated - b.templated);
  return matches[0]?.operation ?? null;
}

describe('the Postman collection', () => {
  let t: TestApp;
  let json: Json;
  let collection: Collection;
  let document: Json;
  beforeAll(async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ url: '/postman/collection.json' });
    expect(response.statusCode).toBe(200);
    json = response.json();
    collection = new Collection(json);
    document = (await t.app.inject({ url: '/v5/openapi.json' })).json();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is a Postman v2.1 collection that postman-collection reads back unchanged in structure', () => {
    expect(Collection.isCollection(collection)).toBe(true);
    expect(json.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    const again = new Collection(collection.toJSON());
    expect(requestsOf(again).length).toBe(requestsOf(collection).length);
    expect(again.items.map((f: Json) => f.name)).toEqual(collection.items.map((f: Json) => f.name));
  });

  it('opens with Getting started, then one folder per tag as Pinterest does', () => {
    const folders = collection.items.map((f: Json) => f.name);
    expect(folders[0]).toBe('Getting started');
    expect(folders).toEqual(expect.arrayContaining(['user_account', 'boards', 'pins', 'oauth']));
    const started = requestsOf(folderNamed(collection, 'Getting started')).map(
      (i) => `${i.name}: ${i.request.method} ${i.request.url.getPath()}`,
    );
    expect(started).toEqual([
      '1. Get user account: GET /v5/user_account',
      '2. List boards: GET /v5/boards',
      '3. Create board: POST /v5/boards',
      '4. Create pin: POST /v5/pins',
      '5. Get pin: GET /v5/pins/{{pin_id}}',
      '6. Pin analytics: GET /v5/pins/{{pin_id}}/analytics',
      '7. Top pins analytics: GET /v5/user_account/analytics/top_pins',
      '8. Top video pins analytics: GET /v5/user_account/analytics/top_video_pins',
      '9. Delete pin: DELETE /v5/pins/{{pin_id}}',
      '10. Delete board: DELETE /v5/boards/{{board_id}}',
    ]);
  });

  it('has a request for every implemented operation, each in the folder of its tag', () => {
    const tagged = collection.items.filter((f) => f.name !== 'Getting started', undefined);
    const seen = new Set<string>();
    for (const folder of tagged as unknown as ItemGroup<Item>[]) {
      for (const item of requestsOf(folder)) {
        const operation = findOperation(document, item.request.method, item.request.url.getPath());
        expect(operation, `${item.name}`).toBeTruthy();
        expect(operation.tags[0]).toBe(folder.name);
        seen.add(operation.operationId);
      }
    }
    expect([...seen].sort()).toEqual([...new Set(t.app.operations.map((op) => op.operationId))].sort());
  });

  it('authenticates with one collection-level Bearer {{access_token}} and points every URL at {{base_url}}', () => {
    expect(json.auth).toEqual({
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{access_token}}', type: 'string' }],
    });
    for (const item of requestsOf(collection)) {
      expect(item.request.url.host).toEqual(['{{base_url}}']);
      expect(item.request.url.path?.[0]).toBe('v5');
      const auth = item.request.auth?.type;
      // Only the token endpoints authenticate otherwise: HTTP Basic with the app's credentials.
      if (auth)
        expect([auth, item.request.url.getPath()]).toEqual([
          'basic',
          expect.stringMatching(/^\/v5\/oauth\/token/),
        ]);
    }
  });

  it('sends request bodies and required parameters that pass validation as they are', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const item of requestsOf(collection)) {
      const operation = findOperation(document, item.request.method, item.request.url.getPath());
      expect(operation, item.name).toBeTruthy();
      const components = document.components.schemas;
      const body = item.request.body;
      const jsonBody = operation.requestBody?.content?.['application/json'];
      if (jsonBody) {
        expect(body?.mode, item.name).toBe('raw');
        const payload = JSON.parse(substitute(body!.raw!));
        const validate = ajv.compile(toJsonSchema(jsonBody.schema, components));
        expect(validate(payload) ? [] : validate.errors, `${item.name} body`).toEqual([]);
      }
      const query = new Map(
        (item.request.url.query.all() as Json[]).filter((q) => !q.disabled).map((q) => [q.key, q.value]),
      );
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        if (!parameter.required) {
          expect(query.has(parameter.name) && parameter.name === 'ad_account_id').toBe(false);
          continue;
        }
        expect(query.has(parameter.name), `${item.name} sends ${parameter.name}`).toBe(true);
        const raw = substitute(query.get(parameter.name));
        const value = parameter.schema.type === 'array' ? raw.split(',') : raw;
        const validate = ajv.compile({ ...toJsonSchema(parameter.schema, components) });
        const coerced = parameter.schema.type === 'integer' ? Number(value) : value;
        expect(validate(coerced) ? [] : validate.errors, `${item.name} ${parameter.name}`).toEqual([]);
      }
    }
  });

  it('checks status and shape in every request and passes ids on through collection variables', () => {
    for (const item of requestsOf(collection)) {
      const tests = item.events
        .filter((e) => e.listen === 'test', undefined)
        .map((e) => (e.script.exec ?? []).join('\n'))
        .join('\n');
      expect(tests, item.name).toContain('pm.response.to.have.status(');
    }
    const scripts = (name: string, folder: string) =>
      itemNamed(folderNamed(collection, folder), name)
        .events.map((e) => (e.script.exec ?? []).join('\n'))
        .join('\n');
    expect(scripts('3. Create board', 'Getting started')).toContain(
      "pm.collectionVariables.set('board_id', board.id)",
    );
    expect(scripts('4. Create pin', 'Getting started')).toContain(
      "pm.collectionVariables.set('pin_id', pin.id)",
    );
    expect(scripts('Get Pin', 'pins')).toContain('pm.response.to.have.jsonSchema(');
    const variables = new VariableScope(json.variable, undefined);
    expect(variables.has('board_id') && variables.has('pin_id')).toBe(true);
  });

  it('creates its pin from an inline PNG', () => {
    const createPin = itemNamed(folderNamed(collection, 'Getting started'), '4. Create pin');
    const body = JSON.parse(createPin.request.body!.raw!);
    expect(body.media_source.source_type).toBe('image_base64');
    expect(Buffer.from(body.media_source.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('Postman downloads for a signed-in developer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs a signed-in session for the environment and the developer collection', async () => {
    for (const url of ['/api/developer/postman/environment.json', '/api/developer/postman/collection.json']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json()).toMatchObject({ code: 2 });
    }
  });

  it('gives an environment with base_url and a fresh token that works for the collection', async () => {
    const { user } = await t.factories.user();
    const session = await webSession(t, user.id);
    const first = await session.get('/api/developer/postman/environment.json');
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const environment = first.json();
    const values = Object.fromEntries(environment.values.map((v: Json) => [v.key, v.value]));
    expect(values.base_url).toBe(TEST_PUBLIC_URL);
    expect(values.access_token).toMatch(/^pina_/);
    const me = await t.app.inject({
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${values.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe(user.username);
    const tokenRow = await t.app.ctx.tokens.authenticate(`Bearer ${values.access_token}`);
    expect([...tokenRow.scopes].sort()).toEqual(
      [...new Set(t.app.operations.flatMap((op) => op.scopes))].sort(),
    );

    const second = await session.get('/api/developer/postman/environment.json');
    const secondToken = second.json().values.find((v: Json) => v.key === 'access_token').value;
    expect(secondToken).not.toBe(values.access_token);

    const collection = await session.get('/api/developer/postman/collection.json');
    expect(collection.statusCode).toBe(200);
    expect(collection.headers['content-disposition']).toContain('attachment');
    expect(collection.json().item[0].name).toBe('Getting started');
  });
});
