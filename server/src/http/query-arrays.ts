import type { FastifyInstance, preValidationHookHandler } from 'fastify';

interface QuerySchema {
  properties?: Record<string, { type?: string }>;
}

/**
 * Array query parameters arrive repeated (`?a=X&a=Y`) or comma-separated (`?a=X,Y`); both
 * become one array before validation. The hook is attached only to routes whose query schema
 * has array parameters (found once, when the route is added), so other routes pay nothing.
 */
export function registerCsvQueryArrays(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema?.querystring as QuerySchema | undefined;
    const names = Object.entries(schema?.properties ?? {})
      .filter(([, property]) => property.type === 'array')
      .map(([name]) => name);
    if (names.length === 0) return;
    const split: preValidationHookHandler = (request, _reply, done) => {
      const query = request.query as Record<string, unknown> | undefined;
      if (query) {
        for (const name of names) {
          if (query[name] === undefined) continue;
          const raw = Array.isArray(query[name]) ? (query[name] as unknown[]) : [query[name]];
          query[name] = raw
            .flatMap((v) => String(v).split(','))
            .map((v) => v.trim())
            .filter(Boolean);
        }
      }
      done();
    };
    const existing = route.preValidation;
    route.preValidation = existing ? [...[existing].flat(), split] : [split];
  });
}
