import { randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Postman's identifier of the collection format (a name, never fetched). */
export const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
export const GETTING_STARTED = 'Getting started';

/** Where each request's ids come from: collection variables the requests set as they run. */
const PATH_VARIABLES: Record<string, string> = {
  board_id: 'board_id',
  section_id: 'section_id',
  pin_id: 'pin_id',
  media_id: 'media_id',
};

/** Query parameters whose value is a collection variable (set by the collection's pre-request script). */
const QUERY_VARIABLES: Record<string, string> = {
  start_date: '{{start_date}}',
  end_date: '{{end_date}}',
  pin_ids: '{{pin_id}}',
};

/** The id a create request's response gives, kept for the requests after it. */
const CAPTURES: Record<string, { variable: string; field: string }> = {
  'boards/create': { variable: 'board_id', field: 'id' },
  'board_sections/create': { variable: 'section_id', field: 'id' },
  'pins/create': { variable: 'pin_id', field: 'id' },
  'media/create': { variable: 'media_id', field: 'media_id' },
  'oauth/token': { variable: 'client_token', field: 'access_token' },
};

/** Operations that need a board of the caller's before they run (the pins folder comes after the boards folder's delete). */
const NEEDS_BOARD = new Set(['pins/create', 'pins/save']);

/** Request bodies that work as they are against this server; others are made from the schema. */
function bodyFor(operationId: string, png: string): Json | undefined {
  const bodies: Record<string, Json> = {
    'boards/create': {
      name: '{{board_name}}',
      description: 'Made from Postman',
      privacy: 'PUBLIC',
    },
    'boards/update': { description: 'Changed from Postman' },
    'board_sections/create': { name: '{{section_name}}' },
    'board_sections/update': { name: '{{section_name}} (renamed)' },
    'pins/create': {
      board_id: '{{board_id}}',
      title: 'Made from Postman',
      description: 'A pin created by the Corkboard Postman collection',
      alt_text: 'A small gradient',
      link: 'https://example.com/postman',
      media_source: { source_type: 'image_base64', content_type: 'image/png', data: png },
    },
    'pins/update': { title: 'Changed from Postman', description: 'Updated by the Postman collection' },
    'pins/save': { board_id: '{{board_id}}' },
    'verify_website/update': { website: 'example.com', verification_method: 'METATAG' },
    'oauth/token': { grant_type: 'client_credentials', scope: 'boards:read,pins:read' },
    'token/revoke': { token: '{{client_token}}' },
  };
  return bodies[operationId];
}

/** The order requests take within a folder: creates first, deletes last (children before parents). */
function rank(method: string, path: string): number {
  const depth = path.split('/').length;
  if (method === 'POST' && !/\{[^}]+\}$/.test(path) && !path.endsWith('/save')) return depth;
  if (method === 'DELETE') return 100 - depth;
  return 50;
}

function script(type: 'prerequest' | 'test', lines: string[]): Json {
  return { listen: type, script: { type: 'text/javascript', exec: lines } };
}

// ---------- JSON schemas for pm.response.to.have.jsonSchema -------------------------------------

/** Our OpenAPI schema as plain JSON Schema for Postman's ajv: refs inlined, nullable as a type union. */
export function toJsonSchema(schema: Json, components: Record<string, Json>, seen: string[] = []): Json {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, components, seen));
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    if (seen.includes(name)) return {};
    return toJsonSchema(components[name], components, [...seen, name]);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['description', 'example', 'examples', 'format', 'nullable', 'title', 'pattern'].includes(key))
      continue;
    out[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries<Json>(value as Json).map(([k, v]) => [k, toJsonSchema(v, components, seen)]),
          )
        : toJsonSchema(value, components, seen);
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.anyOf || out.oneOf || out.allOf || !out.type) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

// ---------- example values -------------------------------------------------------------------------

