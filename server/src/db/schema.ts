import type { Generated } from 'kysely';

/**
 * Table types. Ids are bound as decimal strings; what comes back depends on the driver
 * (bigint from better-sqlite3 with safeIntegers, string from pg), so repos read every
 * column through the converters in values.ts.
 */
type Id = string;
type DbInt = number | bigint | string;
/** ISO 8601 text with milliseconds and Z: sorts correctly as text on both databases. */
type Timestamp = string;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface WorkerLeasesTable {
  worker_id: DbInt;
  holder: string;
  expires_at_ms: DbInt;
}

export interface UsersTable {
  id: Id;
  username: string;
  username_key: string;
  email: string | null;
  email_key: string | null;
  password_hash: string | null;
  account_type: 'PINNER' | 'BUSINESS';
  business_name: string | null;
  about: string;
  website_url: string;
  profile_image_url: string;
  is_admin: DbInt;
  created_at: Timestamp;
}

export interface AppsTable {
  id: Id;
  owner_id: Id | null;
  name: string;
  description: string;
  /** TRIAL or STANDARD, as Pinterest's access tiers. */
  tier: string;
  status: string;
  is_builtin: DbInt;
  created_at: Timestamp;
}

export interface AccessTokensTable {
  id: Id;
  token_hash: string;
  kind: 'access' | 'refresh';
  user_id: Id;
  app_id: Id;
  scopes: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface BoardsTable {
  id: Id;
  owner_id: Id;
  name: string;
  name_key: string;
  description: string | null;
  privacy: 'PUBLIC' | 'PROTECTED' | 'SECRET';
  is_ads_only: DbInt;
  created_app_id: Id | null;
  created_at: Timestamp;
  pins_modified_at: Timestamp;
  pin_count: DbInt;
  follower_count: DbInt;
  collaborator_count: DbInt;
}

export interface BoardSectionsTable {
  id: Id;
  board_id: Id;
  name: string;
  name_key: string;
  created_at: Timestamp;
}

export interface PinsTable {
  id: Id;
  owner_id: Id;
  board_id: Id;
  board_section_id: Id | null;
  parent_pin_id: Id | null;
  title: string | null;
  description: string | null;
  link: string | null;
  alt_text: string | null;
  dominant_color: string | null;
  creative_type: string;
  is_standard: DbInt;
  has_been_promoted: DbInt;
  /** JSON: the stored media (see modules/media/types.ts StoredPinMedia). */
  media_json: string;
  /** Storage prefix of the files; saved pins share their parent's, files go when the last pin does. */
  media_root: Id;
  created_app_id: Id | null;
  created_at: Timestamp;
}

export interface Database {
  settings: SettingsTable;
  worker_leases: WorkerLeasesTable;
  users: UsersTable;
  apps: AppsTable;
  access_tokens: AccessTokensTable;
  boards: BoardsTable;
  board_sections: BoardSectionsTable;
  pins: PinsTable;
}

export type { Generated };
