import { SettableClock } from './lib/clock.js';
import { AnalyticsControlRepo } from './modules/analytics-control/repo.js';
import { registerAnalyticsControlRoutes } from './modules/analytics-control/routes.js';
import { AnalyticsControlService } from './modules/analytics-control/service.js';
import { CallInspector } from './modules/app-sandbox/inspector-service.js';
import { AppSandboxRepo, InspectedBodiesRepo } from './modules/app-sandbox/repo.js';
import { registerAppSandboxRoutes } from './modules/app-sandbox/routes.js';
import { AppSandboxService } from './modules/app-sandbox/service.js';
import Fastify from 'fastify';
import type { App } from './http/types.js';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import path from 'node:path';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase, type DatabaseHandle } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { getOrCreateSecret } from './db/settings.js';
import { WorkerLease } from './db/worker-lease.js';
import { registerErrorHandling } from './http/errors.js';
import { registerNotImplementedOperations } from './http/not-implemented.js';
import { registerOpenApi, registerOpenApiRoutes } from './http/openapi.js';
import { registerApiGuards, registerBenchCaller } from './http/api-guards.js';
import { RateLimiter } from './http/rate-limit.js';
import { registerCsvQueryArrays } from './http/query-arrays.js';
import { registerSessions } from './http/session.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { registerResponseBatching } from './http/response-batching.js';
import { registerSecurityHeaders } from './http/web-headers.js';
import { registerWebApp } from './http/web-app.js';
import { BookmarkCodec } from './lib/bookmark.js';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './lib/counters.js';
import type { HostResolver } from './lib/guarded-fetch.js';
import { IdGenerator } from './lib/ids.js';
import { registerAuthRoutes } from './modules/accounts/auth-routes.js';
import { AuthService } from './modules/accounts/auth-service.js';
import { EmailTokensRepo } from './modules/accounts/email-tokens-repo.js';
import { AccountsRepo } from './modules/accounts/repo.js';
import { AdminRepo } from './modules/admin/repo.js';
import { registerAdminRoutes } from './modules/admin/routes.js';
import { AdminService } from './modules/admin/service.js';
import { AnalyticsIngestRepo } from './modules/analytics/ingest-repo.js';
import { AnalyticsIngestService } from './modules/analytics/ingest-service.js';
import { registerBeaconRoutes } from './modules/analytics/beacon-routes.js';
import { LiveAnalytics } from './modules/analytics/ingest-live.js';
import { AnalyticsRetention, AnalyticsRetentionRepo } from './modules/analytics/retention.js';
import { registerRedirectRoutes } from './modules/analytics/redirect-routes.js';
import { Mailer } from './modules/email/mailer.js';
import { OutboxRepo } from './modules/email/repo.js';
import { registerAccountRoutes } from './modules/accounts/routes.js';
import { AccountsService } from './modules/accounts/service.js';
import { AppsRepo } from './modules/apps/repo.js';
import { AppsService } from './modules/apps/service.js';
import { registerDeveloperRoutes } from './modules/developer/routes.js';
import { OAuthRepo } from './modules/oauth/repo.js';
import { registerOAuthRoutes } from './modules/oauth/routes.js';
import { OAuthService } from './modules/oauth/service.js';
import { BoardsRepo } from './modules/boards/repo.js';
import { registerBoardRoutes } from './modules/boards/routes.js';
import { BoardsService } from './modules/boards/service.js';
import { registerBoardWebRoutes } from './modules/boards/web-routes.js';
import { FeedService } from './modules/feed/service.js';
import { registerProfileWebRoutes } from './modules/feed/web-routes.js';
import { registerMediaRoutes } from './modules/media/routes.js';
import { MediaService, type MediaServiceOptions } from './modules/media/service.js';
import { LocalDiskStorage } from './modules/media/storage.js';
import { MediaUploadsRepo } from './modules/media/uploads-repo.js';
import { registerMediaUploadRoutes } from './modules/media/uploads-routes.js';
import { registerMediaWebRoutes } from './modules/media/web-routes.js';
import { MediaUploadsService } from './modules/media/uploads-service.js';
import { VideoJobRunner } from './modules/media/video-jobs.js';
import { MediaCleanup } from './modules/media/cleanup.js';
import { VideoTools } from './modules/media/video-tools.js';
import { PinsRepo } from './modules/pins/repo.js';
import { registerPinRoutes } from './modules/pins/routes.js';
import { registerPinWebRoutes } from './modules/pins/web-routes.js';
import { registerPostmanRoutes } from './modules/postman/routes.js';
import { PostmanService } from './modules/postman/service.js';
import { RequestLogRepo } from './modules/request-log/repo.js';
import { registerRequestLogRoutes } from './modules/request-log/routes.js';
import { RequestLogService } from './modules/request-log/service.js';
import { PinsService } from './modules/pins/service.js';
import { SectionsRepo } from './modules/sections/repo.js';
import { registerSandboxRoutes } from './modules/sandbox/routes.js';
import { registerSectionRoutes } from './modules/sections/routes.js';
import { SectionsService } from './modules/sections/service.js';
import { SessionsRepo } from './modules/sessions/repo.js';
import { SessionsService } from './modules/sessions/service.js';
import { TokensRepo } from './modules/tokens/repo.js';
import { ALL_SCOPES } from './modules/tokens/scopes.js';
import { TokensService, type AuthContext } from './modules/tokens/service.js';
import { RedisTokenInvalidations } from './modules/tokens/cache.js';
import { BusinessRepo } from './modules/business/repo.js';
import { registerBusinessRoutes } from './modules/business/routes.js';
import { BusinessService } from './modules/business/service.js';
import { WebsitesRepo } from './modules/websites/repo.js';
import { registerWebsiteRoutes } from './modules/websites/routes.js';
import { WebsitesService } from './modules/websites/service.js';
import { SiteChecker, systemTxtResolver, type TxtResolver } from './modules/websites/verification.js';
import { AnalyticsQueryRepo } from './modules/analytics/query-repo.js';
import { registerAnalyticsRoutes } from './modules/analytics/routes.js';
import { registerAnalyticsWebRoutes } from './modules/analytics/web-routes.js';
import { AnalyticsQueryService } from './modules/analytics/query-service.js';

