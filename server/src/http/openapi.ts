import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import { ALL_SCOPES, SCOPE_DESCRIPTIONS } from '../modules/tokens/scopes.js';
import { referenceOperation } from './reference.js';
import reference from './reference-operations.json' with { type: 'json' };
import type { App } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Our own operations in our OpenAPI: not Pinterest's, so marked `x-corkboard: true`. */
const OWN_OPERATION_PREFIX = 'corkboard/';

/** Route config flag for the few routes outside Pinterest's operations that our OpenAPI lists. */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Listed in /v5/openapi.json as a Corkboard addition (x-corkboard: true). */
    openapi?: boolean;
    /** Documentation-only schema for a route that validates its input by hand (never validates). */
    openapiDocs?: Record<string, unknown>;
  }
}

/**
 * What our OpenAPI shows: Pinterest's operations this server implements, and the Corkboard
 * additions that opt in. Everything else (the web app's /api, /_corkboard, /media, /r, /oauth
 * pages, the 501 placeholders) is left out.
 */
function listedInOpenApi(route: RouteOptions): boolean {
  const config = route.config as { operationId?: string; notImplemented?: boolean; openapi?: boolean };
  if (config?.openapi) return true;
  return Boolean(config?.operationId && !config.notImplemented && route.url.startsWith('/v5/'));
}

function securityFor(operationId: string, scopes: readonly string[]): Json[] {
  const ref = referenceOperation(operationId);
  if (operationId === 'oauth/token' || operationId === 'token/revoke') return [{ basic: [] }];
  const security: Json[] = [{ pinterest_oauth2: [...scopes] }];
  if (ref?.clientCredentials) security.push({ client_credentials: [...scopes] });
  return security;
}

/**
 * OpenAPI 3.0 forbids `type: 'null'`: a TypeBox `Type.Null()` response (204) becomes a
 * response without content, and any `anyOf [X, null]` left over becomes `X` + `nullable`.
 */
function toOpenApi30(node: Json): Json {
  if (Array.isArray(node)) return node.map(toOpenApi30);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = toOpenApi30(value);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const members = out[combinator];
    if (!Array.isArray(members)) continue;
    const nonNull = members.filter((m: Json) => !isNullOnly(m));
    if (nonNull.length === members.length) continue;
    delete out[combinator];
    if (nonNull.length === 1) Object.assign(out, nonNull[0]);
    else out[combinator] = nonNull;
    out.nullable = true;
  }
  if (out.type === 'null') {
    delete out.type;
    out.nullable = true;
  }
  return out;
}

function isNullOnly(schema: Json): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if (schema.type === 'null') return true;
  return schema.nullable === true && Array.isArray(schema.enum) && schema.enum.every((v: Json) => v === null);
}

/** A parameter with a default is one the client may leave out. */
function optionalWhenDefaulted(parameter: Json): Json {
  if (parameter.required && parameter.in !== 'path' && parameter.schema?.default !== undefined)
    return { ...parameter, required: false };
  return parameter;
}

function withoutDefaultedRequired(schema: Json): Json {
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.required) || !schema.properties)
    return schema;
  const required = schema.required.filter((name: string) => schema.properties[name]?.default === undefined);
  const out = { ...schema, required };
  if (required.length === 0) delete out.required;
  return out;
}

/** Finishes the document @fastify/swagger made: security, rate-limit categories, our marks. */
function finishDocument(document: Json, app: App): Json {
  const scopesById = new Map(app.operations.map((op) => [op.operationId, op.scopes]));
  for (const methods of Object.values<Json>(document.paths)) {
    for (const operation of Object.values<Json>(methods)) {
      if (!operation || typeof operation !== 'object' || !operation.operationId) continue;
      const operationId: string = operation.operationId;
      const ref = referenceOperation(operationId);
      if (!ref || operationId.startsWith(OWN_OPERATION_PREFIX)) {
        operation['x-corkboard'] = true;
        operation.security = [];
      } else {
        operation.security = securityFor(operationId, scopesById.get(operationId) ?? []);
        if (ref.rateLimitCategory) operation['x-ratelimit-category'] = ref.rateLimitCategory;
      }
      if (operation.parameters) operation.parameters = operation.parameters.map(optionalWhenDefaulted);
      for (const content of Object.values<Json>(operation.requestBody?.content ?? {})) {
        content.schema = withoutDefaultedRequired(content.schema);
      }
      for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
        const schema = response.content?.['application/json']?.schema;
        if (status === '204' || (schema && isNullOnly(schema))) delete response.content;
      }
    }
  }
  return toOpenApi30(document);
}

