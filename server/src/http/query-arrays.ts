import type { FastifyInstance } from 'fastify';

interface QuerySchema {
  properties?: Record<string, { type?: string }>;
}

/**
 * Array query parameters arrive repeated (`?a=X&a=Y`) or comma-separated (`?a=X,Y`); both
 * become one array before validation.
 */
export function registerCsvQueryArrays(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.querystring as QuerySchema | undefined;
    const query = request.query as Record<string, unknown> | undefined;
    if (!schema?.properties || !query) return;
    for (const [name, property] of Object.entries(schema.properties)) {
      if (property.type !== 'array' || query[name] === undefined) continue;
      const raw = Array.isArray(query[name]) ? (query[name] as unknown[]) : [query[name]];
      query[name] = raw
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    }
  });
}
