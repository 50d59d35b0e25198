import type { BookmarkCodec } from '../../lib/bookmark.js';
import type { IdGenerator } from '../../lib/ids.js';
import type { BoardsService } from '../boards/service.js';
import type { PinsRepo } from '../pins/repo.js';
import type { SectionsRepo } from './repo.js';

export class SectionsService {
  constructor(
    readonly deps: {
      sectionsRepo: SectionsRepo;
      boards: BoardsService;
      pinsRepo: PinsRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
    },
  ) {}
}
