import { sql, type Kysely, type Transaction } from 'kysely';
import type { FastReader } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { preparedQuery, ShapedQueries } from '../../db/prepared.js';
import { boolOf, boolToDb, idOf, idOrNull } from '../../db/values.js';
import { isValidId } from '../../lib/ids.js';
import type { Privacy, VisibleBoards } from '../visibility/policy.js';
import type { CreativeType } from './schemas.js';
import { visibleBoardCondition } from '../visibility/sql.js';
import { parseMedia, serializeMedia, type PinMediaRecord } from './media.js';
import { mediaViewOf } from './media-view.js';

/** What a pin row holds, as read back and as inserted. */
interface PinFields {
  id: string;
  ownerId: string;
  boardId: string;
  boardSectionId: string | null;
  parentPinId: string | null;
  title: string | null;
  description: string | null;
  link: string | null;
  altText: string | null;
  dominantColor: string | null;
  creativeType: CreativeType;
  isStandard: boolean;
}

/**
 * A pin's media as stored: the JSON text of its PinMediaRecord and, when stored, the API's view
 * of it (pins.media_view, media-view.ts). The two are read together and never change apart:
 * new media is written through the repo and read back. Parsed only by what needs the record
 * (`mediaOf`); the API's pin reads splice the view instead (presenter.ts PinJsonWriter).
 */
export interface StoredMediaText {
  readonly json: string;
  readonly view: string | null;
}

export interface PinRow extends PinFields {
  storedMedia: StoredMediaText;
  hasBeenPromoted: boolean;
  mediaRoot: string;
  createdAt: string;
  /** Created through a Trial app: only its creator sees it. */
  trialOnly: boolean;
  /** The board the pin is on: its visibility is the pin's. */
  board: { ownerId: string; ownerUsername: string; privacy: Privacy; trialOnly: boolean };
}

/** The pin's stored media, parsed. */
export function mediaOf(pin: Pick<PinRow, 'storedMedia'>): PinMediaRecord {
  return parseMedia(pin.storedMedia.json);
}

export interface NewPin extends PinFields {
  media: PinMediaRecord;
  createdAppId: string | null;
  createdAt: string;
  /** Created through a Trial app (decided at creation, never changed). */
  trialOnly?: boolean;
}

export interface PinPatch {
  title?: string | null;
  description?: string | null;
  link?: string | null;
  altText?: string | null;
  boardId?: string;
  boardSectionId?: string | null;
  media?: PinMediaRecord;
}

export interface PinListQuery {
  visible: VisibleBoards;
  ownerId?: string;
  boardId?: string;
  sectionId?: string;
  /** Saved pins only (a parent pin), or only pins the owner created. */
  origin?: 'saved' | 'created';
  promotedOnly?: boolean;
  /** Only pins on secret boards (pin_type=PRIVATE). */
  secretOnly?: boolean;
  creativeTypes?: string[];
  afterId: string | null;
  limit: number;
}

/** A page of one board's pins, the board already read and found readable by the viewer. */
export interface BoardPinsQuery {
  board: PinRow['board'] & { id: string };
  /** Whether the viewer sees the board's trial-only pins (policy.pinsOnReadableBoard). */
  includeTrialOnly: boolean;
  sectionId?: string;
  creativeTypes?: string[];
  afterId: string | null;
  limit: number;
}

export type InsertOutcome = 'inserted' | 'board_gone' | 'section_gone' | 'parent_gone';

type Executor = Kysely<Database> | Transaction<Database>;

/** The pin's own columns, as every read selects them. */
const PIN_COLUMNS = [
  'p.id',
  'p.owner_id',
  'p.board_id',
  'p.board_section_id',
  'p.parent_pin_id',
  'p.title',
  'p.description',
  'p.link',
  'p.alt_text',
  'p.dominant_color',
  'p.creative_type',
  'p.is_standard',
  'p.has_been_promoted',
  'p.media_json',
  'p.media_view',
  'p.media_root',
  'p.created_at',
  'p.trial_only',
] as const;

function selectPins(db: Executor) {
  return db
    .selectFrom('pins as p')
    .innerJoin('boards as b', 'b.id', 'p.board_id')
    .innerJoin('users as u', 'u.id', 'b.owner_id')
    .select([
      ...PIN_COLUMNS,
      'b.owner_id as board_owner_id',
      'b.privacy as board_privacy',
      'b.trial_only as board_trial_only',
      'u.username as board_owner_username',
    ]);
}

