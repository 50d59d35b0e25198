import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { invalidField, missingScope, notFound, notPermitted, type ApiError } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import { isForeignKeyViolation } from '../boards/constraints.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import type { BoardRow } from '../boards/repo.js';
import { boardNotFoundError, type BoardsService } from '../boards/service.js';
import { checkLink, checkText, isHexColor, validIdOrNull } from '../boards/validation.js';
import type { MediaService } from '../media/service.js';
import type { ImageSource } from '../media/types.js';
import type { MediaUploadsService } from '../media/uploads-service.js';
import type { SectionsRepo } from '../sections/repo.js';
import {
  boardReadDecision,
  boardWriteDecision,
  createsTrialOnly,
  pinVisibility,
  pinsOnReadableBoard,
  visibleBoardsFor,
  type Viewer,
} from '../visibility/policy.js';
import type { PinMediaRecord } from './media.js';
import { mediaOf, type NewPin, type PinPatch, type PinRow, type PinsRepo } from './repo.js';

export const PIN_LIMITS = { title: 100, description: 800, link: 2048, altText: 500 } as const;

export type PinSourceType =
  'image_base64' | 'image_url' | 'video_id' | 'multiple_image_base64' | 'multiple_image_urls' | 'pin_url';

/** Pinterest's PinMediaSource, as the request gives it (wire names). */
export interface PinMediaSourceInput {
  source_type: PinSourceType;
  content_type?: 'image/jpeg' | 'image/png';
  data?: string;
  url?: string;
  is_standard?: boolean;
  items?: Array<{
    content_type?: 'image/jpeg' | 'image/png';
    data?: string;
    url?: string;
    title?: string;
    description?: string;
    link?: string;
  }>;
  /** video_id: the media upload and, at most one of, its cover. */
  media_id?: string;
  cover_image_url?: string;
  cover_image_content_type?: 'image/jpeg' | 'image/png';
  cover_image_data?: string;
  cover_image_key_frame_time?: number;
}

export interface PinFields {
  boardId: string;
  boardSectionId?: string | null;
  title?: string | null;
  description?: string | null;
  link?: string | null;
  altText?: string | null;
  /** Used when it is a valid "#rrggbb"; otherwise the colour computed from the image. */
  dominantColor?: string | null;
  parentPinId?: string | null;
  /** The app whose token made the pin. */
  appId?: string | null;
}

export interface PinCreateInput extends PinFields {
  mediaSource: PinMediaSourceInput;
}

export interface PinUpdateInput {
  title?: string | null;
  description?: string | null;
  link?: string | null;
  altText?: string | null;
  boardId?: string;
  boardSectionId?: string | null;
  carouselSlots?: Array<{ title?: string; description?: string; link?: string }>;
}

export interface PinListInput extends PageRequest {
  pinFilter?: 'exclude_native' | 'exclude_repins' | 'has_been_promoted';
  includeProtectedPins?: boolean;
  pinType?: 'PRIVATE';
  creativeTypes?: string[];
}

const pinNotFound = () => notFound('Pin not found.');
const sectionNotFound = () => notFound('Board section not found.');
/** pins/save's errors, as the spec's examples give them. */
const SAVE_ERRORS = {
  board: () => notFound('Board not found.', 40),
  pin: () => notFound('Pin not found.', 50),
  section: () => notFound("Sorry! We couldn't find this board section.", 2031),
};

interface PreparedPin {
  board: BoardRow;
  fields: Omit<NewPin, 'id' | 'media' | 'creativeType' | 'isStandard' | 'createdAt' | 'dominantColor'>;
  dominantColor: string | null;
}

export class PinsService {
  constructor(
    readonly deps: {
      pinsRepo: PinsRepo;
      boards: BoardsService;
      sectionsRepo: SectionsRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      media: MediaService;
      mediaUploads: MediaUploadsService;
    },
  ) {}

