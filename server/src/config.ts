import path from 'node:path';

/** Every setting Corkboard reads from the environment, parsed once. See `.env.example`. */
export interface Config {
  mode: 'sandbox' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  logLevel: string;
  trustProxy: boolean | string | number;
  bodyLimitBytes: number;
  accessTokenTtlSeconds: number;
  image: {
    maxBytes: number;
    maxPixels: number;
    concurrency: number;
  };
  fetch: {
    timeoutMs: number;
    maxRedirects: number;
    /** Lets the guarded fetch reach loopback addresses. Only for local sandboxes and tests. */
    allowLoopback: boolean;
  };
  seedDemo: boolean;
  /** Lifetime of refresh tokens, renewed on every refresh (Pinterest: 60 days). */
  refreshTokenTtlSeconds: number;
  mail: {
    /** smtp://user:pass@host:port; without it mail only goes to the admin-readable outbox. */
    smtpUrl: string | null;
    from: string;
  };
  /** Sandbox only: new developer apps are approved at once. */
  appsAutoApprove: boolean;
  /** Sandbox only: `/oauth/` approves at once, as this user, with no page (for OAuth client tests). */
  oauthAutoApproveUser: string | null;
  rateLimits: {
    /** Calls a day per app and user for Trial apps, per rate-limit category. */
    trialPerDay: number;
    /** Calls a minute per app and user for Standard apps, per rate-limit category. */
    standardPerMinute: number;
    /** Calls a second per app and user for Standard apps, per rate-limit category (bursts). */
    standardPerSecond: number;
    /** Log-in attempts per account name and per client address in 15 minutes. */
    loginPer15Minutes: number;
  };
  /** How often buffered request-log entries are written, in milliseconds. */
  requestLogFlushMs: number;
  /** How long a token that authenticated is trusted without reading it again; 0 turns the cache off. */
  tokenCacheSeconds: number;
  /** Write the responses of one event-loop turn together (http/response-batching.ts). */
  batchResponseWrites: boolean;
  analytics: {
    /** Raw events older than this many days are pruned; the daily roll-ups are kept. */
    retentionDays: number;
    /** Beacon requests (`POST /api/analytics/events`) a minute per client address. */
    beaconPerMinute: number;
    /** How often events from live traffic (beacon, redirect, saves) are written, in milliseconds. */
    flushMs: number;
  };
  /** Video uploads (media/create) and their processing with ffprobe/ffmpeg. */
  video: {
    /** Largest upload accepted, in bytes. */
    maxBytes: number;
    minSeconds: number;
    maxSeconds: number;
    /** Videos processed at once by this process. */
    concurrency: number;
    /** Time limit of one ffprobe/ffmpeg run. */
    processTimeoutSeconds: number;
    /** A job's lease: a crashed process's job is taken up again this long after its last renewal. */
    jobLeaseSeconds: number;
    /** How long upload_url and upload_parameters stay valid after media/create. */
    uploadTtlSeconds: number;
    /** Failed uploads are kept this many days (media/get tells why), then cleaned up. */
    failedRetentionDays: number;
    /** How often the server cleans up abandoned and failed uploads (modules/media/cleanup.ts). */
    cleanupIntervalSeconds: number;
    ffmpegPath: string;
    ffprobePath: string;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Parses the environment into a Config, listing every bad variable at once. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const modeRaw = env.CORKBOARD_MODE ?? 'sandbox';
  if (modeRaw !== 'sandbox' && modeRaw !== 'production') {
    problems.push(`CORKBOARD_MODE must be "sandbox" or "production" (got "${modeRaw}")`);
  }
  const mode = modeRaw === 'production' ? 'production' : 'sandbox';
  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';

  let publicUrl = env.PUBLIC_URL || `http://localhost:${port}`;
  try {
    const parsed = new URL(publicUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    problems.push(`PUBLIC_URL must be an absolute http(s) URL (got "${publicUrl}")`);
  }

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(
      'DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)',
    );
  }
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis://');

  let trustProxy: boolean | string | number = false;
  const trustRaw = env.TRUST_PROXY;
  if (trustRaw) {
    if (['true', '1'].includes(trustRaw)) trustProxy = true;
    else if (['false', '0'].includes(trustRaw)) trustProxy = false;
    else if (/^\d+$/.test(trustRaw)) trustProxy = Number(trustRaw);
    else trustProxy = trustRaw;
  }

  const allowLoopback = bool('FETCH_ALLOW_LOOPBACK', false);
  if (mode === 'production' && allowLoopback) {
    problems.push('FETCH_ALLOW_LOOPBACK is a sandbox-only setting; unset it in production mode');
  }
  const seedDemo = bool('SEED_DEMO', mode === 'sandbox');
  if (mode === 'production' && env.SEED_DEMO && seedDemo) {
    problems.push('SEED_DEMO is a sandbox-only setting; unset it in production mode');
  }

  const appsAutoApprove = bool('APPS_AUTO_APPROVE', false);
  if (mode === 'production' && appsAutoApprove) {
    problems.push('APPS_AUTO_APPROVE is a sandbox-only setting; unset it in production mode');
  }
  const oauthAutoApproveUser = env.OAUTH_AUTO_APPROVE_USER || null;
  if (mode === 'production' && oauthAutoApproveUser) {
    problems.push('OAUTH_AUTO_APPROVE_USER is a sandbox-only setting; unset it in production mode');
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');

  const config: Config = {
    mode,
    host,
    port,
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    redisUrl,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy,
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 10 * 365 * 24 * 3600),
    image: {
      maxBytes: int('IMAGE_MAX_BYTES', 20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
      maxPixels: int('IMAGE_MAX_PIXELS', 50_000_000, 10_000, 500_000_000),
      concurrency: int('IMAGE_CONCURRENCY', 2, 1, 64),
    },
    fetch: {
      timeoutMs: int('FETCH_TIMEOUT_MS', 10_000, 100, 120_000),
      maxRedirects: int('FETCH_MAX_REDIRECTS', 5, 0, 20),
      allowLoopback,
    },
    seedDemo,
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 60 * 24 * 3600, 60, 10 * 365 * 24 * 3600),
    mail: { smtpUrl, from: env.MAIL_FROM || 'Corkboard <no-reply@corkboard.local>' },
    appsAutoApprove,
    oauthAutoApproveUser,
    rateLimits: {
      trialPerDay: int('RATE_LIMIT_TRIAL_PER_DAY', 1000, 1, 100_000_000),
      standardPerMinute: int('RATE_LIMIT_STANDARD_PER_MINUTE', 1000, 1, 100_000_000),
      standardPerSecond: int('RATE_LIMIT_STANDARD_PER_SECOND', 100, 1, 100_000_000),
      loginPer15Minutes: int('RATE_LIMIT_LOGIN_PER_15_MINUTES', 10, 1, 100_000),
    },
    requestLogFlushMs: int('REQUEST_LOG_FLUSH_MS', 1000, 10, 60_000),
    tokenCacheSeconds: int('TOKEN_CACHE_SECONDS', 10, 0, 300),
    batchResponseWrites: bool('BATCH_RESPONSE_WRITES', true),
    analytics: {
      retentionDays: int('ANALYTICS_RETENTION_DAYS', 400, 1, 36_500),
      beaconPerMinute: int('ANALYTICS_BEACON_PER_MINUTE', 240, 1, 1_000_000),
      flushMs: int('ANALYTICS_FLUSH_MS', 1000, 10, 60_000),
    },
    video: {
      maxBytes: int('VIDEO_MAX_BYTES', 512 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
      minSeconds: int('VIDEO_MIN_SECONDS', 1, 0, 3600),
      maxSeconds: int('VIDEO_MAX_SECONDS', 15 * 60, 1, 24 * 3600),
      concurrency: int('VIDEO_CONCURRENCY', 1, 1, 16),
      processTimeoutSeconds: int('VIDEO_PROCESS_TIMEOUT_SECONDS', 600, 1, 24 * 3600),
      jobLeaseSeconds: int('VIDEO_JOB_LEASE_SECONDS', 60, 1, 3600),
      uploadTtlSeconds: int('VIDEO_UPLOAD_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
      failedRetentionDays: int('VIDEO_FAILED_RETENTION_DAYS', 7, 0, 3650),
      cleanupIntervalSeconds: int('VIDEO_CLEANUP_INTERVAL_SECONDS', 3600, 10, 7 * 24 * 3600),
      ffmpegPath: env.FFMPEG_PATH || 'ffmpeg',
      ffprobePath: env.FFPROBE_PATH || 'ffprobe',
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, ...overrides };
}
