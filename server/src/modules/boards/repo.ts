import { sql, type Kysely } from 'kysely';
import { caseKey } from '../../db/index.js';
import { preparedQuery } from '../../db/prepared.js';
import type { FastReader } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { boolOf, boolToDb, idOf, intOf } from '../../db/values.js';
import { isValidId } from '../../lib/ids.js';
import { parseMedia, type PinMediaRecord } from '../pins/media.js';
import { unusedMediaRoots } from '../pins/repo.js';
import type { Privacy, VisibleBoards } from '../visibility/policy.js';
import { visibleBoardCondition } from '../visibility/sql.js';

export interface BoardRow {
  id: string;
  ownerId: string;
  ownerUsername: string;
  name: string;
  description: string | null;
  privacy: Privacy;
  isAdsOnly: boolean;
  createdAt: string;
  pinsModifiedAt: string;
  pinCount: number;
  followerCount: number;
  collaboratorCount: number;
  /** Created through a Trial app: only its creator sees it. */
  trialOnly: boolean;
}

export interface NewBoard {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  privacy: Privacy;
  isAdsOnly: boolean;
  createdAppId: string | null;
  createdAt: string;
  /** Created through a Trial app (decided at creation, never changed). */
  trialOnly?: boolean;
}

export interface BoardPatch {
  name?: string;
  description?: string | null;
  privacy?: Privacy;
  isAdsOnly?: boolean;
}

function selectBoards(db: Kysely<Database>) {
  return db
    .selectFrom('boards as b')
    .innerJoin('users as u', 'u.id', 'b.owner_id')
    .select([
      'b.id',
      'b.owner_id',
      'u.username',
      'b.name',
      'b.description',
      'b.privacy',
      'b.is_ads_only',
      'b.created_at',
      'b.pins_modified_at',
      'b.pin_count',
      'b.follower_count',
      'b.collaborator_count',
      'b.trial_only',
    ]);
}

type SelectedBoard = Awaited<ReturnType<ReturnType<typeof selectBoards>['executeTakeFirstOrThrow']>>;

function toBoard(row: SelectedBoard): BoardRow {
  return {
    id: idOf(row.id),
    ownerId: idOf(row.owner_id),
    ownerUsername: row.username,
    name: row.name,
    description: row.description,
    privacy: row.privacy,
    isAdsOnly: boolOf(row.is_ads_only),
    createdAt: row.created_at,
    pinsModifiedAt: row.pins_modified_at,
    pinCount: intOf(row.pin_count),
    followerCount: intOf(row.follower_count),
    collaboratorCount: intOf(row.collaborator_count),
    trialOnly: boolOf(row.trial_only),
  };
}

export class BoardsRepo {
  /** Every board and board-page read starts here: built and compiled once. */
  private readonly selectById;

  constructor(
    readonly db: Kysely<Database>,
    reader: FastReader | null = null,
  ) {
    this.selectById = preparedQuery(db, ['id'], (p) => selectBoards(db).where('b.id', '=', p.id), reader);
  }

  /** Throws the driver's unique violation when the owner already has a board of that name. */
  async insert(board: NewBoard): Promise<void> {
    await this.db
      .insertInto('boards')
      .values({
        id: board.id,
        owner_id: board.ownerId,
        name: board.name,
        name_key: caseKey(board.name),
        description: board.description,
        privacy: board.privacy,
        is_ads_only: boolToDb(board.isAdsOnly),
        created_app_id: board.createdAppId,
        trial_only: boolToDb(board.trialOnly === true),
        created_at: board.createdAt,
        pins_modified_at: board.createdAt,
        pin_count: 0,
        follower_count: 0,
        collaborator_count: 0,
      })
      .execute();
  }

  async findById(id: string): Promise<BoardRow | null> {
    if (!isValidId(id)) return null;
    const [row] = await this.selectById({ id });
    return row ? toBoard(row) : null;
  }

