import type { BookmarkCodec } from '../../lib/bookmark.js';
import type { IdGenerator } from '../../lib/ids.js';
import type { BoardsService } from '../boards/service.js';
import type { MediaService } from '../media/service.js';
import type { SectionsRepo } from '../sections/repo.js';
import type { PinsRepo } from './repo.js';

export class PinsService {
  constructor(
    readonly deps: {
      pinsRepo: PinsRepo;
      boards: BoardsService;
      sectionsRepo: SectionsRepo;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
      media: MediaService;
    },
  ) {}
}