  /**
   * pins/create: checks every field, the board and the section first, then fetches/decodes the
   * images (outside any transaction), then inserts; the files go again if the insert fails.
   */
  async create(viewer: Viewer, input: PinCreateInput): Promise<PinRow> {
    if (input.mediaSource.source_type === 'video_id') {
      const prepared = await this.prepare(viewer, input);
      const media = await this.deps.mediaUploads.pinMedia(viewer, input.mediaSource);
      return this.insertVideoPin(viewer, prepared, media, input.mediaSource.is_standard ?? true);
    }
    const { sources, isStandard } = imageSourcesOf(input.mediaSource);
    const prepared = await this.prepare(viewer, input);
    const stored = await this.deps.media.ingest(sources, 'media_source');
    const media: PinMediaRecord = {
      ...stored,
      items: stored.items.map((item, i) => ({
        ...item,
        title: sources[i]?.title ?? null,
        link: sources[i]?.link ?? null,
        description: sourceDescription(input.mediaSource, i),
      })),
    };
    return this.insert(viewer, prepared, media, isStandard);
  }

  /**
   * A pin whose images are already stored (seeds, imports, tests). The same checks as
   * pins/create apply; the media root's files are discarded if the insert fails.
   */
  async createWithStoredMedia(
    viewer: Viewer,
    input: PinFields,
    media: PinMediaRecord,
    options: { isStandard?: boolean } = {},
  ): Promise<PinRow> {
    const prepared = await this.prepare(viewer, input);
    return this.insert(viewer, prepared, media, options.isStandard ?? true);
  }

  /** pins/get */
  async get(viewer: Viewer, pinId: string, notFoundError: () => ApiError = pinNotFound): Promise<PinRow> {
    const pin = validIdOrNull(pinId) ? await this.deps.pinsRepo.findById(pinId) : null;
    if (!pin) throw notFoundError();
    const problem = boardReadDecision(viewer, pinVisibility(pin), 'pin', notFoundError);
    if (problem) throw problem;
    return pin;
  }

  /**
   * Several pins by id in one query, each under pins/get's rule, in the order asked: the first
   * id missing or not visible (or refused by `accept`) answers as pins/get would for it.
   */
  async getMany(
    viewer: Viewer,
    pinIds: readonly string[],
    notFoundError: () => ApiError = pinNotFound,
    accept: (pin: PinRow) => boolean = () => true,
  ): Promise<PinRow[]> {
    const found = new Map((await this.deps.pinsRepo.findByIds(pinIds)).map((pin) => [pin.id, pin]));
    return pinIds.map((pinId) => {
      const pin = found.get(pinId);
      if (!pin) throw notFoundError();
      const problem = boardReadDecision(viewer, pinVisibility(pin), 'pin', notFoundError);
      if (problem) throw problem;
      if (!accept(pin)) throw notFoundError();
      return pin;
    });
  }

