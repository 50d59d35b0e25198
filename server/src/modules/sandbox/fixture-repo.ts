import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { boolOf, idOf, idOrNull } from '../../db/values.js';
import { parseMedia, type PinMediaRecord } from '../pins/media.js';

/** Reads the objects a fixture carries, in id order, for `corkboard fixture export`. */
export class FixtureRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async users() {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: idOf(r.id),
      username: r.username,
      email: r.email,
      accountType: r.account_type as 'PINNER' | 'BUSINESS',
      businessName: r.business_name,
      about: r.about,
      websiteUrl: r.website_url,
      isAdmin: boolOf(r.is_admin),
    }));
  }

  async apps() {
    const rows = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('is_builtin', '=', 0)
      .where('owner_id', 'is not', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: idOf(r.id),
      ownerId: idOf(r.owner_id),
      name: r.name,
      clientId: r.client_id,
      description: r.description,
      websiteUrl: r.website_url,
      redirectUris: JSON.parse(r.redirect_uris) as string[],
      tier: r.tier as 'TRIAL' | 'STANDARD',
      status: r.status as 'PENDING' | 'APPROVED' | 'REJECTED',
    }));
  }

  async boards() {
    const rows = await this.db.selectFrom('boards').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: idOf(r.id),
      ownerId: idOf(r.owner_id),
      name: r.name,
      description: r.description,
      privacy: r.privacy as 'PUBLIC' | 'PROTECTED' | 'SECRET',
    }));
  }

  async sections() {
    const rows = await this.db.selectFrom('board_sections').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: idOf(r.id), boardId: idOf(r.board_id), name: r.name }));
  }

  async pins() {
    const rows = await this.db.selectFrom('pins').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: idOf(r.id),
      boardId: idOf(r.board_id),
      sectionId: idOrNull(r.board_section_id),
      title: r.title,
      description: r.description,
      link: r.link,
      altText: r.alt_text,
      dominantColor: r.dominant_color,
      media: parseMedia(r.media_json) as PinMediaRecord,
    }));
  }
}
