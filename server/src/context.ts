import type { Config } from './config.js';
import type { DatabaseHandle } from './db/index.js';
import type { BookmarkCodec } from './lib/bookmark.js';
import type { CounterStore } from './lib/counters.js';
import type { IdGenerator } from './lib/ids.js';
import type { AuthService } from './modules/accounts/auth-service.js';
import type { AccountsService } from './modules/accounts/service.js';
import type { AppSandboxService } from './modules/app-sandbox/service.js';
import type { CallInspector } from './modules/app-sandbox/inspector-service.js';
import type { AdminService } from './modules/admin/service.js';
import type { AnalyticsIngestService } from './modules/analytics/ingest-service.js';
import type { AppsService } from './modules/apps/service.js';
import type { BoardsService } from './modules/boards/service.js';
import type { FeedService } from './modules/feed/service.js';
import type { Mailer } from './modules/email/mailer.js';
import type { MediaService } from './modules/media/service.js';
import type { MediaUploadsService } from './modules/media/uploads-service.js';
import type { OAuthService } from './modules/oauth/service.js';
import type { PinsService } from './modules/pins/service.js';
import type { RequestLogService } from './modules/request-log/service.js';
import type { SectionsService } from './modules/sections/service.js';
import type { SessionsService } from './modules/sessions/service.js';
import type { TokensService } from './modules/tokens/service.js';
import type { BusinessService } from './modules/business/service.js';
import type { WebsitesService } from './modules/websites/service.js';
import type { AnalyticsQueryService } from './modules/analytics/query-service.js';

/** Everything a route needs, built once per app in app.ts. Routes call services only. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  ids: IdGenerator;
  /** Rate-limit counters: memory, or Redis when REDIS_URL is set. */
  counters: CounterStore;
  /** Each /v5 call by a token, buffered and written in batches (modules/request-log). */
  requestLog: RequestLogService;
  bookmarks: BookmarkCodec;
  tokens: TokensService;
  sessions: SessionsService;
  accounts: AccountsService;
  apps: AppsService;
  oauth: OAuthService;
  media: MediaService;
  boards: BoardsService;
  sections: SectionsService;
  pins: PinsService;
  /** Mail through SMTP (SMTP_URL) and always into the admin-readable outbox. */
  mailer: Mailer;
  admin: AdminService;
  /** Sign-up, log-in, passwords and email links of the web app. */
  auth: AuthService;
  /** Claimed websites; claimedDomainsOf / isClaimedLink for analytics. */
  websites: WebsitesService;
  /** Business profiles: the conversion wizard's steps (modules/business). */
  business: BusinessService;
  /** Analytics events → raw rows and daily roll-ups (modules/analytics/ingest-service.ts). */
  analyticsIngest: AnalyticsIngestService;
  /** Analytics reads over the daily roll-ups (modules/analytics/query-service.ts). */
  analyticsQueries: AnalyticsQueryService;
  /** Per-app sandbox settings: fault injection and the call inspector (sandbox mode only). */
  appSandbox: AppSandboxService;
  /** Bodies of inspected /v5 calls, kept beside the request log (sandbox mode only). */
  callInspector: CallInspector;
  /** The web app's home feed and a person's pins (modules/feed). */
  feed: FeedService;
  /** Video uploads: media/create, media/get, media/list and the upload form (modules/media). */
  mediaUploads: MediaUploadsService;
}