  /** pins/list: the viewer's own pins, newest first. */
  async list(viewer: Viewer, input: PinListInput): Promise<Page<PinRow>> {
    if (input.pinType === 'PRIVATE' && !viewer.scopes.has('pins:read_secret'))
      throw missingScope(['pins:read_secret']);
    const creativeTypes = normalizedTypes(input.creativeTypes);
    const includeProtected = input.includeProtectedPins ?? false;
    const scope = [
      'pins/list',
      viewer.userId,
      input.pinFilter ?? '',
      includeProtected ? 'protected' : '',
      input.pinType ?? '',
      creativeTypes.join(','),
    ].join('|');
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.pinsRepo.list({
      visible: visibleBoardsFor(viewer, 'pin', { includeProtected }),
      ownerId: viewer.userId,
      origin:
        input.pinFilter === 'exclude_native'
          ? 'saved'
          : input.pinFilter === 'exclude_repins'
            ? 'created'
            : undefined,
      promotedOnly: input.pinFilter === 'has_been_promoted',
      secretOnly: input.pinType === 'PRIVATE',
      creativeTypes,
      afterId: after,
      limit: input.pageSize + 1,
    });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (p) => p.id);
  }

  /** boards/list_pins: the board must be readable both as a board and for its pins. */
  async listOnBoard(
    viewer: Viewer,
    boardId: string,
    input: PageRequest & { creativeTypes?: string[] },
  ): Promise<Page<PinRow>> {
    const board = await this.readableBoardWithPins(viewer, boardId, boardNotFoundError);
    const creativeTypes = normalizedTypes(input.creativeTypes);
    const scope = ['boards/list_pins', viewer.userId, board.id, creativeTypes.join(',')].join('|');
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.pinsRepo.listOnBoard({
      board,
      ...pinsOnReadableBoard(viewer, board),
      creativeTypes,
      afterId: after,
      limit: input.pageSize + 1,
    });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (p) => p.id);
  }

  /** board_sections/list_pins */
  async listInSection(
    viewer: Viewer,
    boardId: string,
    sectionId: string,
    input: PageRequest,
  ): Promise<Page<PinRow>> {
    const notFoundError = () => notFound('Board or section not found.');
    const board = await this.readableBoardWithPins(viewer, boardId, notFoundError);
    const section = validIdOrNull(sectionId)
      ? await this.deps.sectionsRepo.findOnBoard(board.id, sectionId)
      : null;
    if (!section) throw notFoundError();
    const scope = ['board_sections/list_pins', viewer.userId, board.id, section.id].join('|');
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.pinsRepo.listOnBoard({
      board,
      ...pinsOnReadableBoard(viewer, board),
      sectionId: section.id,
      afterId: after,
      limit: input.pageSize + 1,
    });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (p) => p.id);
  }

  /** pins/update: text fields, a move to another of the owner's boards or sections, carousel slots. */
  async update(viewer: Viewer, pinId: string, input: PinUpdateInput): Promise<PinRow> {
    const patch: PinPatch = {};
    if (input.title !== undefined) patch.title = checkText('title', input.title);
    if (input.description !== undefined) patch.description = checkText('description', input.description);
    if (input.altText !== undefined) patch.altText = checkText('alt_text', input.altText);
    if (input.link !== undefined) patch.link = checkLink('link', input.link);
    input.carouselSlots?.forEach((slot, i) => {
      checkText(`carousel_slots[${i}].title`, slot.title);
      checkText(`carousel_slots[${i}].description`, slot.description);
      checkLink(`carousel_slots[${i}].link`, slot.link);
    });

    const pin = await this.writablePin(viewer, pinId, pinNotFound);
    let targetBoardId = pin.boardId;
    if (input.boardId !== undefined && input.boardId !== pin.boardId) {
      targetBoardId = (await this.deps.boards.requireWritable(viewer, input.boardId, 'pin')).id;
      patch.boardId = targetBoardId;
      patch.boardSectionId = null;
    }
    if (input.boardSectionId !== undefined) {
      if (input.boardSectionId === null) patch.boardSectionId = null;
      else
        patch.boardSectionId = (
          await this.sectionOn(targetBoardId, input.boardSectionId, sectionNotFound)
        ).id;
    }
    if (input.carouselSlots !== undefined) patch.media = withCarouselSlots(mediaOf(pin), input.carouselSlots);

    if (!(await this.deps.pinsRepo.update(pin, patch, nowIso()))) {
      throw patch.boardSectionId ? sectionNotFound() : boardNotFoundError();
    }
    return this.get(viewer, pin.id);
  }

  /** pins/delete: the owner's pin; its files go when no other pin shares them. */
  async delete(viewer: Viewer, pinId: string): Promise<void> {
    const pin = await this.writablePin(viewer, pinId, pinNotFound);
    const { deleted, unusedRoots } = await this.deps.pinsRepo.delete(pin, nowIso());
    if (!deleted) throw pinNotFound();
    await this.deps.boards.discardRoots(unusedRoots);
  }

  /** pins/save: a new pin on the viewer's board that shares the saved pin's media (no file copy). */
  async save(
    viewer: Viewer,
    pinId: string,
    input: { boardId?: string | null; boardSectionId?: string | null; appId?: string | null },
  ): Promise<PinRow> {
    if (!input.boardId) throw invalidField('board_id', 'is required');
    const source = await this.get(viewer, pinId, SAVE_ERRORS.pin);
    const board = await this.deps.boards.requireWritable(viewer, input.boardId, 'pin', {
      notFound: SAVE_ERRORS.board,
    });
    const section = input.boardSectionId
      ? await this.sectionOn(board.id, input.boardSectionId, SAVE_ERRORS.section)
      : null;
    const pin: NewPin = {
      id: this.deps.ids.next(),
      ownerId: viewer.userId,
      boardId: board.id,
      boardSectionId: section?.id ?? null,
      parentPinId: source.id,
      title: source.title,
      description: source.description,
      link: source.link,
      altText: source.altText,
      dominantColor: source.dominantColor,
      creativeType: source.creativeType,
      isStandard: source.isStandard,
      media: mediaOf(source),
      createdAppId: input.appId ?? null,
      createdAt: nowIso(),
      trialOnly: createsTrialOnly(viewer),
    };
    const outcome = await this.deps.pinsRepo
      .insert(pin, { requireParent: source.id })
      .catch((error: unknown) => {
        if (isForeignKeyViolation(error)) return 'board_gone' as const;
        throw error;
      });
    if (outcome === 'board_gone') throw SAVE_ERRORS.board();
    if (outcome === 'section_gone') throw SAVE_ERRORS.section();
    if (outcome === 'parent_gone') throw SAVE_ERRORS.pin();
    return this.get(viewer, pin.id);
  }

  private async prepare(viewer: Viewer, input: PinFields): Promise<PreparedPin> {
    const title = checkText('title', input.title);
    const description = checkText('description', input.description);
    const altText = checkText('alt_text', input.altText);
    const link = checkLink('link', input.link);
    const board = await this.deps.boards.requireWritable(viewer, input.boardId, 'pin');
    const section = input.boardSectionId
      ? await this.sectionOn(board.id, input.boardSectionId, sectionNotFound)
      : null;
    const parent = input.parentPinId ? await this.get(viewer, input.parentPinId) : null;
    return {
      board,
      fields: {
        ownerId: viewer.userId,
        boardId: board.id,
        boardSectionId: section?.id ?? null,
        parentPinId: parent?.id ?? null,
        title: title ?? null,
        description: description ?? null,
        link: link ?? null,
        altText: altText ?? null,
        createdAppId: input.appId ?? null,
        trialOnly: createsTrialOnly(viewer),
      },
      dominantColor: isHexColor(input.dominantColor) ? input.dominantColor : null,
    };
  }

  /**
   * A video pin: its media upload makes this pin only (taken with a compare-and-set before the
   * insert, given back if the pin is not made), so a second pins/create with the same
   * media_id is a 400 naming media_source.media_id.
   */
  private async insertVideoPin(
    viewer: Viewer,
    prepared: PreparedPin,
    media: PinMediaRecord,
    isStandard: boolean,
  ): Promise<PinRow> {
    const mediaId = media.video?.mediaId;
    if (!mediaId) throw new Error('a video pin without its media upload');
    const pinId = this.deps.ids.next();
    try {
      await this.deps.mediaUploads.takeForPin(mediaId, pinId, media.root);
    } catch (error) {
      await this.deps.media.discardRoot(media.root).catch(() => undefined);
      throw error;
    }
    try {
      return await this.insert(viewer, prepared, media, isStandard, pinId);
    } catch (error) {
      if (!(await this.deps.pinsRepo.findById(pinId).catch(() => null)))
        await this.deps.mediaUploads.releaseFromPin(mediaId, pinId).catch(() => undefined);
      throw error;
    }
  }

  private async insert(
    viewer: Viewer,
    prepared: PreparedPin,
    media: PinMediaRecord,
    isStandard: boolean,
    id: string = this.deps.ids.next(),
  ): Promise<PinRow> {
    const pin: NewPin = {
      ...prepared.fields,
      id,
      media,
      creativeType:
        media.type === 'multiple_images' ? 'CAROUSEL' : media.type === 'video' ? 'VIDEO' : 'REGULAR',
      isStandard,
      dominantColor: prepared.dominantColor ?? media.items[0]?.image.dominantColor ?? null,
      createdAt: nowIso(),
    };
    let outcome: Awaited<ReturnType<PinsRepo['insert']>>;
    try {
      outcome = await this.deps.pinsRepo.insert(pin);
    } catch (error) {
      await this.deps.media.discardRoot(media.root).catch(() => undefined);
      if (isForeignKeyViolation(error)) throw boardNotFoundError();
      throw error;
    }
    if (outcome !== 'inserted') {
      await this.deps.media.discardRoot(media.root).catch(() => undefined);
      throw outcome === 'section_gone' ? sectionNotFound() : boardNotFoundError();
    }
    return this.get(viewer, pin.id);
  }

  private async readableBoardWithPins(
    viewer: Viewer,
    boardId: string,
    notFoundError: () => ApiError,
  ): Promise<BoardRow> {
    const board = await this.deps.boards.requireReadable(viewer, boardId, 'board', notFoundError);
    const problem = boardReadDecision(viewer, board, 'pin', notFoundError);
    if (problem) throw problem;
    return board;
  }

  private async writablePin(viewer: Viewer, pinId: string, notFoundError: () => ApiError): Promise<PinRow> {
    const pin = validIdOrNull(pinId) ? await this.deps.pinsRepo.findById(pinId) : null;
    if (!pin) throw notFoundError();
    const problem = boardWriteDecision(viewer, pinVisibility(pin), 'pin', notFoundError, () =>
      notPermitted(),
    );
    if (problem) throw problem;
    if (pin.ownerId !== viewer.userId) throw notPermitted();
    return pin;
  }

  private async sectionOn(boardId: string, sectionId: string, notFoundError: () => ApiError) {
    const section = validIdOrNull(sectionId)
      ? await this.deps.sectionsRepo.findOnBoard(boardId, sectionId)
      : null;
    if (!section) throw notFoundError();
    return section;
  }
}

