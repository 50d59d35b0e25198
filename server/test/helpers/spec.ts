import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { findOperation, loadReferenceSpec } from './reference.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// ajv and ajv-formats are CommonJS: their default export sits under .default in ESM.
const Ajv = AjvModule.default;
type Ajv = InstanceType<typeof Ajv>;
const addFormats = addFormatsModule.default;

let ajv: Ajv | null = null;
function getAjv(): Ajv {
  if (ajv) return ajv;
  const spec = loadReferenceSpec();
  ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
  addFormats(ajv);
  // OpenAPI 3.0 keywords ajv does not know.
  for (const keyword of [
    'example',
    'examples',
    'readOnly',
    'writeOnly',
    'xml',
    'externalDocs',
    'deprecated',
  ]) {
    try {
      ajv.addKeyword(keyword);
    } catch {
      // already known to this ajv version
    }
  }
  ajv.addSchema({ $id: 'spec', components: toAjvSchema(spec.components, '') }, 'spec');
  return ajv;
}

function resolve(schema: Json): Json {
  const spec = loadReferenceSpec();
  while (schema && schema.$ref) {
    const name = schema.$ref.split('/').pop();
    schema = spec.components.schemas[name];
  }
  return schema;
}

/** Rewrites $refs to point into the registered `spec` document, and nullable into type unions. */
function toAjvSchema(schema: Json, refPrefix = 'spec'): Json {
  if (Array.isArray(schema)) return schema.map((s) => toAjvSchema(s, refPrefix));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = `${refPrefix}${v}`;
    else if (k === 'example' || k === 'examples' || k === 'discriminator') continue;
    else out[k] = toAjvSchema(v, refPrefix);
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function validatesLoosely(schema: Json, data: Json): boolean {
  const validate = getAjv().compile(toAjvSchema(schema));
  return validate(data) as boolean;
}

/** All properties of an object schema, following allOf. */
function objectProperties(schema: Json): Record<string, Json> | null {
  schema = resolve(schema);
  if (!schema) return null;
  let props: Record<string, Json> | null = schema.properties ? { ...schema.properties } : null;
  for (const part of schema.allOf ?? []) {
    const partProps = objectProperties(part);
    if (partProps) props = { ...(partProps ?? {}), ...(props ?? {}) };
  }
  return props;
}

/**
 * Strict shape check: every field the schema defines is present (null where unknown), and no
 * field it does not define. Returns a list of problems with JSON paths.
 */
function strictProblems(schema: Json, data: Json, at: string, optional: ReadonlySet<string>): string[] {
  schema = resolve(schema);
  if (!schema || data === null || data === undefined) return [];
  // A discriminator on a base schema without oneOf (e.g. OauthAccessTokenResponse): the
  // mapped schema for the value given is the one that defines the fields.
  if (schema.discriminator && !schema.oneOf && !schema.anyOf && data && typeof data === 'object') {
    const mapped = schema.discriminator.mapping?.[data[schema.discriminator.propertyName]];
    const target = mapped ? resolve({ $ref: mapped }) : null;
    if (target && target !== schema) return strictProblems(target, data, at, optional);
  }
  if (schema.oneOf || schema.anyOf) {
    const branches: Json[] = schema.oneOf ?? schema.anyOf;
    let candidates = branches;
    if (schema.discriminator && typeof data === 'object') {
      const mapped = schema.discriminator.mapping?.[data[schema.discriminator.propertyName]];
      if (!mapped)
        return [
          `${at}: ${schema.discriminator.propertyName}=${data[schema.discriminator.propertyName]} is not one of the spec's`,
        ];
      candidates = [{ $ref: mapped }];
    }
    const fitting = candidates.filter((b) => validatesLoosely(b, data));
    if (fitting.length === 0) return [`${at}: matches none of the spec's alternatives`];
    const results = fitting.map((b) => strictProblems(b, data, at, optional));
    return results.find((r) => r.length === 0) ?? results[0]!;
  }
  if (Array.isArray(data)) {
    if (!schema.items) return [];
    return data.flatMap((item, i) => strictProblems(schema.items, item, `${at}[${i}]`, optional));
  }
  if (typeof data === 'object') {
    const props = objectProperties(schema);
    if (!props) return [];
    const problems: string[] = [];
    for (const key of Object.keys(props)) {
      if (!(key in data) && !optional.has(key))
        problems.push(`${at}.${key}: missing (the spec defines it; send null if unknown)`);
    }
    for (const key of Object.keys(data)) {
      if (!(key in props)) problems.push(`${at}.${key}: not defined by the spec`);
      else problems.push(...strictProblems(props[key], data[key], `${at}.${key}`, optional));
    }
    return problems;
  }
  return [];
}

export interface SpecCheckOptions {
  /** Fields the spec returns only on request (e.g. pin_metrics). */
  optional?: string[];
}

/** Asserts a response body matches the reference spec's schema for operation + status, strictly. */
export function expectSpecResponse(
  operationId: string,
  status: number,
  body: unknown,
  options: SpecCheckOptions = {},
): void {
  const { operation } = findOperation(operationId);
  const response = operation.responses[String(status)] ?? operation.responses.default;
  expect(response, `${operationId} has no ${status} response in the spec`).toBeTruthy();
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    expect(
      body === undefined || body === '' || body === null,
      `${operationId} ${status} should have no body`,
    ).toBe(true);
    return;
  }
  const validate = getAjv().compile(toAjvSchema(schema));
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${operationId} ${status} response does not validate`).toEqual([]);
  const problems = strictProblems(schema, body, '$', new Set(options.optional ?? ['pin_metrics']));
  expect(problems, `${operationId} ${status} response is not strictly the spec's shape`).toEqual([]);
}

/** Scopes the spec lists for an operation (pinterest_oauth2). */
export function specScopes(operationId: string): string[] {
  const { operation } = findOperation(operationId);
  const entry = (operation.security ?? []).find((s: Json) => s.pinterest_oauth2);
  return entry ? entry.pinterest_oauth2 : [];
}
