import { caseKey } from '../../db/index.js';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { ApiError, conflict, invalidField, notFound } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import { isUniqueViolation } from '../boards/constraints.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import type { BoardsService } from '../boards/service.js';
import { checkName, validIdOrNull } from '../boards/validation.js';
import type { Viewer } from '../visibility/policy.js';
import type { SectionRow, SectionsRepo } from './repo.js';

export const SECTION_NAME_MAX = 180;

/** The spec's examples for board section errors. */
const sectionNotFound = () => notFound('Board section not found.');
const notAuthorized = (action: string) => () => new ApiError(403, 403, `Not authorized to ${action}.`);
const duplicateName = () =>
  conflict('Board section conflict: the board already has a section with this name.');

export class SectionsService {
  constructor(
    readonly deps: {
      sectionsRepo: SectionsRepo;
      boards: BoardsService;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
    },
  ) {}

  /** board_sections/list: sections of a board the viewer may read, newest first. */
  async list(viewer: Viewer, boardId: string, input: PageRequest): Promise<Page<SectionRow>> {
    const board = await this.deps.boards.requireReadable(viewer, boardId, 'board');
    const scope = `board_sections/list|${viewer.userId}|${board.id}`;
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.sectionsRepo.listByBoard(board.id, after, input.pageSize + 1);
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (s) => s.id);
  }

  /** board_sections/create: names are 1 to 180 characters, unique on the board ignoring case. */
  async create(viewer: Viewer, boardId: string, input: { name: string }): Promise<SectionRow> {
    const name = checkSectionName(input.name);
    const board = await this.deps.boards.requireWritable(viewer, boardId, 'board', {
      notPermitted: notAuthorized('create board sections'),
    });
    const { sectionsRepo, ids } = this.deps;
    if (await sectionsRepo.nameTaken(board.id, name)) throw duplicateName();
    const section: SectionRow = { id: ids.next(), boardId: board.id, name, createdAt: nowIso() };
    try {
      await sectionsRepo.insert(section);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName();
      throw error;
    }
    return section;
  }

  /** board_sections/update: renames the section. */
  async update(
    viewer: Viewer,
    boardId: string,
    sectionId: string,
    input: { name: string },
  ): Promise<SectionRow> {
    const name = checkSectionName(input.name);
    const section = await this.writableSection(viewer, boardId, sectionId, 'update board section');
    const { sectionsRepo } = this.deps;
    if (await sectionsRepo.nameTaken(section.boardId, name, section.id)) throw duplicateName();
    try {
      await sectionsRepo.rename(section.id, name);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName();
      throw error;
    }
    return { ...section, name };
  }

  /** board_sections/delete: the section and its Pins (the board's count follows). */
  async delete(viewer: Viewer, boardId: string, sectionId: string): Promise<void> {
    const section = await this.writableSection(viewer, boardId, sectionId, 'delete board section');
    const { deleted, unusedRoots } = await this.deps.sectionsRepo.delete(section, nowIso());
    if (!deleted) throw sectionNotFound();
    await this.deps.boards.discardRoots(unusedRoots);
  }

  private async writableSection(
    viewer: Viewer,
    boardId: string,
    sectionId: string,
    action: string,
  ): Promise<SectionRow> {
    const board = await this.deps.boards.requireWritable(viewer, boardId, 'board', {
      notPermitted: notAuthorized(action),
    });
    const section = validIdOrNull(sectionId)
      ? await this.deps.sectionsRepo.findOnBoard(board.id, sectionId)
      : null;
    if (!section) throw sectionNotFound();
    return section;
  }
}

function checkSectionName(value: string): string {
  const name = checkName('name', value, SECTION_NAME_MAX);
  // board_sections.name_key is varchar(180): NFKC can lengthen a name.
  if ([...caseKey(name)].length > SECTION_NAME_MAX) throw invalidField('name', 'is too long');
  return name;
}
