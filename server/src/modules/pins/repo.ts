import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export class PinsRepo {
  constructor(readonly db: Kysely<Database>) {}
}
