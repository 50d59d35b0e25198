import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Pinterest's spec lives beside the checkout, never inside it (DESIGN.md). */
export const REFERENCE_SPEC_PATH = path.resolve(
  repoRoot,
  '../shared/reference/pinterest-api-v5/openapi.json',
);

export function referenceSpecAvailable(): boolean {
  return fs.existsSync(REFERENCE_SPEC_PATH);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let cached: Json | null = null;

export function loadReferenceSpec(): Json {
  if (!cached) {
    if (!referenceSpecAvailable()) {
      throw new Error(
        `The reference spec is missing at ${REFERENCE_SPEC_PATH}. It must sit in ../shared/reference beside the checkout.`,
      );
    }
    cached = JSON.parse(fs.readFileSync(REFERENCE_SPEC_PATH, 'utf8'));
  }
  return cached;
}

export function findOperation(operationId: string): { method: string; path: string; operation: Json } {
  const spec = loadReferenceSpec();
  for (const [p, methods] of Object.entries<Json>(spec.paths)) {
    for (const [method, operation] of Object.entries<Json>(methods)) {
      if (operation && operation.operationId === operationId) return { method, path: p, operation };
    }
  }
  throw new Error(`operation ${operationId} is not in the reference spec`);
}