/** The media service's sources for a PinMediaSource, checking what the JSON schema cannot. */
export function imageSourcesOf(source: PinMediaSourceInput): { sources: ImageSource[]; isStandard: boolean } {
  const isStandard = source.is_standard ?? true;
  switch (source.source_type) {
    case 'image_base64':
      if (!source.content_type) throw invalidField('media_source.content_type', 'is required');
      if (!source.data) throw invalidField('media_source.data', 'is required');
      return {
        sources: [{ kind: 'base64', data: source.data, contentType: source.content_type }],
        isStandard,
      };
    case 'image_url':
      if (!source.url) throw invalidField('media_source.url', 'is required');
      checkImageUrl('media_source.url', source.url);
      return { sources: [{ kind: 'url', url: source.url }], isStandard };
    case 'multiple_image_base64':
    case 'multiple_image_urls': {
      const items = source.items;
      if (!items) throw invalidField('media_source.items', 'is required');
      if (items.length < 2 || items.length > 5)
        throw invalidField('media_source.items', 'must have 2 to 5 images');
      const sources = items.map((item, i): ImageSource => {
        const at = `media_source.items[${i}]`;
        const title = checkText(`${at}.title`, item.title) ?? null;
        checkText(`${at}.description`, item.description);
        const link = checkLink(`${at}.link`, item.link) ?? null;
        if (source.source_type === 'multiple_image_urls') {
          if (!item.url) throw invalidField(`${at}.url`, 'is required');
          checkImageUrl(`${at}.url`, item.url);
          return { kind: 'url', url: item.url, title, link };
        }
        if (!item.content_type) throw invalidField(`${at}.content_type`, 'is required');
        if (!item.data) throw invalidField(`${at}.data`, 'is required');
        return { kind: 'base64', data: item.data, contentType: item.content_type, title, link };
      });
      return { sources, isStandard: true };
    }
    case 'video_id':
      throw invalidField('media_source.source_type', '"video_id" makes a video Pin, not an image');
    case 'pin_url':
      throw invalidField('media_source.source_type', `"${source.source_type}" is not supported yet`);
  }
}

