import { BatchWriter } from '../../lib/batch-writer.js';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { badRequest, notFound } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';
import type { RequestLogEntry, RequestLogRepo, StatusFilter } from './repo.js';
import { KEEP_PER_APP } from './repo.js';

/** Entries held in memory at most; past it the oldest are dropped (and a warning logged). */
export const MAX_BUFFERED = 20_000;
/** Characters of the bearer token kept: "pina_" and a few more, never enough to use it. */
export const TOKEN_PREFIX_LENGTH = 12;
const MAX_PATH_LENGTH = 2048;
const BEARER = /^Bearer\s+(\S+)/i;

/** The first TOKEN_PREFIX_LENGTH characters of the bearer token, or '' without one. */
function tokenPrefixOf(authorization: string | undefined): string {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  return token ? token.slice(0, TOKEN_PREFIX_LENGTH) : '';
}

/** The URL's path (never its query string, which can carry secrets), at most MAX_PATH_LENGTH. */
function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return path.length > MAX_PATH_LENGTH ? path.slice(0, MAX_PATH_LENGTH) : path;
}

export interface ApiCall {
  appId: string;
  userId: string;
  /** The Authorization header as sent; only its first TOKEN_PREFIX_LENGTH token characters are kept. */
  authorization: string | undefined;
  method: string;
  /** The request URL; the query string is cut off (it can carry secrets). */
  url: string;
  operationId: string | null;
  status: number;
  latencyMs: number;
}

export interface RequestLogLogger {
  warn(details: object, message: string): void;
}

export interface RequestLogServiceOptions {
  repo: RequestLogRepo;
  ids: IdGenerator;
  bookmarks: BookmarkCodec;
  flushMs: number;
  log: RequestLogLogger;
  maxBuffered?: number;
}

/** What the owner sees: the call, never a secret or a body. */
export interface RequestLogView {
  id: string;
  created_at: string;
  method: string;
  path: string;
  operation_id: string | null;
  status: number;
  latency_ms: number;
  user_id: string | null;
  token_prefix: string;
}

/** Rows per INSERT transaction at most: a flush of a busy second goes in as several short writes. */
const MAX_BATCH = 512;

/**
 * The request log: each /v5 call by a token, per app. `record` only appends to a buffer; a
 * BatchWriter writes it every `flushMs`, off the request path, in transactions of at most
 * MAX_BATCH rows with the event loop free between them. A failed write keeps its entries for
 * the next tick (the buffer is bounded); `close` writes what is left so nothing acknowledged is
 * lost on a graceful shutdown.
 */
export class RequestLogService {
  private readonly writer: BatchWriter<RequestLogEntry>;
  /** The last Authorization header seen and its token prefix: a client sends the same one call after call. */
  private lastAuthorization: string | undefined = undefined;
  private lastTokenPrefix = '';

  constructor(private readonly options: RequestLogServiceOptions) {
    this.writer = new BatchWriter({
      name: 'request log',
      write: (batch) => options.repo.writeBatch(batch),
      flushMs: options.flushMs,
      maxBuffered: options.maxBuffered ?? MAX_BUFFERED,
      maxBatch: MAX_BATCH,
      compact: latestPerApp,
      // A busy app's calls beyond its latest 1,000 are let go between flushes, not held until one.
      compactAt: 2 * KEEP_PER_APP,
      log: options.log,
    });
  }

  start(): void {
    this.writer.start();
  }

  /** Buffers the call; returns the id its log entry will have. */
  record(call: ApiCall): string {
    const id = this.options.ids.next();
    this.writer.push({
      id,
      appId: call.appId,
      userId: call.userId,
      tokenPrefix: this.tokenPrefixOf(call.authorization),
      method: call.method.length > 10 ? call.method.slice(0, 10) : call.method,
      path: pathOf(call.url),
      operationId: call.operationId,
      status: call.status,
      latencyMs: Math.max(0, Math.round(call.latencyMs)),
      createdAt: nowIso(),
    });
    return id;
  }

  private tokenPrefixOf(authorization: string | undefined): string {
    if (authorization !== this.lastAuthorization) {
      this.lastTokenPrefix = tokenPrefixOf(authorization);
      this.lastAuthorization = authorization;
    }
    return this.lastTokenPrefix;
  }

  /** Entries waiting to be written (tests and health checks). */
  get pending(): number {
    return this.writer.pending;
  }

  /** Writes everything buffered now; concurrent calls wait for the same write. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stops the timer and writes what is left (one retry if the first write fails). */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** The app's latest calls (at most KEEP_PER_APP), newest first, for its owner or an admin. */
  async list(input: {
    viewer: { userId: string; isAdmin: boolean };
    appId: string;
    status?: string;
    pageSize: number;
    bookmark?: string;
  }): Promise<Page<RequestLogView>> {
    const app = /^\d{1,19}$/.test(input.appId) ? await this.options.repo.appOwner(input.appId) : undefined;
    if (!app || (!input.viewer.isAdmin && app.ownerId !== input.viewer.userId)) {
      throw notFound('App not found.');
    }
    const status = parseStatus(input.status);
    const scope = `request-log:${input.appId}:${input.status ?? ''}`;
    const beforeId = input.bookmark ? this.options.bookmarks.decode(scope, input.bookmark) : null;
    const rows = await this.options.repo.list({
      appId: input.appId,
      status,
      beforeId,
      limit: input.pageSize + 1,
    });
    const items = rows.slice(0, input.pageSize);
    const last = items[items.length - 1];
    return {
      items: items.map(present),
      bookmark: rows.length > input.pageSize && last ? this.options.bookmarks.encode(scope, last.id) : null,
    };
  }
}

/** "404" → exactly 404; "4xx" → 400 to 499; anything else is a 400 naming the parameter. */
export function parseStatus(value: string | undefined): StatusFilter | null {
  if (value === undefined || value === '') return null;
  if (/^[1-5]\d\d$/.test(value)) return { exact: Number(value) };
  const match = /^([1-5])xx$/i.exec(value);
  if (match) {
    const from = Number(match[1]) * 100;
    return { from, to: from + 99 };
  }
  throw badRequest(
    "Invalid query parameter 'status': give a status code such as 404 or a class such as 4xx.",
  );
}

function present(entry: RequestLogEntry): RequestLogView {
  return {
    id: entry.id,
    created_at: entry.createdAt,
    method: entry.method,
    path: entry.path,
    operation_id: entry.operationId,
    status: entry.status,
    latency_ms: entry.latencyMs,
    user_id: entry.userId,
    token_prefix: entry.tokenPrefix,
  };
}

export { KEEP_PER_APP };

/**
 * The entries of a flush that will be kept: each app's latest KEEP_PER_APP (the repo trims each
 * app to that many in the same transaction, so older ones would be written only to be deleted).
 */
export function latestPerApp(entries: RequestLogEntry[]): RequestLogEntry[] {
  if (entries.length <= KEEP_PER_APP) return entries;
  const seen = new Map<string, number>();
  const kept: RequestLogEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const count = seen.get(entry.appId) ?? 0;
    if (count >= KEEP_PER_APP) continue;
    seen.set(entry.appId, count + 1);
    kept.push(entry);
  }
  return kept.length === entries.length ? entries : kept.reverse();
}