function exampleOf(schema: Json, components: Record<string, Json>): Json {
  if (!schema) return 'string';
  if (schema.$ref) return exampleOf(components[schema.$ref.split('/').pop()!], components);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum.find((v: Json) => v !== null);
  if (schema.oneOf || schema.anyOf) return exampleOf((schema.oneOf ?? schema.anyOf)[0], components);
  switch (schema.type) {
    case 'object': {
      const out: Json = {};
      for (const name of schema.required ?? []) out[name] = exampleOf(schema.properties?.[name], components);
      return out;
    }
    case 'array':
      return [exampleOf(schema.items, components)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (schema.format === 'date') return '{{end_date}}';
      if (schema.pattern === '^\\d+$') return '1';
      return 'string';
  }
}

function queryValue(parameter: Json, components: Record<string, Json>): string {
  if (QUERY_VARIABLES[parameter.name]) return QUERY_VARIABLES[parameter.name]!;
  const value = exampleOf(parameter.schema, components);
  return Array.isArray(value) ? value.join(',') : String(value);
}

// ---------- requests ---------------------------------------------------------------------------------

interface Operation {
  method: string;
  path: string;
  operation: Json;
}

function operationsOf(document: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(methods)) {
      if (operation?.operationId && !operation['x-corkboard'])
        out.push({ method: method.toUpperCase(), path, operation });
    }
  }
  return out;
}

function successStatus(operation: Json): number {
  return Number(Object.keys(operation.responses ?? {}).find((s) => /^2\d\d$/.test(s)) ?? 200);
}

/** `/pins/{pin_id}` → the URL object Postman wants, on `{{base_url}}/v5`. */
function urlFor(
  path: string,
  query: { key: string; value: string; disabled?: boolean; description?: string }[],
) {
  const segments = [
    'v5',
    ...path
      .split('/')
      .filter(Boolean)
      .map((segment) =>
        segment.replace(/^\{([^}]+)\}$/, (_m, name: string) => `{{${PATH_VARIABLES[name] ?? name}}}`),
      ),
  ];
  const enabled = query.filter((q) => !q.disabled);
  const raw =
    `{{base_url}}/${segments.join('/')}` +
    (enabled.length ? '?' + enabled.map((q) => `${q.key}=${q.value}`).join('&') : '');
  return { raw, host: ['{{base_url}}'], path: segments, ...(query.length ? { query } : {}) };
}

const ENSURE_BOARD = [
  '// This request needs one of your boards: make one if the collection has none yet.',
  "if (!pm.collectionVariables.get('board_id')) {",
  '  pm.sendRequest({',
  "    url: pm.variables.replaceIn('{{base_url}}/v5/boards'),",
  "    method: 'POST',",
  "    header: { Authorization: 'Bearer ' + pm.variables.get('access_token'), 'Content-Type': 'application/json' },",
  "    body: { mode: 'raw', raw: JSON.stringify({ name: 'Postman scratch board ' + Date.now() }) },",
  '  }, function (error, response) {',
  "    if (!error && response.code === 201) { pm.collectionVariables.set('board_id', response.json().id); pm.collectionVariables.set('scratch_board', 'yes'); }",
  '  });',
  '}',
];

