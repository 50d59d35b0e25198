import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { idOf } from '../../db/values.js';

export interface SimulatedPin {
  id: string;
  creativeType: string;
  link: string | null;
  createdAt: string;
}

/** SQL of the traffic simulator: the account's pins, and moving creation times back. */
export class SimulatorRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async accountCreatedAt(userId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('created_at')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.created_at ?? null;
  }

  /** The account's pins (created or saved), oldest id first. */
  async pinsOf(userId: string): Promise<SimulatedPin[]> {
    const rows = await this.db
      .selectFrom('pins')
      .select(['id', 'creative_type', 'link', 'created_at'])
      .where('owner_id', '=', userId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: idOf(r.id),
      creativeType: r.creative_type,
      link: r.link,
      createdAt: r.created_at,
    }));
  }

  /** Moves the account, its boards and the given pins to earlier creation times (never later). */
  async backdate(userId: string, accountAt: string, pins: ReadonlyArray<{ id: string; createdAt: string }>) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ created_at: accountAt })
        .where('id', '=', userId)
        .where('created_at', '>', accountAt)
        .execute();
      await trx
        .updateTable('boards')
        .set({ created_at: accountAt })
        .where('owner_id', '=', userId)
        .where('created_at', '>', accountAt)
        .execute();
      for (const pin of pins) {
        await trx
          .updateTable('pins')
          .set({ created_at: pin.createdAt })
          .where('id', '=', pin.id)
          .where('created_at', '>', pin.createdAt)
          .execute();
      }
    });
  }
}
