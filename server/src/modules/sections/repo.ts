import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export class SectionsRepo {
  constructor(readonly db: Kysely<Database>) {}
}
