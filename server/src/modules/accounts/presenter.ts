import type { UserRow } from './repo.js';

/** Pinterest's `Account` schema. */
export function presentAccount(
  user: UserRow,
  counts: { boardCount: number; pinCount: number },
  urlFor: (key: string) => string,
) {
  return {
    account_type: user.accountType,
    id: user.id,
    profile_image: user.profileImageKey ? urlFor(user.profileImageKey) : user.profileImageUrl,
    website_url: user.websiteUrl,
    username: user.username,
    about: user.about,
    business_name: user.accountType === 'BUSINESS' ? user.businessName : null,
    board_count: counts.boardCount,
    pin_count: counts.pinCount,
    follower_count: 0,
    following_count: 0,
    monthly_views: user.accountType === 'BUSINESS' ? 0 : null,
  };
}
