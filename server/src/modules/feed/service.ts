import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import type { PinRow, PinsRepo } from '../pins/repo.js';
import { visibleBoardsFor, type Viewer } from '../visibility/policy.js';

/**
 * The web app's pin lists that are not one board: the home feed and a person's pins. Both go
 * through the visibility rule like every other read.
 */
export class FeedService {
  constructor(private readonly deps: { pinsRepo: PinsRepo; bookmarks: BookmarkCodec }) {}

  /**
   * The home feed until follows exist: the newest public pins of everyone, the viewer's own
   * included. It is read as a viewer without secret scopes, so it shows what anyone may see.
   */
  async recent(viewer: Viewer, input: PageRequest): Promise<Page<PinRow>> {
    const publicViewer: Viewer = { userId: viewer.userId, scopes: new Set() };
    const scope = `web/feed|${viewer.userId}`;
    const rows = await this.deps.pinsRepo.list({
      visible: visibleBoardsFor(publicViewer, 'pin', { includeProtected: false }),
      afterId: afterKey(this.deps.bookmarks, scope, input.bookmark),
      limit: input.pageSize + 1,
    });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (pin) => pin.id);
  }

  /** A person's pins the viewer may see, newest first: those they created, or those they saved. */
  async pinsOf(
    viewer: Viewer,
    ownerId: string,
    input: PageRequest & { origin: 'created' | 'saved' },
  ): Promise<Page<PinRow>> {
    const scope = `web/user-pins|${viewer.userId}|${ownerId}|${input.origin}`;
    const rows = await this.deps.pinsRepo.list({
      visible: visibleBoardsFor(viewer, 'pin', { includeProtected: false }),
      ownerId,
      origin: input.origin,
      afterId: afterKey(this.deps.bookmarks, scope, input.bookmark),
      limit: input.pageSize + 1,
    });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (pin) => pin.id);
  }
}
