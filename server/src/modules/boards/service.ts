import { caseKey } from '../../db/index.js';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import {
  conflict,
  invalidField,
  missingScope,
  notFound,
  notPermitted,
  type ApiError,
} from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import type { MediaService } from '../media/service.js';
import { firstImageKey } from '../pins/media.js';
import type { Scope } from '../tokens/scopes.js';
import {
  boardReadDecision,
  boardWriteDecision,
  createsTrialOnly,
  visibleBoardsFor,
  writeSecretScopeFor,
  type ObjectKind,
  type Privacy,
  type Viewer,
} from '../visibility/policy.js';
import { isUniqueViolation } from './constraints.js';
import { afterKey, pageOf, type PageRequest } from './paging.js';
import type { BoardPatch, BoardRow, BoardsRepo } from './repo.js';
import { checkName, checkText, validIdOrNull } from './validation.js';

export const BOARD_NAME_MAX = 180;
export const BOARD_DESCRIPTION_MAX = 500;
/** boards.name_key is varchar(200): NFKC can lengthen a name, so the key is checked too. */
const NAME_KEY_MAX = 200;
const THUMBNAILS_PER_BOARD = 5;

export type BoardPrivacyFilter = 'ALL' | 'PUBLIC' | 'PROTECTED' | 'SECRET' | 'PUBLIC_AND_SECRET';

/** A board as the viewer may see it: covers, thumbnails and counts only from pins they may see. */
export interface BoardView {
  board: BoardRow;
  /** Storage key of the newest visible pin's 400x300 image. */
  coverKey: string | null;
  /** Storage keys of up to 5 newest visible pins' 150x150 images. */
  thumbnailKeys: string[];
  /** Pins on the board the viewer may see (all of them, or none when the pins are secret to this token). */
  pinCount: number;
}

export interface BoardCreateInput {
  name: string;
  description?: string | null;
  privacy?: Privacy;
  isAdsOnly?: boolean;
  /** The app whose token made the board. */
  appId?: string | null;
}

export interface BoardUpdateInput {
  name?: string;
  description?: string | null;
  privacy?: 'PUBLIC' | 'SECRET';
}

export interface BoardWriteErrors {
  notFound?: () => ApiError;
  notPermitted?: () => ApiError;
}

export const boardNotFoundError = () => notFound('Board not found.');

export class BoardsService {
  constructor(
    readonly deps: {
      boardsRepo: BoardsRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      media: MediaService;
      /** Video uploads whose pins are all gone go with their media roots (MediaUploadsService). */
      videoUploads?: { removeUnused(roots: readonly string[]): Promise<number> };
    },
  ) {}

  /** boards/create: the viewer's new board. Ads-only boards are PROTECTED, and PROTECTED ones ads-only. */
  async create(viewer: Viewer, input: BoardCreateInput): Promise<BoardView> {
    const name = this.checkBoardName(input.name);
    const description = this.checkDescription(input.description);
    const isAdsOnly = input.isAdsOnly === true || input.privacy === 'PROTECTED';
    const privacy: Privacy = isAdsOnly ? 'PROTECTED' : (input.privacy ?? 'PUBLIC');
    if (privacy === 'SECRET') this.requireScope(viewer, writeSecretScopeFor('board'));
    const { boardsRepo, ids } = this.deps;
    if (await boardsRepo.nameTaken(viewer.userId, name)) throw duplicateOnCreate();
    const id = ids.next();
    try {
      await boardsRepo.insert({
        id,
        ownerId: viewer.userId,
        name,
        description: description ?? null,
        privacy,
        isAdsOnly,
        createdAppId: input.appId ?? null,
        createdAt: nowIso(),
        trialOnly: createsTrialOnly(viewer),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateOnCreate();
      throw error;
    }
    return this.get(viewer, id);
  }

  /** boards/get */
  async get(viewer: Viewer, boardId: string): Promise<BoardView> {
    const board = await this.requireReadable(viewer, boardId, 'board');
    return (await this.views(viewer, [board]))[0]!;
  }

  /** boards/list: the viewer's own boards, filtered by privacy, newest first. */
  async list(
    viewer: Viewer,
    input: PageRequest & { privacy?: BoardPrivacyFilter },
  ): Promise<Page<BoardView>> {
    const filter = input.privacy ?? 'ALL';
    const privacies = privaciesFor(filter);
    if (privacies?.includes('SECRET') && !viewer.scopes.has('boards:read_secret'))
      throw missingScope(['boards:read_secret']);
    const scope = `boards/list|${viewer.userId}|${filter}`;
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.boardsRepo.listOwned({
      ownerId: viewer.userId,
      visible: visibleBoardsFor(viewer, 'board'),
      privacies,
      afterId: after,
      limit: input.pageSize + 1,
    });
    const page = pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (b) => b.id);
    return { items: await this.views(viewer, page.items), bookmark: page.bookmark };
  }

  /** A person's boards the viewer may see (the web app's profile page), newest first. */
  async listOfOwner(viewer: Viewer, ownerId: string, input: PageRequest): Promise<Page<BoardView>> {
    const scope = `web/user-boards|${viewer.userId}|${ownerId}`;
    const rows = await this.deps.boardsRepo.listOwned({
      ownerId,
      visible: visibleBoardsFor(viewer, 'board', { includeProtected: false }),
      privacies: null,
      afterId: afterKey(this.deps.bookmarks, scope, input.bookmark),
      limit: input.pageSize + 1,
    });
    const page = pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (b) => b.id);
    return { items: await this.views(viewer, page.items), bookmark: page.bookmark };
  }

