import type { Kysely } from 'kysely';
import { caseKey } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { boolOf, idOf, intOf } from '../../db/values.js';
import type { VisibleBoards } from '../visibility/policy.js';
import { visibleBoardCondition } from '../visibility/sql.js';

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  accountType: 'PINNER' | 'BUSINESS';
  businessName: string | null;
  about: string;
  websiteUrl: string;
  profileImageUrl: string;
  /** Storage key of the profile picture (modules/business); its URL is built from PUBLIC_URL. */
  profileImageKey: string | null;
  isAdmin: boolean;
  createdAt: string;
  /** When the user proved they own `email`, or null. */
  emailVerifiedAt: string | null;
}

export interface NewUser {
  id: string;
  username: string;
  email: string | null;
  passwordHash: string | null;
  accountType: 'PINNER' | 'BUSINESS';
  businessName: string | null;
  about?: string;
  websiteUrl?: string;
  isAdmin?: boolean;
  createdAt: string;
}

const columns = [
  'id',
  'username',
  'email',
  'account_type',
  'business_name',
  'about',
  'website_url',
  'profile_image_url',
  'profile_image_key',
  'is_admin',
  'created_at',
  'email_verified_at',
] as const;

function toUser(row: {
  id: unknown;
  username: string;
  email: string | null;
  account_type: 'PINNER' | 'BUSINESS';
  business_name: string | null;
  about: string;
  website_url: string;
  profile_image_url: string;
  profile_image_key: string | null;
  is_admin: unknown;
  created_at: string;
  email_verified_at: string | null;
}): UserRow {
  return {
    id: idOf(row.id),
    username: row.username,
    email: row.email,
    accountType: row.account_type,
    businessName: row.business_name,
    about: row.about,
    websiteUrl: row.website_url,
    profileImageUrl: row.profile_image_url,
    profileImageKey: row.profile_image_key,
    isAdmin: boolOf(row.is_admin),
    createdAt: row.created_at,
    emailVerifiedAt: row.email_verified_at,
  };
}

export class AccountsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(user: NewUser): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        username_key: caseKey(user.username),
        email: user.email,
        email_key: user.email ? caseKey(user.email) : null,
        password_hash: user.passwordHash,
        account_type: user.accountType,
        business_name: user.businessName,
        about: user.about ?? '',
        website_url: user.websiteUrl ?? '',
        profile_image_url: '',
        is_admin: user.isAdmin ? 1 : 0,
        created_at: user.createdAt,
      })
      .execute();
  }

  async findById(id: string): Promise<UserRow | null> {
    const row = await this.db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<UserRow | null> {
    const row = await this.db
      .selectFrom('users')
      .select(columns)
      .where('username_key', '=', caseKey(username))
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    const row = await this.db
      .selectFrom('users')
      .select(columns)
      .where('email_key', '=', caseKey(email))
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** The user a log-in names (by username, or by email when it has an @) with their password hash. */
  async findCredentials(
    usernameOrEmail: string,
  ): Promise<{ user: UserRow; passwordHash: string | null } | null> {
    const key = caseKey(usernameOrEmail);
    const row = await this.db
      .selectFrom('users')
      .select([...columns, 'password_hash'])
      .where(usernameOrEmail.includes('@') ? 'email_key' : 'username_key', '=', key)
      .executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async findPasswordHash(userId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async setPassword(userId: string, passwordHash: string, at: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: at })
      .where('id', '=', userId)
      .execute();
  }

  /** Marks the address verified only if it is still the user's address. */
  async markEmailVerified(userId: string, email: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ email_verified_at: at })
      .where('id', '=', userId)
      .where('email_key', '=', caseKey(email))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setAdmin(userId: string, isAdmin: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ is_admin: isAdmin ? 1 : 0 })
      .where('id', '=', userId)
      .execute();
  }

  async hasAnyUser(): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  async deleteById(userId: string): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', userId).execute();
  }

  /** Boards and pins of `ownerId` that the viewer may see. */
  async countVisible(ownerId: string, visibleBoards: VisibleBoards, visiblePins: VisibleBoards) {
    const boards = await this.db
      .selectFrom('boards as b')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('b.owner_id', '=', ownerId)
      .where(visibleBoardCondition('b', visibleBoards))
      .executeTakeFirstOrThrow();
    const pins = await this.db
      .selectFrom('pins as p')
      .innerJoin('boards as b', 'b.id', 'p.board_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('p.owner_id', '=', ownerId)
      .where(visibleBoardCondition('b', visiblePins))
      .executeTakeFirstOrThrow();
    return { boardCount: intOf(boards.n), pinCount: intOf(pins.n) };
  }
}
