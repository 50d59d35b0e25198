#!/usr/bin/env node
// Writes server/src/http/reference-operations.json: method, path and operationId of every
// operation in Pinterest's reference spec (../shared/reference), so the server can answer 501
// for those it does not implement without reading the spec at run time.
// Usage: npm run gen:operations   (a test fails when the committed file is stale)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specPath = path.resolve(root, '../shared/reference/pinterest-api-v5/openapi.json');
const outPath = path.join(root, 'server/src/http/reference-operations.json');

export function referenceOperations(spec) {
  const ops = [];
  for (const [p, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const security = op.security ?? spec.security ?? [];
      ops.push({
        method: method.toUpperCase(),
        path: p,
        operationId: op.operationId,
        // The spec's first tag: the area of the API it belongs to (boards, pins, user_account, …).
        tag: op.tags?.[0] ?? null,
        rateLimitCategory: op['x-ratelimit-category'] ?? null,
        // Whether a client-credentials (pinc_) token may call it, as the spec's security lists.
        clientCredentials: security.some((s) => 'client_credentials' in s),
      });
    }
  }
  ops.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return ops;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!fs.existsSync(specPath)) {
    console.error(
      `Reference spec not found at ${specPath}; it must sit in ../shared/reference beside the checkout.`,
    );
    process.exit(1);
  }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const ops = referenceOperations(spec);
  fs.writeFileSync(
    outPath,
    JSON.stringify({ specVersion: spec.info.version, operations: ops }, null, 1) + '\n',
  );
  console.log(
    `Wrote ${ops.length} operations of spec ${spec.info.version} to ${path.relative(root, outPath)}`,
  );
}