/** Pins alone, for pages of a board already read (and its visibility decided). */
function selectPinsOnly(db: Executor) {
  return db.selectFrom('pins as p').select(PIN_COLUMNS);
}

type SelectedPin = Awaited<ReturnType<ReturnType<typeof selectPins>['executeTakeFirstOrThrow']>>;

type SelectedPinOnly = Awaited<ReturnType<ReturnType<typeof selectPinsOnly>['executeTakeFirstOrThrow']>>;

function toPinOn(row: SelectedPinOnly, board: PinRow['board']): PinRow {
  return {
    id: idOf(row.id),
    ownerId: idOf(row.owner_id),
    boardId: idOf(row.board_id),
    boardSectionId: idOrNull(row.board_section_id),
    parentPinId: idOrNull(row.parent_pin_id),
    title: row.title,
    description: row.description,
    link: row.link,
    altText: row.alt_text,
    dominantColor: row.dominant_color,
    creativeType: row.creative_type as CreativeType,
    isStandard: boolOf(row.is_standard),
    hasBeenPromoted: boolOf(row.has_been_promoted),
    storedMedia: { json: row.media_json, view: row.media_view },
    mediaRoot: idOf(row.media_root),
    createdAt: row.created_at,
    trialOnly: boolOf(row.trial_only),
    board,
  };
}

function toPin(row: SelectedPin): PinRow {
  return toPinOn(row, {
    ownerId: idOf(row.board_owner_id),
    ownerUsername: row.board_owner_username,
    privacy: row.board_privacy,
    trialOnly: boolOf(row.board_trial_only),
  });
}

/** Of `roots`, those no pin uses any more (their files can go). */
export async function unusedMediaRoots(db: Executor, roots: string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  const used = new Set(
    (
      await db.selectFrom('pins').select('media_root').distinct().where('media_root', 'in', roots).execute()
    ).map((r) => idOf(r.media_root)),
  );
  return roots.filter((root) => !used.has(root));
}

/** A board gained or lost pins: keep its count and "pins modified" time in step. */
async function touchBoard(
  db: Executor,
  boardId: string,
  delta: number,
  now: string,
  ownerId?: string,
): Promise<boolean> {
  let query = db
    .updateTable('boards')
    .set({ pin_count: sql`pin_count + ${delta}`, pins_modified_at: now })
    .where('id', '=', boardId);
  if (ownerId) query = query.where('owner_id', '=', ownerId);
  const result = await query.executeTakeFirst();
  return BigInt(result.numUpdatedRows) > 0n;
}

/** Named arguments of the pin-list query; creative types take one slot each (13 at most: the enum's size). */
const LIST_ARGS = [
  'viewerId',
  'ownerId',
  'boardId',
  'sectionId',
  'afterId',
  'limit',
  ...([
    'type0',
    'type1',
    'type2',
    'type3',
    'type4',
    'type5',
    'type6',
    'type7',
    'type8',
    'type9',
    'type10',
    'type11',
    'type12',
  ] as const),
] as const;
type ListArg = (typeof LIST_ARGS)[number];
const typeArg = (i: number) => LIST_ARGS[6 + i] as ListArg;

export class PinsRepo {
  /** pins/get runs far more than anything else: built and compiled once. */
  private readonly selectById;
  /** Pages of pins (board pages, section pages, the caller's pins), compiled once per filter shape. */
  private readonly listQueries;
  /** Pages of one board's pins (pins alone, the board known), compiled once per filter shape. */
  private readonly boardPageQueries;

  constructor(
    readonly db: Kysely<Database>,
    reader: FastReader | null = null,
  ) {
    this.selectById = preparedQuery(db, ['id'], (p) => selectPins(db).where('p.id', '=', p.id), reader);
    this.listQueries = new ShapedQueries<ListArg, SelectedPin, Database>(db, LIST_ARGS, reader);
    this.boardPageQueries = new ShapedQueries<ListArg, SelectedPinOnly, Database>(db, LIST_ARGS, reader);
  }