function testsFor(operationId: string, status: number, responseSchema: Json | null): string[] {
  const lines = [
    `pm.test(${JSON.stringify(`${operationId} answers ${status}`)}, function () {`,
    `  pm.response.to.have.status(${status});`,
    '});',
  ];
  if (responseSchema) {
    lines.push(
      `pm.test('the response has the documented shape', function () {`,
      `  pm.response.to.have.jsonSchema(${JSON.stringify(responseSchema)});`,
      '});',
    );
  }
  const capture = CAPTURES[operationId];
  if (capture) {
    lines.push(
      `if (pm.response.code === ${status}) pm.collectionVariables.set(${JSON.stringify(capture.variable)}, pm.response.json()[${JSON.stringify(capture.field)}]);`,
    );
  }
  if (operationId === 'boards/delete') lines.push("pm.collectionVariables.unset('board_id');");
  if (operationId === 'board_sections/delete') lines.push("pm.collectionVariables.unset('section_id');");
  if (operationId === 'pins/delete') {
    lines.push(
      "pm.collectionVariables.unset('pin_id');",
      '// A board made only for the pins folder goes too.',
      "if (pm.collectionVariables.get('scratch_board') === 'yes') {",
      "  pm.sendRequest({ url: pm.variables.replaceIn('{{base_url}}/v5/boards/{{board_id}}'), method: 'DELETE',",
      "    header: { Authorization: 'Bearer ' + pm.variables.get('access_token') } }, function () {});",
      "  pm.collectionVariables.unset('board_id'); pm.collectionVariables.unset('scratch_board');",
      '}',
    );
  }
  return lines;
}

function requestFor(op: Operation, document: Json, png: string): Json {
  const { operation } = op;
  const components = document.components?.schemas ?? {};
  const operationId: string = operation.operationId;
  const query = (operation.parameters ?? [])
    .filter((p: Json) => p.in === 'query')
    .map((p: Json) => ({
      key: p.name,
      value: queryValue(p, components),
      ...(p.required ? {} : { disabled: true }),
      ...(p.description ? { description: p.description } : {}),
    }));
  const request: Json = {
    method: op.method,
    header: [{ key: 'Accept', value: 'application/json' }],
    url: urlFor(op.path, query),
    description: operation.description ?? operation.summary ?? '',
  };
  const content = operation.requestBody?.content ?? {};
  if (content['application/json']) {
    const body = bodyFor(operationId, png) ?? exampleOf(content['application/json'].schema, components);
    request.header.push({ key: 'Content-Type', value: 'application/json' });
    request.body = {
      mode: 'raw',
      raw: JSON.stringify(body, null, 2),
      options: { raw: { language: 'json' } },
    };
  } else if (content['application/x-www-form-urlencoded']) {
    const body =
      bodyFor(operationId, png) ?? exampleOf(content['application/x-www-form-urlencoded'].schema, components);
    request.body = {
      mode: 'urlencoded',
      urlencoded: Object.entries(body).map(([key, value]) => ({ key, value: String(value) })),
    };
  }
  if (operation.security?.some((s: Json) => 'basic' in s)) {
    request.auth = {
      type: 'basic',
      basic: [
        { key: 'username', value: '{{client_id}}', type: 'string' },
        { key: 'password', value: '{{client_secret}}', type: 'string' },
      ],
    };
  }
  const status = successStatus(operation);
  const success = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
  const event = [
    script('test', testsFor(operationId, status, success ? toJsonSchema(success, components) : null)),
  ];
  if (NEEDS_BOARD.has(operationId)) event.unshift(script('prerequest', ENSURE_BOARD));
  if (operationId === 'boards/create')
    event.unshift(
      script('prerequest', ["pm.collectionVariables.set('board_name', 'Postman board ' + Date.now());"]),
    );
  if (operationId === 'board_sections/create')
    event.unshift(
      script('prerequest', ["pm.collectionVariables.set('section_name', 'Postman section ' + Date.now());"]),
    );
  return { name: operation.summary ?? operationId, request, event };
}

// ---------- Getting started --------------------------------------------------------------------------

