import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: string;
  lastSeenAt: string;
}

export class SessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: {
    id: string;
    tokenHash: string;
    userId: string;
    createdAt: string;
    expiresAt: string;
    userAgent: string;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: row.id,
        token_hash: row.tokenHash,
        user_id: row.userId,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        last_seen_at: row.createdAt,
        user_agent: row.userAgent.slice(0, 400),
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<SessionRow | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['id', 'user_id', 'expires_at', 'last_seen_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row
      ? {
          id: idOf(row.id),
          userId: idOf(row.user_id),
          expiresAt: row.expires_at,
          lastSeenAt: row.last_seen_at,
        }
      : null;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async deleteById(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session of a user except, optionally, one. */
  async deleteForUser(userId: string, exceptId?: string): Promise<number> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '<>', exceptId);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
