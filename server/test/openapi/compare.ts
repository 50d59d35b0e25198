/**
 * Compares our OpenAPI with Pinterest's on one operation: parameters (name, in, required),
 * enums, required fields of request bodies and responses, and status codes. Each difference
 * has a stable key (`operationId aspect where`) so it can be listed, with a reason, in
 * server/src/http/known-differences.ts.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Difference {
  key: string;
  detail: string;
}

function resolver(document: Json) {
  const resolve = (node: Json): Json => {
    let current = node;
    for (let i = 0; current?.$ref && i < 20; i++) {
      const parts = String(current.$ref).replace(/^#\//, '').split('/');
      current = parts.reduce((at: Json, part) => at?.[part], document);
    }
    return current;
  };
  return resolve;
}

/** Properties and required names of an object schema, allOf merged. */
function objectShape(
  schema: Json,
  resolve: (n: Json) => Json,
): { properties: Record<string, Json>; required: Set<string> } | null {
  schema = resolve(schema);
  if (!schema || typeof schema !== 'object') return null;
  const properties: Record<string, Json> = { ...(schema.properties ?? {}) };
  const required = new Set<string>(schema.required ?? []);
  for (const part of schema.allOf ?? []) {
    const shape = objectShape(part, resolve);
    if (!shape) continue;
    Object.assign(properties, shape.properties);
    for (const name of shape.required) required.add(name);
  }
  if (Object.keys(properties).length === 0 && required.size === 0) return null;
  return { properties, required };
}

