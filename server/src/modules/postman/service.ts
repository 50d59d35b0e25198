import sharp from 'sharp';
import type { App } from '../../http/types.js';
import type { Scope } from '../tokens/scopes.js';
import { buildPostmanCollection, buildPostmanEnvironment } from './collection.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A small PNG (a diagonal gradient) drawn locally, sent inline by the create-pin requests. */
export async function samplePngBase64(): Promise<string> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="160"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">' +
    '<stop offset="0" stop-color="#e60023"/><stop offset="1" stop-color="#ffd0a8"/></linearGradient></defs>' +
    '<rect width="120" height="160" fill="url(#g)"/></svg>';
  const png = await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
  return png.toString('base64');
}

/**
 * The Postman collection and environment for this server. The collection depends only on the
 * routes, so it is built once per process; each environment carries a freshly minted token.
 */
export class PostmanService {
  private collection: Promise<Json> | null = null;

  constructor(private readonly app: App) {}

  getCollection(): Promise<Json> {
    if (!this.collection) {
      this.collection = samplePngBase64().then((png) => buildPostmanCollection(this.app.swagger(), png));
      this.collection.catch(() => (this.collection = null));
    }
    return this.collection;
  }

  /** Every scope the collection's operations need (as the spec lists them per operation). */
  scopesNeeded(): Scope[] {
    return [...new Set(this.app.operations.flatMap((op) => op.scopes as Scope[]))].sort();
  }

  /**
   * An environment for one user: base_url and a new access token through the built-in CLI app
   * (STANDARD tier), with the scopes the collection needs and the usual access-token lifetime.
   */
  async environmentFor(userId: string): Promise<Json> {
    const { ctx } = this.app;
    const token = await ctx.tokens.issue({
      userId,
      appId: await ctx.apps.builtinCliAppId(),
      scopes: this.scopesNeeded(),
    });
    const user = await ctx.accounts.getById(userId);
    return buildPostmanEnvironment({
      baseUrl: ctx.config.publicUrl,
      accessToken: token.token,
      name: `Corkboard ${user?.username ?? userId} @ ${ctx.config.publicUrl}`,
    });
  }
}