export interface BuildAppOptions {
  /** An already open database (tests); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** Test hooks for the guarded fetch (an injected DNS resolver). */
  media?: Pick<MediaServiceOptions, 'resolve'>;
  /** Test hooks for website verification: host resolver for the guarded fetch, DNS TXT lookups. */
  websites?: { resolve?: HostResolver; resolveTxt?: TxtResolver };
  logger?: boolean;
  /** Logs go to stderr (ephemeral mode keeps stdout for its one JSON line). */
  logToStderr?: boolean;
  /** Prefix of the rate-limit keys in Redis (default `corkboard:rl:`); tests give each run its own. */
  counterKeyPrefix?: string;
  /**
   * BENCHMARK ONLY (bench/auth-overhead.mjs), refused in production mode and reachable from no
   * setting or command: /v5 operations act as this user with every scope, with no token check,
   * rate limit or request log, to measure what those cost.
   */
  benchWithoutApiGuards?: { userId: string; appId: string };
  /**
   * BENCHMARK ONLY, like benchWithoutApiGuards, but switched at run time: while
   * `state.guardsOff` is true the guards are skipped and /v5 operations act as `caller`, so one
   * process can be measured with and without them (two processes of one build can differ by more
   * than the guards cost).
   */
  benchApiGuardSwitch?: { caller: { userId: string; appId: string }; state: { guardsOff: boolean } };
  /** Folder of the built web app (default web/dist); tests give their own. */
  webDistDir?: string;
}

export interface RegisteredOperation {
  operationId: string;
  method: string;
  url: string;
  scopes: readonly string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** The Pinterest operations this server implements, as registered. */
    operations: RegisteredOperation[];
    /** operationIds of the reference spec this server answers 501 for. */
    unimplementedOperations: string[];
    /** The Postman collection and environments built from our OpenAPI. */
    postman: PostmanService;
    /** Processes uploaded videos (modules/media/video-jobs.ts). */
    videoJobs: VideoJobRunner;
    /** Deletes abandoned and failed video uploads (modules/media/cleanup.ts). */
    mediaCleanup: MediaCleanup;
  }
}

