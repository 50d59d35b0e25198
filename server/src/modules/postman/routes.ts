import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { PostmanService } from './service.js';

const ATTACHMENT = (name: string) => `attachment; filename="${name}"`;

/**
 * `GET /postman/collection.json` is public (it holds no secret); the developer pages download
 * the collection and an environment with a fresh token for the signed-in user.
 */
export function registerPostmanRoutes(app: App, postman: PostmanService): void {
  app.get('/postman/collection.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(await postman.getCollection()),
  );

  app.get('/api/developer/postman/collection.json', async (request, reply) => {
    requireSession(request);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', ATTACHMENT('corkboard.postman_collection.json'))
      .send(await postman.getCollection());
  });

  app.get('/api/developer/postman/environment.json', async (request, reply) => {
    const session = requireSession(request);
    const environment = await postman.environmentFor(session.userId);
    return reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', ATTACHMENT('corkboard.postman_environment.json'))
      .send(environment);
  });
}