  /** boards/update: name, description, privacy (PUBLIC or SECRET). */
  async update(viewer: Viewer, boardId: string, input: BoardUpdateInput): Promise<BoardView> {
    const patch: BoardPatch = {};
    if (input.name !== undefined) patch.name = this.checkBoardName(input.name);
    if (input.description !== undefined) patch.description = this.checkDescription(input.description);
    const board = await this.requireWritable(viewer, boardId, 'board');
    if (input.privacy !== undefined) {
      if (input.privacy === 'SECRET' && board.privacy !== 'SECRET')
        this.requireScope(viewer, writeSecretScopeFor('board'));
      patch.privacy = input.privacy;
      patch.isAdsOnly = false;
    }
    const { boardsRepo } = this.deps;
    if (patch.name !== undefined && (await boardsRepo.nameTaken(board.ownerId, patch.name, board.id))) {
      throw duplicateOnUpdate();
    }
    try {
      await boardsRepo.update(board.id, patch);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateOnUpdate();
      throw error;
    }
    return this.get(viewer, board.id);
  }

  /** boards/delete: the board, its sections and pins; files of pins nobody else shares go after commit. */
  async delete(viewer: Viewer, boardId: string): Promise<void> {
    const board = await this.requireWritable(viewer, boardId, 'board');
    const { deleted, unusedRoots } = await this.deps.boardsRepo.delete(board.id);
    if (!deleted) throw boardNotFoundError();
    await this.discardRoots(unusedRoots);
  }

  /**
   * The board if the viewer may read it (as a board, or as the pins on it): 404 when they may
   * not see it, 403 code 3 when a secret scope is missing.
   */
  async requireReadable(
    viewer: Viewer,
    boardId: string,
    kind: ObjectKind,
    notFoundError: () => ApiError = boardNotFoundError,
  ): Promise<BoardRow> {
    const board = validIdOrNull(boardId) ? await this.deps.boardsRepo.findById(boardId) : null;
    if (!board) throw notFoundError();
    const problem = boardReadDecision(viewer, board, kind, notFoundError);
    if (problem) throw problem;
    return board;
  }

  /** The board if the viewer may write to it (or to the pins on it); see policy.boardWriteDecision. */
  async requireWritable(
    viewer: Viewer,
    boardId: string,
    kind: ObjectKind,
    errors: BoardWriteErrors = {},
  ): Promise<BoardRow> {
    const notFoundError = errors.notFound ?? boardNotFoundError;
    const board = validIdOrNull(boardId) ? await this.deps.boardsRepo.findById(boardId) : null;
    if (!board) throw notFoundError();
    const problem = boardWriteDecision(
      viewer,
      board,
      kind,
      notFoundError,
      errors.notPermitted ?? (() => notPermitted()),
    );
    if (problem) throw problem;
    return board;
  }

  /** Removes files of media roots no pin uses; after a commit, so failures only leak files. */
  async discardRoots(roots: string[]): Promise<void> {
    if (roots.length === 0) return;
    await Promise.allSettled(roots.map((root) => this.deps.media.discardRoot(root)));
    // A failure here leaves the upload to the cleanup job's next run.
    await this.deps.videoUploads?.removeUnused(roots).catch(() => undefined);
  }

  /** Covers, thumbnails and counts for a page of boards, with one query for all their pins. */
  private async views(viewer: Viewer, boards: BoardRow[]): Promise<BoardView[]> {
    const visiblePins = visibleBoardsFor(viewer, 'pin');
    const media = await this.deps.boardsRepo.newestPinMedia(
      boards.map((b) => b.id),
      visiblePins,
      THUMBNAILS_PER_BOARD,
    );
    // The stored count includes trial-only pins only their creator sees: count for others.
    const othersBoards = boards.filter((b) => b.ownerId !== viewer.userId).map((b) => b.id);
    const othersCounts = await this.deps.boardsRepo.visiblePinCounts(othersBoards, visiblePins);
    return boards.map((board) => {
      const newest = media.get(board.id) ?? [];
      const pinsVisible = boardReadDecision(viewer, board, 'pin', boardNotFoundError) === null;
      return {
        board,
        coverKey: newest[0] ? firstImageKey(newest[0], '400x300') : null,
        thumbnailKeys: newest.map((m) => firstImageKey(m, '150x150')).filter((k): k is string => k !== null),
        pinCount: !pinsVisible
          ? 0
          : board.ownerId === viewer.userId
            ? board.pinCount
            : (othersCounts.get(board.id) ?? 0),
      };
    });
  }

  private checkBoardName(value: string): string {
    const name = checkName('name', value, BOARD_NAME_MAX);
    if ([...caseKey(name)].length > NAME_KEY_MAX) throw invalidField('name', 'is too long');
    return name;
  }

  private checkDescription(value: string | null | undefined): string | null | undefined {
    checkText('description', value);
    if (typeof value === 'string' && [...value].length > BOARD_DESCRIPTION_MAX) {
      throw invalidField('description', `must be at most ${BOARD_DESCRIPTION_MAX} characters`);
    }
    return value;
  }

  private requireScope(viewer: Viewer, scope: string): void {
    if (!viewer.scopes.has(scope as Scope)) throw missingScope([scope]);
  }
}

function privaciesFor(filter: BoardPrivacyFilter): Privacy[] | null {
  switch (filter) {
    case 'ALL':
      return null;
    case 'PUBLIC_AND_SECRET':
      return ['PUBLIC', 'SECRET'];
    default:
      return [filter];
  }
}

const duplicateOnCreate = () => conflict('You already have a board with this name.');
const duplicateOnUpdate = () => conflict('Could not edit board: you already have a board with that name.');
