import { sql, type Kysely } from 'kysely';
import { caseKey } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { idOf, intOf } from '../../db/values.js';
import { isValidId } from '../../lib/ids.js';
import { unusedMediaRoots } from '../pins/repo.js';

export interface SectionRow {
  id: string;
  boardId: string;
  name: string;
  createdAt: string;
}

function toSection(row: { id: unknown; board_id: unknown; name: string; created_at: string }): SectionRow {
  return { id: idOf(row.id), boardId: idOf(row.board_id), name: row.name, createdAt: row.created_at };
}

const columns = ['id', 'board_id', 'name', 'created_at'] as const;

export class SectionsRepo {
  constructor(readonly db: Kysely<Database>) {}

  /** Throws the driver's unique violation when the board already has a section of that name. */
  async insert(section: SectionRow): Promise<void> {
    await this.db
      .insertInto('board_sections')
      .values({
        id: section.id,
        board_id: section.boardId,
        name: section.name,
        name_key: caseKey(section.name),
        created_at: section.createdAt,
      })
      .execute();
  }

  async findById(id: string): Promise<SectionRow | null> {
    if (!isValidId(id)) return null;
    const row = await this.db
      .selectFrom('board_sections')
      .select(columns)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSection(row) : null;
  }

  /** The section, only when it is on that board. */
  async findOnBoard(boardId: string, sectionId: string): Promise<SectionRow | null> {
    const section = await this.findById(sectionId);
    return section && section.boardId === boardId ? section : null;
  }

  async nameTaken(boardId: string, name: string, exceptSectionId?: string): Promise<boolean> {
    let query = this.db
      .selectFrom('board_sections')
      .select('id')
      .where('board_id', '=', boardId)
      .where('name_key', '=', caseKey(name));
    if (exceptSectionId) query = query.where('id', '<>', exceptSectionId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** One page (plus one row) of a board's sections, newest first. */
  async listByBoard(boardId: string, afterId: string | null, limit: number): Promise<SectionRow[]> {
    let query = this.db.selectFrom('board_sections').select(columns).where('board_id', '=', boardId);
    if (afterId) query = query.where('id', '<', afterId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toSection);
  }

  async rename(id: string, name: string): Promise<void> {
    await this.db
      .updateTable('board_sections')
      .set({ name, name_key: caseKey(name) })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Deletes the section and (FK cascade) its pins, and takes them off the board's count, in
   * one transaction. Returns the media roots no pin uses any more.
   */
  async delete(section: SectionRow, now: string): Promise<{ deleted: boolean; unusedRoots: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const pins = await trx
        .selectFrom('pins')
        .select((eb) => [eb.fn.countAll().as('n')])
        .where('board_section_id', '=', section.id)
        .executeTakeFirstOrThrow();
      const roots = (
        await trx
          .selectFrom('pins')
          .select('media_root')
          .distinct()
          .where('board_section_id', '=', section.id)
          .execute()
      ).map((r) => idOf(r.media_root));
      const result = await trx.deleteFrom('board_sections').where('id', '=', section.id).executeTakeFirst();
      if (BigInt(result.numDeletedRows) === 0n) return { deleted: false, unusedRoots: [] };
      const removed = intOf(pins.n);
      if (removed > 0) {
        await trx
          .updateTable('boards')
          .set({ pin_count: sql`pin_count - ${removed}`, pins_modified_at: now })
          .where('id', '=', section.boardId)
          .execute();
      }
      return { deleted: true, unusedRoots: await unusedMediaRoots(trx, roots) };
    });
  }
}