/** The server's own URL and the OAuth endpoints, as a client of this server sees them. */
function securitySchemes(publicUrl: string): Json {
  const scopes = Object.fromEntries(ALL_SCOPES.map((scope) => [scope, SCOPE_DESCRIPTIONS[scope]]));
  return {
    pinterest_oauth2: {
      type: 'oauth2',
      description:
        'A user access token (pina_…) from the OAuth flow, the developer pages or `corkboard token create`.',
      flows: {
        authorizationCode: {
          authorizationUrl: `${publicUrl}/oauth/`,
          tokenUrl: `${publicUrl}/v5/oauth/token`,
          refreshUrl: `${publicUrl}/v5/oauth/token`,
          scopes,
        },
      },
    },
    client_credentials: {
      type: 'oauth2',
      description: "An app's client-credentials token (pinc_…), acting as the app's owner.",
      flows: { clientCredentials: { tokenUrl: `${publicUrl}/v5/oauth/token`, scopes } },
    },
    basic: {
      type: 'http',
      scheme: 'basic',
      description: "The app's client_id and client_secret, for the token endpoints.",
    },
  };
}

/**
 * Registers @fastify/swagger (before any route, so its onRoute hook sees them all) and, once
 * the routes exist, `GET /v5/openapi.json|yaml` and the offline reference page at `/docs`.
 */
export async function registerOpenApi(app: App): Promise<void> {
  const publicUrl = app.ctx.config.publicUrl;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Corkboard API (Pinterest API v5 compatible)',
        version: reference.specVersion,
        description:
          "Pinterest's REST API v5 as this Corkboard server implements it: same paths, operationIds, parameters and shapes. " +
          'Operations marked `x-corkboard: true` are Corkboard additions. See docs/api-compatibility.md for what is implemented.',
      },
      servers: [{ url: `${publicUrl}/v5`, description: 'This Corkboard server' }],
      components: { securitySchemes: securitySchemes(publicUrl) },
    },
    // Schemas with an $id (Pin, Board, Error…) become components named after it.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `Schema${i}`,
    },
    transform: ({ schema, url, route }) => {
      if (!listedInOpenApi(route)) return { schema: { ...schema, hide: true }, url };
      const docs = (route.config as { openapiDocs?: Record<string, unknown> } | undefined)?.openapiDocs;
      return { schema: { ...schema, ...docs }, url: url.replace(/^\/v5(?=\/)/, '') };
    },
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? finishDocument(documentObject.openapiObject, app)
        : documentObject.swaggerObject,
  });
}

/** The routes that serve the document and the page; registered after every other route. */
export async function registerOpenApiRoutes(app: App): Promise<void> {
  app.get(
    '/v5/openapi.json',
    {
      config: { openapi: true },
      schema: {
        operationId: 'corkboard/openapi_json',
        tags: ['corkboard'],
        summary: "This server's OpenAPI document (JSON)",
        description: 'Generated from the route schemas; needs no token.',
      },
    },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(app.swagger()),
  );
  app.get(
    '/v5/openapi.yaml',
    {
      config: { openapi: true },
      schema: {
        operationId: 'corkboard/openapi_yaml',
        tags: ['corkboard'],
        summary: "This server's OpenAPI document (YAML)",
        description: 'Generated from the route schemas; needs no token.',
      },
    },
    async (_request, reply) =>
      reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })),
  );
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, docExpansion: 'list', validatorUrl: null },
    theme: { title: 'Corkboard API reference' },
    logLevel: 'warn',
  });
}