function gettingStarted(png: string): Json {
  const step = (
    name: string,
    method: string,
    path: string,
    query: { key: string; value: string }[],
    tests: string[],
    options: { body?: Json; prerequest?: string[]; description: string },
  ): Json => {
    const request: Json = {
      method,
      header: [{ key: 'Accept', value: 'application/json' }],
      url: urlFor(path, query),
      description: options.description,
    };
    if (options.body) {
      request.header.push({ key: 'Content-Type', value: 'application/json' });
      request.body = {
        mode: 'raw',
        raw: JSON.stringify(options.body, null, 2),
        options: { raw: { language: 'json' } },
      };
    }
    const event = [script('test', tests)];
    if (options.prerequest) event.unshift(script('prerequest', options.prerequest));
    return { name, request, event };
  };
  const status = (code: number) => [
    `pm.test('answers ${code}', function () { pm.response.to.have.status(${code}); });`,
  ];
  const dates = [
    { key: 'start_date', value: '{{start_date}}' },
    { key: 'end_date', value: '{{end_date}}' },
  ];
  const topPinsTests = (sortBy: string) => [
    ...status(200),
    'const body = pm.response.json();',
    "pm.test('lists top pins with their metrics', function () {",
    "  pm.expect(body.pins).to.be.an('array');",
    `  pm.expect(body.sort_by).to.eql('${sortBy}');`,
    "  body.pins.forEach(function (pin) { pm.expect(pin.pin_id).to.be.a('string'); pm.expect(pin.metrics).to.be.an('object'); });",
    "  pm.expect(body.date_availability).to.be.an('object');",
    '});',
  ];
  return {
    name: GETTING_STARTED,
    description:
      'Run this folder first (Run collection, or Send one request after another): it walks the API the way most integrations start, passing ids on through collection variables. Analytics need a BUSINESS account (the demo account is one).',
    item: [
      step(
        '1. Get user account',
        'GET',
        '/user_account',
        [],
        [
          ...status(200),
          'const account = pm.response.json();',
          "pm.test('is the account the token belongs to', function () {",
          "  pm.expect(account.username).to.be.a('string').and.not.empty;",
          "  pm.expect(['PINNER', 'BUSINESS']).to.include(account.account_type);",
          '});',
          "pm.collectionVariables.set('username', account.username);",
        ],
        { description: 'Who the access token belongs to: username, account type, counts.' },
      ),
      step(
        '2. List boards',
        'GET',
        '/boards',
        [{ key: 'page_size', value: '25' }],
        [
          ...status(200),
          'const page = pm.response.json();',
          "pm.test('is a page of boards', function () {",
          "  pm.expect(page.items).to.be.an('array');",
          "  pm.expect(page).to.have.property('bookmark');",
          "  page.items.forEach(function (board) { pm.expect(board.owner.username).to.eql(pm.collectionVariables.get('username')); });",
          '});',
        ],
        { description: 'The boards of the account, 25 at a time; `bookmark` fetches the next page.' },
      ),
      step(
        '3. Create board',
        'POST',
        '/boards',
        [],
        [
          ...status(201),
          'const board = pm.response.json();',
          "pm.test('is the new board', function () {",
          '  pm.expect(board.id).to.match(/^\\d+$/);',
          "  pm.expect(board.name).to.eql(pm.collectionVariables.get('board_name'));",
          "  pm.expect(board.privacy).to.eql('PUBLIC');",
          '});',
          "pm.collectionVariables.set('board_id', board.id);",
        ],
        {
          description: 'A public board; its id is kept in the `board_id` collection variable.',
          prerequest: ["pm.collectionVariables.set('board_name', 'Getting started ' + Date.now());"],
          body: {
            name: '{{board_name}}',
            description: 'Made by the Getting started folder',
            privacy: 'PUBLIC',
          },
        },
      ),
      step(
        '4. Create pin',
        'POST',
        '/pins',
        [],
        [
          ...status(201),
          'const pin = pm.response.json();',
          "pm.test('is the new pin on the new board', function () {",
          '  pm.expect(pin.id).to.match(/^\\d+$/);',
          "  pm.expect(pin.board_id).to.eql(pm.collectionVariables.get('board_id'));",
          "  pm.expect(pin.title).to.eql('Hello from Postman');",
          "  pm.expect(pin.media.media_type).to.eql('image');",
          '});',
          "pm.collectionVariables.set('pin_id', pin.id);",
        ],
        {
          description:
            'A pin from an image sent inline (`image_base64`, a small PNG); `image_url` works too. Its id is kept in `pin_id`.',
          body: {
            board_id: '{{board_id}}',
            title: 'Hello from Postman',
            description: 'Created by the Getting started folder',
            alt_text: 'A small gradient',
            link: 'https://example.com/hello',
            media_source: { source_type: 'image_base64', content_type: 'image/png', data: png },
          },
        },
      ),
      step(
        '5. Get pin',
        'GET',
        '/pins/{pin_id}',
        [],
        [
          ...status(200),
          'const pin = pm.response.json();',
          "pm.test('is the pin just created', function () {",
          "  pm.expect(pin.id).to.eql(pm.collectionVariables.get('pin_id'));",
          "  pm.expect(pin.link).to.eql('https://example.com/hello');",
          '  pm.expect(pin.is_owner).to.eql(true);',
          '});',
        ],
        { description: 'One pin by id.' },
      ),
      step(
        '6. Pin analytics',
        'GET',
        '/pins/{pin_id}/analytics',
        [...dates, { key: 'metric_types', value: 'IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK' }],
        [
          ...status(200),
          'const body = pm.response.json();',
          "pm.test('has daily, summary and lifetime metrics', function () {",
          "  pm.expect(body).to.have.property('all');",
          "  pm.expect(body.all.daily_metrics).to.be.an('array');",
          "  pm.expect(body.all.summary_metrics).to.be.an('object');",
          '});',
        ],
        {
          description:
            'Daily metrics of one pin between `start_date` and `end_date` (the last 30 days, set by the collection). Needs a BUSINESS account.',
        },
      ),
      step(
        '7. Top pins analytics',
        'GET',
        '/user_account/analytics/top_pins',
        [...dates, { key: 'sort_by', value: 'IMPRESSION' }],
        topPinsTests('IMPRESSION'),
        { description: "The account's best pins by a metric over the period. Needs a BUSINESS account." },
      ),
      step(
        '8. Top video pins analytics',
        'GET',
        '/user_account/analytics/top_video_pins',
        [...dates, { key: 'sort_by', value: 'IMPRESSION' }],
        topPinsTests('IMPRESSION'),
        { description: "The account's best video pins by a metric. Needs a BUSINESS account." },
      ),
      step(
        '9. Delete pin',
        'DELETE',
        '/pins/{pin_id}',
        [],
        [
          ...status(204),
          "pm.test('the pin is gone', function (done) {",
          "  pm.sendRequest({ url: pm.variables.replaceIn('{{base_url}}/v5/pins/{{pin_id}}'),",
          "    header: { Authorization: 'Bearer ' + pm.variables.get('access_token') } }, function (error, response) {",
          '    pm.expect(error).to.eql(null);',
          '    pm.expect(response.code).to.eql(404);',
          '    done();',
          '  });',
          '});',
        ],
        { description: 'Deletes the pin made in step 4.' },
      ),
      step(
        '10. Delete board',
        'DELETE',
        '/boards/{board_id}',
        [],
        [
          ...status(204),
          "pm.collectionVariables.unset('pin_id');",
          "pm.collectionVariables.unset('board_id');",
        ],
        { description: 'Deletes the board made in step 3; the account is as it was.' },
      ),
    ],
  };
}

