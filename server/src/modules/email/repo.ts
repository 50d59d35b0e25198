import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export type Delivery = 'smtp' | 'outbox';

export interface OutboxRow {
  id: string;
  to: string;
  subject: string;
  text: string;
  delivery: Delivery;
  createdAt: string;
}

/** The outbox table: every message the server sent, or would have sent without SMTP. */
export class OutboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: OutboxRow): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        id: row.id,
        to_address: row.to,
        subject: row.subject,
        text_body: row.text,
        delivery: row.delivery,
        created_at: row.createdAt,
      })
      .execute();
  }

  /** Newest first (ids are time-ordered), after the given id, `limit` rows. */
  async listNewest(input: { afterId: string | null; limit: number }): Promise<OutboxRow[]> {
    let query = this.db
      .selectFrom('outbox')
      .select(['id', 'to_address', 'subject', 'text_body', 'delivery', 'created_at']);
    if (input.afterId) query = query.where('id', '<', input.afterId);
    const rows = await query.orderBy('id', 'desc').limit(input.limit).execute();
    return rows.map((row) => ({
      id: idOf(row.id),
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      delivery: row.delivery === 'smtp' ? 'smtp' : 'outbox',
      createdAt: row.created_at,
    }));
  }
}