function enumOf(schema: Json, resolve: (n: Json) => Json): string[] | null {
  schema = resolve(schema);
  if (!schema) return null;
  if (Array.isArray(schema.enum))
    return schema.enum
      .filter((v: Json) => v !== null)
      .map(String)
      .sort();
  if (schema.type === 'array' && schema.items) return enumOf(schema.items, resolve);
  const branches = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(branches)) {
    const values = branches.map((b: Json) => enumOf(b, resolve));
    if (values.every((v: Json) => v)) return [...new Set(values.flat() as string[])].sort();
  }
  return null;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Walks a schema pair in step (properties and array items; not into oneOf/anyOf alternatives,
 * which ours and the spec's split differently) and reports enum and required differences.
 */
function compareSchemas(
  ours: Json,
  theirs: Json,
  where: string,
  kind: 'body' | 'response',
  key: (aspect: string, at: string) => string,
  r: { ours: (n: Json) => Json; theirs: (n: Json) => Json },
  out: Difference[],
  depth = 0,
): void {
  if (depth > 6) return;
  const a = r.ours(ours);
  const b = r.theirs(theirs);
  if (!a || !b) return;
  const enumA = enumOf(a, r.ours);
  const enumB = enumOf(b, r.theirs);
  if (enumA && enumB && !same(enumA, enumB)) {
    out.push({
      key: key(`${kind}-enum`, where || '$'),
      detail: `ours [${enumA.join(', ')}], spec [${enumB.join(', ')}]`,
    });
  }
  if (a.type === 'array' || b.type === 'array') {
    if (a.items && b.items) compareSchemas(a.items, b.items, `${where}[]`, kind, key, r, out, depth + 1);
    return;
  }
  const shapeA = objectShape(a, r.ours);
  const shapeB = objectShape(b, r.theirs);
  if (!shapeA || !shapeB) return;
  if (kind === 'body') {
    const onlyOurs = [...shapeA.required].filter((n) => !shapeB.required.has(n) && n in shapeB.properties);
    const onlyTheirs = [...shapeB.required].filter((n) => !shapeA.required.has(n));
    for (const name of onlyOurs)
      out.push({
        key: key('body-required', join(where, name)),
        detail: 'required by ours, optional in the spec',
      });
    for (const name of onlyTheirs)
      out.push({ key: key('body-required', join(where, name)), detail: 'required by the spec, not by ours' });
  } else {
    // A response may promise more than the spec requires, never less.
    for (const name of shapeB.required) {
      if (!shapeA.required.has(name))
        out.push({
          key: key('response-required', join(where, name)),
          detail: 'required by the spec, optional in ours',
        });
    }
  }
  for (const [name, schema] of Object.entries(shapeA.properties)) {
    if (shapeB.properties[name])
      compareSchemas(schema, shapeB.properties[name], join(where, name), kind, key, r, out, depth + 1);
  }
}

const join = (where: string, name: string) => (where ? `${where}.${name}` : name);

export function compareOperation(
  operationId: string,
  ours: Json,
  oursDocument: Json,
  theirs: Json,
  theirsDocument: Json,
): Difference[] {
  const r = { ours: resolver(oursDocument), theirs: resolver(theirsDocument) };
  const out: Difference[] = [];
  const key = (aspect: string, where: string) => `${operationId} ${aspect} ${where}`;

  // Parameters: name, in, required, enum.
  const params = (operation: Json, resolve: (n: Json) => Json) =>
    new Map<string, Json>(
      (operation.parameters ?? [])
        .map(resolve)
        .filter((p: Json) => p.in === 'query' || p.in === 'path')
        .map((p: Json) => [`${p.in}:${p.name}`, p]),
    );
  const ourParams = params(ours, r.ours);
  const theirParams = params(theirs, r.theirs);
  for (const [name, p] of theirParams) {
    const mine = ourParams.get(name);
    if (!mine) {
      out.push({ key: key('parameter-missing', name), detail: `the spec has ${p.in} parameter ${p.name}` });
      continue;
    }
    if (Boolean(mine.required) !== Boolean(p.required))
      out.push({
        key: key('parameter-required', name),
        detail: `ours required=${Boolean(mine.required)}, spec required=${Boolean(p.required)}`,
      });
    const enumA = enumOf(mine.schema, r.ours);
    const enumB = enumOf(p.schema, r.theirs);
    if ((enumA || enumB) && !same(enumA ?? [], enumB ?? []))
      out.push({
        key: key('parameter-enum', name),
        detail: `ours [${(enumA ?? []).join(', ')}], spec [${(enumB ?? []).join(', ')}]`,
      });
  }
  for (const name of ourParams.keys()) {
    if (!theirParams.has(name)) out.push({ key: key('parameter-extra', name), detail: 'not in the spec' });
  }

  // Request body.
  const bodyOf = (operation: Json, resolve: (n: Json) => Json) => {
    const content = resolve(operation.requestBody)?.content ?? {};
    const type = Object.keys(content)[0];
    return type ? { type, schema: content[type].schema } : null;
  };
  const ourBody = bodyOf(ours, r.ours);
  const theirBody = bodyOf(theirs, r.theirs);
  if (Boolean(ourBody) !== Boolean(theirBody))
    out.push({ key: key('body', 'presence'), detail: `ours ${ourBody ? 'has' : 'has no'} request body` });
  if (ourBody && theirBody) {
    if (ourBody.type !== theirBody.type)
      out.push({ key: key('body', 'content-type'), detail: `ours ${ourBody.type}, spec ${theirBody.type}` });
    compareSchemas(ourBody.schema, theirBody.schema, '', 'body', key, r, out);
  }

  // Status codes: the same success codes; every error code the spec lists is answered by ours
  // (explicitly or through `default`), with a JSON body.
  const codes = (operation: Json) => Object.keys(operation.responses ?? {});
  const success = (list: string[]) => list.filter((c) => /^2\d\d$/.test(c)).sort();
  const ourCodes = codes(ours);
  const theirCodes = codes(theirs);
  if (!same(success(ourCodes), success(theirCodes)))
    out.push({
      key: key('status', 'success'),
      detail: `ours ${success(ourCodes).join(', ')}, spec ${success(theirCodes).join(', ')}`,
    });
  for (const code of theirCodes.filter((c) => /^[45]\d\d$/.test(c))) {
    if (!ourCodes.includes(code) && !ourCodes.includes('default'))
      out.push({
        key: key('status', code),
        detail: `the spec lists ${code}; ours has neither it nor default`,
      });
  }

  // Success response bodies.
  for (const code of success(theirCodes)) {
    const schemaOf = (operation: Json, resolve: (n: Json) => Json) =>
      resolve(operation.responses?.[code])?.content?.['application/json']?.schema;
    const mine = schemaOf(ours, r.ours);
    const spec = schemaOf(theirs, r.theirs);
    if (Boolean(mine) !== Boolean(spec)) {
      out.push({ key: key('response', code), detail: `ours ${mine ? 'has' : 'has no'} JSON body` });
      continue;
    }
    if (mine && spec) compareSchemas(mine, spec, '', 'response', key, r, out);
  }
  return out;
}