/** Before every request: the reporting period of the analytics requests, the last 30 days (UTC). */
const DATES_SCRIPT = [
  'function utcDay(daysAgo) { return new Date(Date.now() - daysAgo * 86400000).toISOString().slice(0, 10); }',
  "pm.collectionVariables.set('end_date', utcDay(0));",
  "pm.collectionVariables.set('start_date', utcDay(30));",
];

async function convert(document: Json): Promise<Json> {
  // Loaded on first use, not at start: the converter and its dependencies (json-schema-faker,
  // lodash, …) are ~12 MB of live heap that every garbage collection would walk for nothing.
  const { convertV2 } = await import('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    convertV2(
      // The converter rewrites the document it is given (anyOf merged away): it gets a copy.
      { type: 'json', data: structuredClone(document) },
      { folderStrategy: 'Tags', parametersResolution: 'Example', includeAuthInfoInExample: false },
      (error, result: Json) => {
        if (error) return reject(new Error(`openapi-to-postmanv2: ${error.message}`));
        if (!result?.result) return reject(new Error(`openapi-to-postmanv2: ${result?.reason ?? 'failed'}`));
        resolve(result.output[0].data);
      },
    );
  });
}

function collectRequests(items: Json[]): Json[] {
  return items.flatMap((item) => (item.item ? collectRequests(item.item) : [item]));
}

