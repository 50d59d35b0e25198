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
  email_verified_at: Timestamp | null;
  /** JSON: BusinessProfile (modules/business). */
  business_profile_json: string | null;
  profile_image_key: string | null;
  website_verification_code: string | null;
  password_changed_at: Timestamp | null;
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
  client_id: string | null;
  client_secret_hash: string | null;
  icon_key: string | null;
  website_url: Generated<string>;
  /** JSON array of exact redirect URIs. */
  redirect_uris: Generated<string>;
  rejection_reason: string | null;
  reviewed_at: Timestamp | null;
  reviewed_by: Id | null;
  secret_rotated_at: Timestamp | null;
}

export interface AccessTokensTable {
  id: Id;
  token_hash: string;
  kind: 'access' | 'refresh' | 'client';
  user_id: Id;
  app_id: Id;
  scopes: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** For an access token made by a refresh: the refresh token it came from. */
  refresh_token_id: Id | null;
  /** A refresh token's secret before its last rotation (migrations/0011_refresh_token_reuse.ts). */
  previous_hash: string | null;
  /** When a refresh token was last rotated. */
  rotated_at: Timestamp | null;
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
  trial_only: Generated<DbInt>;
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
  /** JSON: the media as the API presents it, URLs marked (modules/pins/media-view.ts); null: made from media_json. */
  media_view: string | null;
  /** Storage prefix of the files; saved pins share their parent's, files go when the last pin does. */
  media_root: Id;
  created_app_id: Id | null;
  created_at: Timestamp;
  trial_only: Generated<DbInt>;
}

export interface SessionsTable {
  id: Id;
  token_hash: string;
  user_id: Id;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  user_agent: string;
}

export interface EmailTokensTable {
  id: Id;
  token_hash: string;
  user_id: Id;
  kind: 'verify_email' | 'reset_password';
  email: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface OutboxTable {
  id: Id;
  to_address: string;
  subject: string;
  text_body: string;
  /** 'smtp' when sent through SMTP_URL, 'outbox' when only kept here. */
  delivery: string;
  created_at: Timestamp;
}

export interface InvitesTable {
  id: Id;
  code_hash: string;
  created_by: Id | null;
  email: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_by: Id | null;
  used_at: Timestamp | null;
}

export interface WebsitesTable {
  id: Id;
  user_id: Id;
  website: string;
  website_key: string;
  method: string;
  verified_at: Timestamp;
}

export interface OauthCodesTable {
  id: Id;
  code_hash: string;
  app_id: Id;
  user_id: Id;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface RequestLogTable {
  id: Id;
  app_id: Id;
  user_id: Id | null;
  token_prefix: string;
  method: string;
  path: string;
  operation_id: string | null;
  status: DbInt;
  latency_ms: DbInt;
  created_at: Timestamp;
}

/** Raw analytics events (see migrations/0003_analytics.ts). */
export interface AnalyticsEventsTable {
  id: Id;
  event_type: string;
  pin_id: Id | null;
  owner_id: Id;
  viewer_id: Id | null;
  app_type: string;
  value: DbInt;
  occurred_at: Timestamp;
  day: string;
  dedupe_key: string | null;
}

/** Daily metric sums, one column per metric (see METRIC_COLUMNS in migrations/0003_analytics.ts). */
export interface AnalyticsMetricColumns {
  impression: Generated<DbInt>;
  pin_click: Generated<DbInt>;
  outbound_click: Generated<DbInt>;
  save: Generated<DbInt>;
  comment: Generated<DbInt>;
  reaction: Generated<DbInt>;
  profile_visit: Generated<DbInt>;
  user_follow: Generated<DbInt>;
  video_start: Generated<DbInt>;
  video_10s_view: Generated<DbInt>;
  video_mrc_view: Generated<DbInt>;
  video_q95_view: Generated<DbInt>;
  video_watch_time_ms: Generated<DbInt>;
  video_v50_watch_time_ms: Generated<DbInt>;
}

export interface AnalyticsAccountPinDailyTable extends AnalyticsMetricColumns {
  user_id: Id;
  pin_id: Id;
  day: string;
  app_type: string;
  source: string;
  claimed: DbInt;
  pin_format: string;
}

export interface AnalyticsAccountDailyTable extends AnalyticsMetricColumns {
  user_id: Id;
  day: string;
  app_type: string;
  source: string;
  claimed: DbInt;
  pin_format: string;
}

/** Per-app sandbox settings (migrations/0006_app_sandbox_settings.ts). */
export interface AppSandboxSettingsTable {
  app_id: Id;
  /** JSON: FaultSettings (modules/app-sandbox/faults.ts). */
  faults_json: string;
  inspector_enabled: DbInt;
  updated_at: Timestamp;
}

/** The call inspector's bodies (migrations/0007_request_log_bodies.ts). */
export interface RequestLogBodiesTable {
  request_id: Id;
  app_id: Id;
  request_body: string | null;
  request_truncated: DbInt;
  response_body: string | null;
  response_truncated: DbInt;
  content_type: string | null;
}

/** Video uploads and their processing jobs (see migrations/0004_media_uploads.ts). */
export interface MediaUploadsTable {
  id: Id;
  owner_id: Id;
  media_type: string;
  status: 'registered' | 'processing' | 'succeeded' | 'failed';
  upload_token_hash: string;
  upload_expires_at: Timestamp;
  source_key: string | null;
  size_bytes: DbInt | null;
  video_key: string | null;
  cover_key: string | null;
  duration_ms: DbInt | null;
  width: DbInt | null;
  height: DbInt | null;
  failure_reason: string | null;
  attempts: Generated<DbInt>;
  lease_owner: string | null;
  lease_expires_at_ms: DbInt | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The pin made from this upload (migrations/0009_media_upload_pin.ts). */
  pin_id: Id | null;
  /** That pin's media root, shared by its saves (migrations/0010_media_upload_root.ts). */
  pin_media_root: Id | null;
}

/** Lifetime sums per account and pin (migrations/0008_analytics_pin_totals.ts). */
export interface AnalyticsAccountPinTotalsTable extends AnalyticsMetricColumns {
  user_id: Id;
  pin_id: Id;
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
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  outbox: OutboxTable;
  invites: InvitesTable;
  websites: WebsitesTable;
  oauth_codes: OauthCodesTable;
  request_log: RequestLogTable;
  analytics_events: AnalyticsEventsTable;
  analytics_account_pin_daily: AnalyticsAccountPinDailyTable;
  analytics_account_daily: AnalyticsAccountDailyTable;
  analytics_account_pin_totals: AnalyticsAccountPinTotalsTable;
  app_sandbox_settings: AppSandboxSettingsTable;
  request_log_bodies: RequestLogBodiesTable;
  media_uploads: MediaUploadsTable;
}

export type { Generated };