  /** Whether the owner has another board whose name matches case-insensitively. */
  async nameTaken(ownerId: string, name: string, exceptBoardId?: string): Promise<boolean> {
    let query = this.db
      .selectFrom('boards')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('name_key', '=', caseKey(name));
    if (exceptBoardId) query = query.where('id', '<>', exceptBoardId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** One page (plus one row) of the owner's boards the viewer may see, newest first. */
  async listOwned(input: {
    ownerId: string;
    visible: VisibleBoards;
    privacies: Privacy[] | null;
    afterId: string | null;
    limit: number;
  }): Promise<BoardRow[]> {
    let query = selectBoards(this.db)
      .where('b.owner_id', '=', input.ownerId)
      .where(visibleBoardCondition('b', input.visible));
    if (input.privacies) query = query.where('b.privacy', 'in', input.privacies);
    if (input.afterId) query = query.where('b.id', '<', input.afterId);
    const rows = await query.orderBy('b.id', 'desc').limit(input.limit).execute();
    return rows.map(toBoard);
  }

  async update(id: string, patch: BoardPatch): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.name !== undefined) {
      values.name = patch.name;
      values.name_key = caseKey(patch.name);
    }
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.privacy !== undefined) values.privacy = patch.privacy;
    if (patch.isAdsOnly !== undefined) values.is_ads_only = boolToDb(patch.isAdsOnly);
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('boards').set(values).where('id', '=', id).execute();
  }

  /**
   * Deletes the board; its sections and pins go by FK cascade. Returns the media roots no
   * pin uses any more, for the caller to remove once the transaction has committed.
   */
  async delete(id: string): Promise<{ deleted: boolean; unusedRoots: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const roots = (
        await trx.selectFrom('pins').select('media_root').distinct().where('board_id', '=', id).execute()
      ).map((r) => idOf(r.media_root));
      const result = await trx.deleteFrom('boards').where('id', '=', id).executeTakeFirst();
      const deleted = BigInt(result.numDeletedRows) > 0n;
      return { deleted, unusedRoots: deleted ? await unusedMediaRoots(trx, roots) : [] };
    });
  }

  /** How many pins of each board the viewer may see (for boards the viewer does not own). */
  async visiblePinCounts(boardIds: string[], visiblePins: VisibleBoards): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (boardIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('pins as p')
      .innerJoin('boards as b', 'b.id', 'p.board_id')
      .select(['p.board_id', (eb) => eb.fn.countAll().as('n')])
      .where('p.board_id', 'in', boardIds)
      .where(visibleBoardCondition('b', visiblePins, 'p'))
      .groupBy('p.board_id')
      .execute();
    for (const row of rows) result.set(idOf(row.board_id), intOf(row.n));
    return result;
  }

  /**
   * The newest `perBoard` pins' media of each board, for covers and thumbnails, in one query
   * (a ROW_NUMBER window works on both databases). Only pins the viewer may see count.
   */
  async newestPinMedia(
    boardIds: string[],
    visiblePins: VisibleBoards,
    perBoard: number,
  ): Promise<Map<string, PinMediaRecord[]>> {
    const result = new Map<string, PinMediaRecord[]>();
    if (boardIds.length === 0) return result;
    const ranked = this.db
      .selectFrom('pins as p')
      .innerJoin('boards as b', 'b.id', 'p.board_id')
      .select([
        'p.board_id',
        'p.media_json',
        sql<number>`row_number() over (partition by p.board_id order by p.id desc)`.as('rn'),
      ])
      .where('p.board_id', 'in', boardIds)
      .where(visibleBoardCondition('b', visiblePins, 'p'))
      .as('ranked');
    const rows = await this.db
      .selectFrom(ranked)
      .select(['ranked.board_id', 'ranked.media_json'])
      .where('ranked.rn', '<=', perBoard)
      .orderBy('ranked.board_id')
      .orderBy('ranked.rn')
      .execute();
    for (const row of rows) {
      const boardId = idOf(row.board_id);
      const list = result.get(boardId) ?? [];
      list.push(parseMedia(row.media_json));
      result.set(boardId, list);
    }
    return result;
  }
}
