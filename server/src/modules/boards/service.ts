import type { BookmarkCodec } from '../../lib/bookmark.js';
import type { IdGenerator } from '../../lib/ids.js';
import type { MediaService } from '../media/service.js';
import type { PinsRepo } from '../pins/repo.js';
import type { BoardsRepo } from './repo.js';

export class BoardsService {
  constructor(
    readonly deps: {
      boardsRepo: BoardsRepo;
      pinsRepo: PinsRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      media: MediaService;
    },
  ) {}
}
