import { toRfc3339 } from '../../lib/time.js';
import type { BoardView } from './service.js';

export type UrlFor = (key: string) => string;

/** Pinterest's `Board` (and `BoardWithUpdatePrivacy`, which has the same fields). */
export function presentBoard(view: BoardView, urlFor: UrlFor) {
  const { board } = view;
  return {
    id: board.id,
    created_at: toRfc3339(board.createdAt),
    board_pins_modified_at: toRfc3339(board.pinsModifiedAt),
    name: board.name,
    description: board.description,
    owner: { username: board.ownerUsername },
    privacy: board.privacy,
    is_ads_only: board.isAdsOnly,
    media: {
      image_cover_url: view.coverKey ? urlFor(view.coverKey) : null,
      pin_thumbnail_urls: view.thumbnailKeys.map(urlFor),
    },
    pin_count: view.pinCount,
    follower_count: board.followerCount,
    collaborator_count: board.collaboratorCount,
  };
}
