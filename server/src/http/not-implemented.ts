import reference from './reference-operations.json' with { type: 'json' };
import type { App } from './types.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Pinterest's `{pin_id}` → Fastify's `:pin_id`. */
export function toFastifyPath(specPath: string): string {
  return '/v5' + specPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * Every operation of the reference spec that Corkboard does not implement answers 501 with
 * `{code, message}` naming its operationId, so a client learns what is missing instead of
 * meeting a bare 404. Registered last: implemented routes take precedence.
 */
export function registerNotImplementedOperations(app: App): string[] {
  const unimplemented: string[] = [];
  for (const op of reference.operations) {
    const url = toFastifyPath(op.path);
    const method = op.method as Method;
    if (app.hasRoute({ method, url })) continue;
    unimplemented.push(op.operationId);
    const message = `Corkboard does not support ${op.operationId} (${op.method} /v5${op.path}) yet.`;
    app.route({
      method,
      url,
      config: { operationId: op.operationId, notImplemented: true },
      handler: async (_request, reply) => reply.status(501).send({ code: 501, message }),
    });
  }
  return unimplemented;
}
