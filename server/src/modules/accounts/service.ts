import type { IdGenerator } from '../../lib/ids.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { isUniqueViolation } from '../boards/constraints.js';
import { visibleBoardsFor, type Viewer } from '../visibility/policy.js';
import type { AccountsRepo, UserRow } from './repo.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,30}$/;

export class AccountsService {
  constructor(
    private readonly repo: AccountsRepo,
    private readonly ids: IdGenerator,
  ) {}

  async create(input: {
    username: string;
    email?: string | null;
    passwordHash?: string | null;
    accountType?: 'PINNER' | 'BUSINESS';
    businessName?: string | null;
    about?: string;
    websiteUrl?: string;
    isAdmin?: boolean;
  }): Promise<UserRow> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw badRequest("Invalid field 'username': use 3 to 30 letters, digits or underscores.");
    }
    if (await this.repo.findByUsername(input.username)) throw usernameTaken(input.username);
    if (input.email && (await this.repo.findByEmail(input.email))) throw emailTaken();
    const id = this.ids.next();
    try {
      await this.repo.insert({
        id,
        username: input.username,
        email: input.email ?? null,
        passwordHash: input.passwordHash ?? null,
        accountType: input.accountType ?? 'PINNER',
        businessName: input.businessName ?? null,
        about: input.about,
        websiteUrl: input.websiteUrl,
        isAdmin: input.isAdmin,
        createdAt: new Date().toISOString(),
      });
    } catch (error) {
      // Two sign-ups racing for one name or address: the unique index decides.
      if (!isUniqueViolation(error)) throw error;
      if (await this.repo.findByUsername(input.username)) throw usernameTaken(input.username);
      throw emailTaken();
    }
    return (await this.repo.findById(id))!;
  }

  async getByEmail(email: string): Promise<UserRow | null> {
    return this.repo.findByEmail(email);
  }

  async setAdmin(userId: string, isAdmin: boolean): Promise<void> {
    await this.repo.setAdmin(userId, isAdmin);
  }

  async getByUsername(username: string): Promise<UserRow | null> {
    return this.repo.findByUsername(username);
  }

  async getById(id: string): Promise<UserRow | null> {
    return this.repo.findById(id);
  }

  /** The token owner's account with the counts they may see under the token's scopes. */
  async getOwnAccount(viewer: Viewer): Promise<{ user: UserRow; boardCount: number; pinCount: number }> {
    const user = await this.repo.findById(viewer.userId);
    if (!user) throw notFound('Account not found.');
    const counts = await this.repo.countVisible(
      user.id,
      visibleBoardsFor(viewer, 'board'),
      visibleBoardsFor(viewer, 'pin'),
    );
    return { user, ...counts };
  }
}

const usernameTaken = (username: string) => conflict(`The username "${username}" is taken.`);
const emailTaken = () => conflict('An account with this email address already exists.');