  /**
   * Inserts the pin and counts it on its board in one transaction. The board (still the
   * owner's), the section (still on that board) and, for a saved pin, the parent (whose files
   * the new pin shares) are re-checked inside it, so a concurrent delete cannot orphan anything.
   */
  async insert(pin: NewPin, options: { requireParent?: string } = {}): Promise<InsertOutcome> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (!(await touchBoard(trx, pin.boardId, 1, pin.createdAt, pin.ownerId))) return 'board_gone';
        if (pin.boardSectionId) {
          const section = await trx
            .selectFrom('board_sections')
            .select('id')
            .where('id', '=', pin.boardSectionId)
            .where('board_id', '=', pin.boardId)
            .executeTakeFirst();
          if (!section) throw new RollbackWith('section_gone');
        }
        if (options.requireParent) {
          const parent = await trx
            .selectFrom('pins')
            .select('id')
            .where('id', '=', options.requireParent)
            .executeTakeFirst();
          if (!parent) throw new RollbackWith('parent_gone');
        }
        await trx
          .insertInto('pins')
          .values({
            id: pin.id,
            owner_id: pin.ownerId,
            board_id: pin.boardId,
            board_section_id: pin.boardSectionId,
            parent_pin_id: pin.parentPinId,
            title: pin.title,
            description: pin.description,
            link: pin.link,
            alt_text: pin.altText,
            dominant_color: pin.dominantColor,
            creative_type: pin.creativeType,
            is_standard: boolToDb(pin.isStandard),
            has_been_promoted: 0,
            media_json: serializeMedia(pin.media),
            media_view: mediaViewOf(pin.media),
            media_root: pin.media.root,
            created_app_id: pin.createdAppId,
            trial_only: boolToDb(pin.trialOnly === true),
            created_at: pin.createdAt,
          })
          .execute();
        return 'inserted' as const;
      })
      .catch((error: unknown) => {
        if (error instanceof RollbackWith) return error.outcome;
        throw error;
      });
  }

  async findById(id: string): Promise<PinRow | null> {
    if (!isValidId(id)) return null;
    const [row] = await this.selectById({ id });
    return row ? toPin(row) : null;
  }

  /** Pins by id with their boards, in one query (ids not found are left out; any order). */
  async findByIds(ids: readonly string[]): Promise<PinRow[]> {
    const valid = [...new Set(ids.filter((id) => isValidId(id)))];
    if (valid.length === 0) return [];
    const rows = await selectPins(this.db).where('p.id', 'in', valid).execute();
    return rows.map(toPin);
  }

  /**
   * One page (plus one row) of a board's pins, newest first: the board was read and its
   * visibility decided once, so the page reads `pins` alone, without joining every row to its
   * board and owner.
   */
  async listOnBoard(query: BoardPinsQuery): Promise<PinRow[]> {
    const types = query.creativeTypes ?? [];
    const shape = [query.includeTrialOnly, !!query.sectionId, types.length, query.afterId !== null].join('|');
    const rows = await this.boardPageQueries.run(
      shape,
      (p) => {
        let q = selectPinsOnly(this.db).where('p.board_id', '=', p.boardId);
        if (!query.includeTrialOnly) q = q.where('p.trial_only', '=', 0);
        if (query.sectionId) q = q.where('p.board_section_id', '=', p.sectionId);
        if (types.length > 0)
          q = q.where(
            'p.creative_type',
            'in',
            types.map((_, i) => p[typeArg(i)]),
          );
        if (query.afterId !== null) q = q.where('p.id', '<', p.afterId);
        return q.orderBy('p.id', 'desc').limit(p.limit);
      },
      {
        boardId: query.board.id,
        sectionId: query.sectionId,
        afterId: query.afterId,
        limit: query.limit,
        ...Object.fromEntries(types.map((t, i) => [`type${i}`, t])),
      },
    );
    const board: PinRow['board'] = {
      ownerId: query.board.ownerId,
      ownerUsername: query.board.ownerUsername,
      privacy: query.board.privacy,
      trialOnly: query.board.trialOnly,
    };
    return rows.map((row) => toPinOn(row, board));
  }

  /** One page (plus one row) of pins the viewer may see, newest first. */
  async list(query: PinListQuery): Promise<PinRow[]> {
    const types = query.creativeTypes ?? [];
    // The SQL depends only on which filters are present: compiled once per such shape.
    const shape = [
      query.visible.ownProtected,
      query.visible.ownSecret,
      !!query.ownerId,
      !!query.boardId,
      !!query.sectionId,
      query.origin ?? '',
      !!query.promotedOnly,
      !!query.secretOnly,
      types.length,
      query.afterId !== null,
    ].join('|');
    const rows = await this.listQueries.run(
      shape,
      (p) => {
        let q = selectPins(this.db).where(
          visibleBoardCondition('b', { ...query.visible, viewerId: p.viewerId }, 'p'),
        );
        if (query.ownerId) q = q.where('p.owner_id', '=', p.ownerId);
        if (query.boardId) q = q.where('p.board_id', '=', p.boardId);
        if (query.sectionId) q = q.where('p.board_section_id', '=', p.sectionId);
        if (query.origin === 'saved') q = q.where('p.parent_pin_id', 'is not', null);
        if (query.origin === 'created') q = q.where('p.parent_pin_id', 'is', null);
        if (query.promotedOnly) q = q.where('p.has_been_promoted', '=', 1);
        if (query.secretOnly) q = q.where('b.privacy', '=', 'SECRET');
        if (types.length > 0)
          q = q.where(
            'p.creative_type',
            'in',
            types.map((_, i) => p[typeArg(i)]),
          );
        if (query.afterId !== null) q = q.where('p.id', '<', p.afterId);
        return q.orderBy('p.id', 'desc').limit(p.limit);
      },
      {
        viewerId: query.visible.viewerId,
        ownerId: query.ownerId,
        boardId: query.boardId,
        sectionId: query.sectionId,
        afterId: query.afterId,
        limit: query.limit,
        ...Object.fromEntries(types.map((t, i) => [`type${i}`, t])),
      },
    );
    return rows.map(toPin);
  }

  /**
   * Applies the patch; a move to another board updates both boards' counts and times in the
   * same transaction. Returns false when the target board or section vanished meanwhile.
   */
  async update(pin: PinRow, patch: PinPatch, now: string): Promise<boolean> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const moving = patch.boardId !== undefined && patch.boardId !== pin.boardId;
        if (moving) {
          if (!(await touchBoard(trx, patch.boardId!, 1, now, pin.ownerId))) return false;
          await touchBoard(trx, pin.boardId, -1, now);
        }
        const targetBoard = patch.boardId ?? pin.boardId;
        if (patch.boardSectionId) {
          const section = await trx
            .selectFrom('board_sections')
            .select('id')
            .where('id', '=', patch.boardSectionId)
            .where('board_id', '=', targetBoard)
            .executeTakeFirst();
          if (!section) throw new RollbackWith('section_gone');
        }
        const values: Record<string, unknown> = {};
        if (patch.title !== undefined) values.title = patch.title;
        if (patch.description !== undefined) values.description = patch.description;
        if (patch.link !== undefined) values.link = patch.link;
        if (patch.altText !== undefined) values.alt_text = patch.altText;
        if (patch.boardId !== undefined) values.board_id = patch.boardId;
        if (patch.boardSectionId !== undefined) values.board_section_id = patch.boardSectionId;
        if (patch.media !== undefined) {
          values.media_json = serializeMedia(patch.media);
          values.media_view = mediaViewOf(patch.media);
        }
        if (Object.keys(values).length > 0)
          await trx.updateTable('pins').set(values).where('id', '=', pin.id).execute();
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof RollbackWith) return false;
        throw error;
      });
  }

  /** Deletes the pin and uncounts it; returns its media root when no other pin uses it. */
  async delete(pin: PinRow, now: string): Promise<{ deleted: boolean; unusedRoots: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('pins').where('id', '=', pin.id).executeTakeFirst();
      if (BigInt(result.numDeletedRows) === 0n) return { deleted: false, unusedRoots: [] };
      await touchBoard(trx, pin.boardId, -1, now);
      return { deleted: true, unusedRoots: await unusedMediaRoots(trx, [pin.mediaRoot]) };
    });
  }
}

/** Aborts a transaction with an outcome the caller turns into a 404. */
class RollbackWith extends Error {
  constructor(readonly outcome: Exclude<InsertOutcome, 'inserted'>) {
    super(outcome);
  }
}
