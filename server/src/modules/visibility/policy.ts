import { missingScope, notFound, type ApiError } from '../../lib/errors.js';
import type { AuthContext } from '../tokens/service.js';

/**
 * The one visibility rule for boards and the pins on them. Every read path (get, lists, board
 * covers, counts) goes through `boardReadDecision` for a single object or `visibleBoardsFor`
 * for SQL filters, so a secret object never leaks through a side door.
 *
 * - Another user's board is visible only when PUBLIC and not trial-only; anything else does
 *   not exist for them. What a Trial app's token creates (a board, or a pin on any board) is
 *   trial-only: only its creator sees it, as on Pinterest. A pin is trial-only when it or its
 *   board is (`pinVisibility`).
 * - The owner sees PUBLIC and PROTECTED (ads-only) boards with the plain read scope, and SECRET
 *   ones only with the `*_read_secret` scope: without it a direct request is 403 code 3 and
 *   lists leave them out.
 */
export type Viewer = Pick<AuthContext, 'userId' | 'scopes'> & {
  /** The access tier of the app the viewer acts through; absent for the server's own work. */
  tier?: AuthContext['tier'];
};
export type Privacy = 'PUBLIC' | 'PROTECTED' | 'SECRET';
export type ObjectKind = 'board' | 'pin';

export interface BoardLike {
  ownerId: string;
  privacy: Privacy;
  /** Created through a Trial app: visible only to its creator. */
  trialOnly?: boolean;
}

/** A pin is seen as its board is, and not at all by others when either is trial-only. */
export function pinVisibility(pin: { board: BoardLike; trialOnly?: boolean }): BoardLike {
  return { ...pin.board, trialOnly: pin.board.trialOnly === true || pin.trialOnly === true };
}

/**
 * Which pins of a board the viewer sees, once `boardReadDecision(viewer, board, 'pin', …)` let
 * them read it: pinVisibility applied to every pin of that board. The owner sees all of them;
 * anyone else only those that are not trial-only themselves.
 */
export function pinsOnReadableBoard(viewer: Viewer, board: BoardLike): { includeTrialOnly: boolean } {
  return { includeTrialOnly: board.ownerId === viewer.userId };
}

/** Whether what this viewer creates now is trial-only (they act through a Trial app). */
export function createsTrialOnly(viewer: Viewer): boolean {
  return viewer.tier === 'TRIAL';
}

const READ_SECRET = { board: 'boards:read_secret', pin: 'pins:read_secret' } as const;
const WRITE_SECRET = { board: 'boards:write_secret', pin: 'pins:write_secret' } as const;

/** null when the viewer may read; otherwise the error to answer with. */
export function boardReadDecision(
  viewer: Viewer,
  board: BoardLike,
  kind: ObjectKind,
  notFoundError: () => ApiError,
): ApiError | null {
  if (board.ownerId !== viewer.userId)
    return board.privacy === 'PUBLIC' && board.trialOnly !== true ? null : notFoundError();
  if (board.privacy === 'SECRET') {
    const needed = kind === 'pin' ? [READ_SECRET.pin] : [READ_SECRET.board];
    const missing = needed.filter((s) => !viewer.scopes.has(s));
    if (missing.length > 0) return missingScope(missing);
  }
  return null;
}

/**
 * For writes: the board must be the viewer's own (others' boards are not found when not
 * visible, not permitted when visible), and secret boards need the `*_write_secret` scope.
 */
export function boardWriteDecision(
  viewer: Viewer,
  board: BoardLike,
  kind: ObjectKind,
  notFoundError: () => ApiError,
  notPermittedError: () => ApiError,
): ApiError | null {
  const readProblem = boardReadDecision(viewer, board, kind, notFoundError);
  if (readProblem) return readProblem;
  if (board.ownerId !== viewer.userId) return notPermittedError();
  if (board.privacy === 'SECRET' && !viewer.scopes.has(WRITE_SECRET[kind]))
    return missingScope([WRITE_SECRET[kind]]);
  return null;
}

/** Scope needed to make or move something into a board of this privacy. */
export function writeSecretScopeFor(kind: ObjectKind): string {
  return WRITE_SECRET[kind];
}

/** What a list may include, for repos to turn into SQL. */
export interface VisibleBoards {
  viewerId: string;
  /** Viewer's own SECRET boards (needs the read_secret scope of the object listed). */
  ownSecret: boolean;
  /** Viewer's own PROTECTED (ads-only) boards. */
  ownProtected: boolean;
}

export function visibleBoardsFor(
  viewer: Viewer,
  kind: ObjectKind,
  options: { includeProtected?: boolean } = {},
): VisibleBoards {
  return {
    viewerId: viewer.userId,
    ownSecret: viewer.scopes.has(READ_SECRET[kind]),
    ownProtected: options.includeProtected ?? true,
  };
}

export const boardNotFound = () => notFound('Board not found.', 404);
