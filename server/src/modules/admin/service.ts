import { randomBytes } from 'node:crypto';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { notFound, notPermitted } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import type { UserRow } from '../accounts/repo.js';
import type { AccountsService } from '../accounts/service.js';
import { afterKey, pageOf, type PageRequest } from '../boards/paging.js';
import type { OutboxRepo, OutboxRow } from '../email/repo.js';
import type { SessionContext } from '../sessions/service.js';
import { hashToken } from '../tokens/service.js';
import type { AdminRepo, InviteRow, SignupMode } from './repo.js';

export const INVITE_TTL_MS = 14 * 24 * 3600 * 1000;

export interface CreatedInvite {
  code: string;
  email: string | null;
  expiresAt: string;
}

/** What admins control: who may sign up, invites, the mail outbox, and who else is an admin. */
export class AdminService {
  constructor(
    private readonly deps: {
      repo: AdminRepo;
      outbox: OutboxRepo;
      accounts: AccountsService;
      ids: IdGenerator;
      bookmarks: BookmarkCodec;
    },
  ) {}

  /** The signed-in admin, or 403 code 29 (401 code 2 when nobody is signed in is the caller's job). */
  async requireAdmin(session: SessionContext): Promise<UserRow> {
    const user = await this.deps.accounts.getById(session.userId);
    if (!user?.isAdmin) throw notPermitted('Only administrators may do that.');
    return user;
  }

  signupMode(): Promise<SignupMode> {
    return this.deps.repo.signupMode();
  }

  async setSignupMode(mode: SignupMode): Promise<SignupMode> {
    await this.deps.repo.setSignupMode(mode);
    return mode;
  }

  /** A new invite code, shown once: only its hash is kept. */
  async createInvite(createdBy: string | null, email: string | null): Promise<CreatedInvite> {
    const code = `inv_${randomBytes(18).toString('base64url')}`;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + INVITE_TTL_MS).toISOString();
    await this.deps.repo.insertInvite({
      id: this.deps.ids.next(),
      codeHash: hashToken(code),
      createdBy,
      email,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { code, email, expiresAt };
  }

  /** The invite a code names if it can still be used, else null. */
  async usableInvite(code: string): Promise<InviteRow | null> {
    if (code.length > 100) return null;
    const invite = await this.deps.repo.findInvite(hashToken(code));
    if (!invite || invite.usedAt !== null || Date.parse(invite.expiresAt) <= Date.now()) return null;
    return invite;
  }

  /** Uses the invite for a new user; false when someone else used it first or it just expired. */
  claimInvite(invite: InviteRow, userId: string): Promise<boolean> {
    return this.deps.repo.claimInvite(invite.id, userId, nowIso());
  }

  /** The outbox, newest first, in keyset pages. */
  async listOutbox(input: PageRequest): Promise<Page<OutboxRow>> {
    const scope = 'admin/outbox';
    const after = afterKey(this.deps.bookmarks, scope, input.bookmark);
    const rows = await this.deps.outbox.listNewest({ afterId: after, limit: input.pageSize + 1 });
    return pageOf(this.deps.bookmarks, scope, rows, input.pageSize, (row) => row.id);
  }

  /** `corkboard admin grant NAME`: makes an existing user an admin. */
  async grant(username: string): Promise<UserRow> {
    const user = await this.deps.accounts.getByUsername(username);
    if (!user) throw notFound(`No user named "${username}".`);
    if (!user.isAdmin) await this.deps.accounts.setAdmin(user.id, true);
    return { ...user, isAdmin: true };
  }
}
