import { randomBytes } from 'node:crypto';
import type { App } from '../../src/http/types.js';
import type { UserRow } from '../../src/modules/accounts/repo.js';
import type { BoardRow } from '../../src/modules/boards/repo.js';
import { PIN_IMAGE_SIZES, type StoredImage } from '../../src/modules/media/types.js';
import type { PinMediaRecord } from '../../src/modules/pins/media.js';
import type { PinRow } from '../../src/modules/pins/repo.js';
import type { SectionRow } from '../../src/modules/sections/repo.js';
import { ALL_SCOPES, type Scope } from '../../src/modules/tokens/scopes.js';
import type { Viewer } from '../../src/modules/visibility/policy.js';

/** Every scope Corkboard issues: the default for a factory token. */
export const EVERY_SCOPE: Scope[] = [...ALL_SCOPES];

export interface TestUser {
  user: UserRow;
  token: string;
  /** Authorization header for app.inject. */
  auth: { authorization: string };
}

export interface BoardOptions {
  owner?: TestUser;
  name?: string;
  description?: string | null;
  privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET';
}

export interface PinOptions {
  owner?: TestUser;
  /** Defaults to a new public board of the owner. */
  board?: BoardRow;
  section?: SectionRow;
  title?: string | null;
  description?: string | null;
  link?: string | null;
  /** A carousel of this many images (2 to 5); one image by default. */
  carouselItems?: number;
}

/** Every scope: what factories act with, as the owner would through a full token. */
export function viewerOf(user: TestUser): Viewer {
  return { userId: user.user.id, scopes: new Set(EVERY_SCOPE) };
}

/** Builds test data through the services, each piece with its own owner unless one is given. */
export class Factories {
  constructor(private readonly app: App) {}

  async user(
    options: { username?: string; accountType?: 'PINNER' | 'BUSINESS'; scopes?: Scope[] } = {},
  ): Promise<TestUser> {
    const ctx = this.app.ctx;
    const user = await ctx.accounts.create({
      username: options.username ?? `user_${randomBytes(4).toString('hex')}`,
      accountType: options.accountType ?? 'PINNER',
      businessName: options.accountType === 'BUSINESS' ? 'Test Business' : null,
    });
    const token = await this.token(user.id, options.scopes ?? EVERY_SCOPE);
    return { user, token, auth: { authorization: `Bearer ${token}` } };
  }

  async token(userId: string, scopes: Scope[], ttlSeconds?: number): Promise<string> {
    const ctx = this.app.ctx;
    const issued = await ctx.tokens.issue({
      userId,
      appId: await ctx.apps.builtinCliAppId(),
      scopes,
      ttlSeconds,
    });
    return issued.token;
  }

  /** A token for the same user without some scopes. */
  async tokenWithout(userId: string, without: string[]): Promise<{ authorization: string }> {
    const token = await this.token(
      userId,
      EVERY_SCOPE.filter((s) => !without.includes(s)),
    );
    return { authorization: `Bearer ${token}` };
  }

  /** A board through BoardsService (with its own owner unless one is given). */
  async board(options: BoardOptions = {}): Promise<BoardRow & { owner: TestUser }> {
    const owner = options.owner ?? (await this.user());
    const view = await this.app.ctx.boards.create(viewerOf(owner), {
      name: options.name ?? `Board ${randomBytes(4).toString('hex')}`,
      description: options.description ?? null,
      privacy: options.privacy ?? 'PUBLIC',
    });
    return { ...view.board, owner };
  }

  /** A board section through SectionsService (on a new board unless one is given). */
  async section(
    options: { board?: BoardRow & { owner: TestUser }; name?: string } = {},
  ): Promise<SectionRow> {
    const board = options.board ?? (await this.board());
    return this.app.ctx.sections.create(viewerOf(board.owner), board.id, {
      name: options.name ?? `Section ${randomBytes(4).toString('hex')}`,
    });
  }

  /**
   * A pin through PinsService with synthetic stored media (keys, sizes and a colour, no files),
   * so board, list and visibility tests need no image work. pins/create tests use real images.
   */
  async pin(options: PinOptions = {}): Promise<PinRow & { owner: TestUser }> {
    const owner = options.owner ?? (await this.user());
    const board = options.board ?? (await this.board({ owner }));
    const pin = await this.app.ctx.pins.createWithStoredMedia(
      viewerOf(owner),
      {
        boardId: board.id,
        boardSectionId: options.section?.id ?? null,
        title: options.title === undefined ? 'A test pin' : options.title,
        description: options.description ?? null,
        link: options.link ?? null,
      },
      this.syntheticMedia(options.carouselItems ?? 1),
    );
    return { ...pin, owner };
  }

  /** Stored media as the media service would describe it, without writing files. */
  syntheticMedia(items = 1): PinMediaRecord {
    const root = this.app.ctx.ids.next();
    const image = (index: number): StoredImage => {
      const prefix = `pins/${root.slice(-2)}/${root}/${index}`;
      const dims: Record<string, [number, number]> = {
        '150x150': [150, 150],
        '400x300': [400, 300],
        '600x': [600, 450],
        '1200x': [1200, 900],
      };
      return {
        original: { key: `${prefix}/original.jpg`, width: 1200, height: 900 },
        sizes: Object.fromEntries(
          PIN_IMAGE_SIZES.map((size) => [
            size,
            { key: `${prefix}/${size}.jpg`, width: dims[size]![0], height: dims[size]![1] },
          ]),
        ) as StoredImage['sizes'],
        dominantColor: '#336699',
      };
    };
    return {
      root,
      type: items > 1 ? 'multiple_images' : 'image',
      items: Array.from({ length: items }, (_, i) => ({
        image: image(i),
        title: null,
        link: null,
        description: null,
      })),
    };
  }
}
