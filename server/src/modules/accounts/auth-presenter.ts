import type { UserRow } from './repo.js';

/** The signed-in user as the web app sees it (`SignedInUser`). */
export function presentSignedInUser(user: UserRow) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerifiedAt !== null,
    account_type: user.accountType,
    is_admin: user.isAdmin,
  };
}