function checkImageUrl(field: string, url: string): void {
  if (checkLink(field, url) === null) throw invalidField(field, 'is required');
}

function sourceDescription(source: PinMediaSourceInput, index: number): string | null {
  return source.items?.[index]?.description ?? null;
}

/** Carousel slots update the title, description and link of the images at the same index. */
function withCarouselSlots(
  media: PinMediaRecord,
  slots: NonNullable<PinUpdateInput['carouselSlots']>,
): PinMediaRecord {
  if (media.type !== 'multiple_images')
    throw invalidField('carousel_slots', 'can only be given for a carousel Pin');
  if (slots.length > media.items.length) {
    throw invalidField(
      'carousel_slots',
      `has ${slots.length} slots but the Pin has ${media.items.length} images`,
    );
  }
  return {
    ...media,
    items: media.items.map((item, i) => {
      const slot = slots[i];
      if (!slot) return item;
      return {
        ...item,
        title: slot.title !== undefined ? slot.title : item.title,
        description: slot.description !== undefined ? slot.description : (item.description ?? null),
        link:
          slot.link !== undefined ? (checkLink(`carousel_slots[${i}].link`, slot.link) ?? null) : item.link,
      };
    }),
  };
}

function normalizedTypes(types: string[] | undefined): string[] {
  return [...new Set(types ?? [])].sort();
}