/** Builds the whole server as one Fastify instance; never listens (main.ts does). */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<App> {
  const database =
    options.database ??
    openDatabase({
      databaseUrl: config.databaseUrl,
      sqlitePath: path.join(config.dataDir, 'corkboard.sqlite'),
      // WAL checkpoints in a worker thread, never inside a commit on the event loop (db/checkpointer.ts).
      backgroundCheckpointMs: 1000,
    });
  await migrateToLatest(database.db as never, database.dialect);
  const lease = await WorkerLease.acquire(database.db);
  const ids = new IdGenerator(lease.workerId);
  const bookmarks = new BookmarkCodec(await getOrCreateSecret(database.db, 'bookmark_secret'));

  // Services built before the Fastify instance log through it once it exists.
  const late: { log: { warn(details: object, message: string): void } | null } = { log: null };
  const tokens = new TokensService(
    new TokensRepo(database.db, database.fastReader),
    ids,
    config.accessTokenTtlSeconds,
    config.refreshTokenTtlSeconds,
    {
      cacheTtlMs: config.tokenCacheSeconds * 1000,
      invalidations: config.redisUrl
        ? new RedisTokenInvalidations(config.redisUrl, {
            channel: `corkboard:token-invalidations${options.counterKeyPrefix ? `:${options.counterKeyPrefix}` : ''}`,
            onError: (error) =>
              late.log?.warn(
                { err: error.message },
                `Redis for token invalidations is unreachable; other processes see revocations within TOKEN_CACHE_SECONDS`,
              ),
          })
        : null,
    },
  );
  const sessions = new SessionsService(new SessionsRepo(database.db), ids);
  const accounts = new AccountsService(new AccountsRepo(database.db), ids);
  const storage = new LocalDiskStorage(path.join(config.dataDir, 'media'));
  const apps = new AppsService(new AppsRepo(database.db), ids, {
    storage,
    autoApprove: config.appsAutoApprove,
    accessChanged: (appId) => tokens.forget({ appId }),
  });
  const oauth = new OAuthService({
    repo: new OAuthRepo(database.db),
    tokens,
    ids,
    findApp: (clientId) => apps.findByClientId(clientId),
  });
  const media = new MediaService(storage, config, ids, { resolve: options.media?.resolve });
  const boardsRepo = new BoardsRepo(database.db, database.fastReader);
  const sectionsRepo = new SectionsRepo(database.db);
  const pinsRepo = new PinsRepo(database.db, database.fastReader);
  const videoTools = new VideoTools({
    ffmpegPath: config.video.ffmpegPath,
    ffprobePath: config.video.ffprobePath,
    timeoutMs: config.video.processTimeoutSeconds * 1000,
  });
  const mediaUploadsRepo = new MediaUploadsRepo(database.db);
  const mediaUploads = new MediaUploadsService({
    repo: mediaUploadsRepo,
    storage,
    media,
    tools: videoTools,
    ids,
    bookmarks,
    config,
    secret: await getOrCreateSecret(database.db, 'media_upload_secret'),
  });
  const boards = new BoardsService({ boardsRepo, ids, bookmarks, media, videoUploads: mediaUploads });
  const sections = new SectionsService({ sectionsRepo, boards, ids, bookmarks });
  const pins = new PinsService({ pinsRepo, boards, sectionsRepo, ids, bookmarks, media, mediaUploads });
  const websites = new WebsitesService({
    repo: new WebsitesRepo(database.db),
    ids,
    bookmarks,
    checker: new SiteChecker({
      timeoutMs: config.fetch.timeoutMs,
      maxRedirects: config.fetch.maxRedirects,
      allowLoopback: config.fetch.allowLoopback,
      resolve: options.websites?.resolve ?? options.media?.resolve,
      resolveTxt: options.websites?.resolveTxt ?? systemTxtResolver(config.fetch.timeoutMs),
    }),
  });
  const business = new BusinessService({ repo: new BusinessRepo(database.db), media, websites, config });
  const counters: CounterStore = config.redisUrl
    ? new RedisCounterStore(config.redisUrl, {
        keyPrefix: options.counterKeyPrefix,
        onError: (error) =>
          late.log?.warn(
            { err: error.message },
            'Redis for rate-limit counters is unreachable; failing open',
          ),
      })
    : new MemoryCounterStore();
  const requestLog = new RequestLogService({
    repo: new RequestLogRepo(database.db),
    ids,
    bookmarks,
    flushMs: config.requestLogFlushMs,
    log: { warn: (details, message) => late.log?.warn(details, message) },
  });
  // The sandbox can set the server's "today" for analytics (analytics control); production runs on real time.
  const clock = new SettableClock();
  const analyticsIngest = new AnalyticsIngestService({
    repo: new AnalyticsIngestRepo(database.db, database.dialect),
    ids,
    now: () => clock.now(),
    flushMs: config.analytics.flushMs,
    log: { warn: (details, message) => late.log?.warn(details, message) },
  });
  analyticsIngest.start();
  const appSandbox = new AppSandboxService({
    repo: new AppSandboxRepo(database.db),
    apps,
    enabled: config.mode === 'sandbox',
  });
  const callInspector = new CallInspector({
    repo: new InspectedBodiesRepo(database.db),
    requestLog,
    appOwner: (appId) => new RequestLogRepo(database.db).appOwner(appId),
    flushMs: config.requestLogFlushMs,
    log: { warn: (details, message) => late.log?.warn(details, message) },
  });
  const outbox = new OutboxRepo(database.db);
  const mailer = new Mailer(config, outbox, ids);
  const admin = new AdminService({ repo: new AdminRepo(database.db), outbox, accounts, ids, bookmarks });
  const auth = new AuthService({
    accounts,
    accountsRepo: new AccountsRepo(database.db),
    emailTokens: new EmailTokensRepo(database.db),
    sessions,
    tokens,
    admin,
    mailer,
    counters,
    ids,
    loginAttemptsPer15Minutes: config.rateLimits.loginPer15Minutes,
  });
  const analyticsQueries = new AnalyticsQueryService({
    repo: new AnalyticsQueryRepo(database),
    accounts,
    pins,
    ingest: analyticsIngest,
    now: () => clock.now(),
  });
  const analyticsControl = new AnalyticsControlService({
    repo: new AnalyticsControlRepo(database.db),
    clock,
    ingest: analyticsIngest,
  });
  if (config.mode === 'sandbox') await analyticsControl.start();
  const ctx: AppContext = {
    config,
    counters,
    requestLog,
    database,
    ids,
    bookmarks,
    tokens,
    sessions,
    accounts,
    apps,
    oauth,
    media,
    boards,
    sections,
    pins,
    mailer,
    admin,
    auth,
    websites,
    business,
    analyticsIngest,
    analyticsQueries,
    appSandbox,
    callInspector,
    feed: new FeedService({ pinsRepo, bookmarks }),
    mediaUploads,
  };

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : { level: config.logLevel, ...(options.logToStderr ? { stream: process.stderr } : {}) },
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: config.bodyLimitBytes,
    ajv: {
      customOptions: { coerceTypes: 'array', removeAdditional: true, useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('ctx', ctx);
  late.log = app.log;
  if (counters instanceof RedisCounterStore) await counters.connect();
  await tokens.start();
  mailer.useLogger(app.log);

  registerSecurityHeaders(app);
  registerJsonBodyParser(app);
  if (config.batchResponseWrites) registerResponseBatching(app);
  const operations: RegisteredOperation[] = [];
  app.decorate('operations', operations);
  app.addHook('onRoute', (route) => {
    const config = route.config as
      { operationId?: string; notImplemented?: boolean; scopes?: string[] } | undefined;
    if (!config?.operationId || config.notImplemented) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      operations.push({
        operationId: config.operationId,
        method,
        url: route.url,
        scopes: config.scopes ?? [],
      });
    }
  });
  registerErrorHandling(app);
  await registerOpenApi(app);
  await app.register(formbody);
  await registerSessions(app, sessions, await getOrCreateSecret(database.db, 'cookie_secret'));
  const benchCaller = (caller: { userId: string; appId: string }): AuthContext => {
    if (config.mode === 'production')
      throw new Error('the bench options are for benchmarks in sandbox mode only');
    return { ...caller, tokenId: '0', scopes: new Set(ALL_SCOPES), tier: 'STANDARD', tokenKind: 'access' };
  };
  if (options.benchWithoutApiGuards) {
    registerBenchCaller(app, benchCaller(options.benchWithoutApiGuards));
  } else {
    const benchSwitch = options.benchApiGuardSwitch;
    registerApiGuards(app, {
      tokens,
      limiter: new RateLimiter({ counters, limits: config.rateLimits }),
      requestLog,
      sandbox: appSandbox.enabled ? { service: appSandbox, inspector: callInspector } : null,
      ...(benchSwitch
        ? { benchSwitch: { caller: benchCaller(benchSwitch.caller), state: benchSwitch.state } }
        : {}),
    });
    if (appSandbox.enabled) callInspector.start();
    requestLog.start();
  }
  registerCsvQueryArrays(app);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      await database.db.selectFrom('settings').select('key').limit(1).execute();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ code: 503, message: 'Database is not reachable.' });
    }
  });

  registerAccountRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerBoardRoutes(app, ctx);
  registerSectionRoutes(app, ctx);
  registerPinRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerMediaUploadRoutes(app, ctx);
  registerDeveloperRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerRequestLogRoutes(app, ctx, requestLog);
  registerWebsiteRoutes(app, ctx);
  registerBusinessRoutes(app, ctx);
  registerSandboxRoutes(app, ctx);
  registerAnalyticsRoutes(app, ctx);
  registerAnalyticsWebRoutes(app, ctx);
  registerAppSandboxRoutes(app, ctx, appSandbox, callInspector);
  registerAnalyticsControlRoutes(app, ctx, analyticsControl);
  const liveAnalytics = new LiveAnalytics({
    pins,
    ingest: analyticsIngest,
    counters,
    beaconPerMinute: config.analytics.beaconPerMinute,
    now: () => clock.now(),
  });
  registerBeaconRoutes(app, ctx, liveAnalytics);
  registerRedirectRoutes(app, ctx, liveAnalytics);
  const analyticsRetention = new AnalyticsRetention({
    repo: new AnalyticsRetentionRepo(database.db),
    retentionDays: config.analytics.retentionDays,
    log: app.log,
  });
  analyticsRetention.start();
  await registerOpenApiRoutes(app);
  registerPinWebRoutes(app, ctx);
  registerBoardWebRoutes(app, ctx);
  registerProfileWebRoutes(app, ctx);
  registerMediaWebRoutes(app, ctx);
  const postman = new PostmanService(app);
  app.decorate('postman', postman);
  registerPostmanRoutes(app, postman);
  app.decorate('unimplementedOperations', registerNotImplementedOperations(app));
  await registerWebApp(app, options.webDistDir);

  const videoJobs = new VideoJobRunner({
    repo: mediaUploadsRepo,
    storage,
    tools: videoTools,
    config,
    log: app.log,
  });
  mediaUploads.onUploaded = () => videoJobs.kick();
  app.decorate('videoJobs', videoJobs);
  app.addHook('onReady', async () => videoJobs.start());
  const mediaCleanup = new MediaCleanup({
    repo: mediaUploadsRepo,
    uploads: mediaUploads,
    storage,
    dataDir: config.dataDir,
    failedRetentionDays: config.video.failedRetentionDays,
    intervalMs: config.video.cleanupIntervalSeconds * 1000,
    log: app.log,
  });
  app.decorate('mediaCleanup', mediaCleanup);
  app.addHook('onReady', async () => mediaCleanup.start());

  app.addHook('onClose', async () => {
    analyticsControl.stop();
    await videoJobs.stop();
    await mediaCleanup.stop();
    await mailer.close();
    await analyticsRetention.stop();
    await analyticsIngest
      .close()
      .catch((error: Error) => app.log.warn({ err: error.message }, 'analytics: final write failed'));
    await callInspector
      .close()
      .catch((error: Error) => app.log.warn({ err: error.message }, 'call inspector: final write failed'));
    await requestLog
      .close()
      .catch((error: Error) => app.log.warn({ err: error.message }, 'request log: final write failed'));
    await lease.release().catch(() => undefined);
    await counters.close();
    await tokens.close();
    if (!options.database) await database.close();
  });
  return app;
}

/** A hop count becomes a function: Fastify's types take booleans, addresses or a function. */
function trustProxyOption(
  value: Config['trustProxy'],
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}