/**
 * A Postman v2.1 collection from our OpenAPI: openapi-to-postmanv2 makes the folders by tag
 * (as Pinterest's own collection), then every request is rebuilt to work as it is against this
 * server — `{{base_url}}`, one collection-level Bearer `{{access_token}}`, ids passed through
 * collection variables, bodies that pass validation, tests on status and shape — behind a
 * Getting started folder.
 */
export async function buildPostmanCollection(document: Json, pngBase64: string): Promise<Json> {
  const pinterestOnly = {
    ...document,
    paths: Object.fromEntries(
      Object.entries<Json>(document.paths)
        .map(([path, methods]) => [
          path,
          Object.fromEntries(Object.entries<Json>(methods).filter(([, op]) => !op?.['x-corkboard'])),
        ])
        .filter(([, methods]) => Object.keys(methods as object).length > 0),
    ),
  };
  const converted = await convert(pinterestOnly);
  const byKey = new Map(operationsOf(pinterestOnly).map((op) => [`${op.method} ${op.path}`, op]));
  const folders = (converted.item as Json[]).map((folder) => {
    const requests = collectRequests(folder.item ?? [folder]).map((item) => {
      const path =
        '/' + (item.request.url.path as string[]).map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/');
      const op = byKey.get(`${item.request.method} ${path}`);
      if (!op) throw new Error(`no operation for ${item.request.method} ${path} in the converted collection`);
      return { op, item: requestFor(op, pinterestOnly, pngBase64) };
    });
    requests.sort((a, b) => rank(a.op.method, a.op.path) - rank(b.op.method, b.op.path));
    const tag = requests[0]?.op.operation.tags?.[0] ?? folder.name;
    const description = (document.tags ?? []).find((t: Json) => t.name === tag)?.description;
    return { name: tag, ...(description ? { description } : {}), item: requests.map((r) => r.item) };
  });
  return {
    info: {
      _postman_id: randomUUID(),
      name: 'Corkboard (Pinterest API v5)',
      description:
        "Pinterest's API v5 as this Corkboard server implements it. Import it with its environment (base_url, access_token), open Getting started and run it.",
      schema: COLLECTION_SCHEMA,
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{access_token}}', type: 'string' }] },
    event: [script('prerequest', DATES_SCRIPT)],
    variable: ['board_id', 'section_id', 'pin_id', 'start_date', 'end_date'].map((key) => ({
      key,
      value: '',
      type: 'string',
    })),
    item: [gettingStarted(pngBase64), ...folders],
  };
}

export interface PostmanEnvironmentInput {
  baseUrl: string;
  accessToken: string;
  name?: string;
}

/** A Postman environment: the server's base URL and an access token (a secret value). */
export function buildPostmanEnvironment(input: PostmanEnvironmentInput): Json {
  return {
    id: randomUUID(),
    name: input.name ?? `Corkboard ${input.baseUrl}`,
    values: [
      { key: 'base_url', value: input.baseUrl, type: 'default', enabled: true },
      { key: 'access_token', value: input.accessToken, type: 'secret', enabled: true },
      { key: 'client_id', value: '', type: 'default', enabled: true },
      { key: 'client_secret', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}
