import type { Kysely } from 'kysely';
import type { Database, EmailTokensTable } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export type EmailTokenKind = EmailTokensTable['kind'];

export interface EmailTokenRow {
  id: string;
  userId: string;
  kind: EmailTokenKind;
  email: string;
  expiresAt: string;
  usedAt: string | null;
}

/** One-time links sent by email (verify an address, reset a password), stored as SHA-256 hashes. */
export class EmailTokensRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: {
    id: string;
    tokenHash: string;
    userId: string;
    kind: EmailTokenKind;
    email: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('email_tokens')
      .values({
        id: row.id,
        token_hash: row.tokenHash,
        user_id: row.userId,
        kind: row.kind,
        email: row.email,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<EmailTokenRow | null> {
    const row = await this.db
      .selectFrom('email_tokens')
      .select(['id', 'user_id', 'kind', 'email', 'expires_at', 'used_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row
      ? {
          id: idOf(row.id),
          userId: idOf(row.user_id),
          kind: row.kind,
          email: row.email,
          expiresAt: row.expires_at,
          usedAt: row.used_at,
        }
      : null;
  }

  /** Marks the token used; false when another request used it first. */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('email_tokens')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Retires every unused token of a kind for a user (e.g. other reset links once one worked). */
  async markAllUsed(userId: string, kind: EmailTokenKind, at: string): Promise<void> {
    await this.db
      .updateTable('email_tokens')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .execute();
  }
}
