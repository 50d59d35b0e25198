import { BatchWriter } from '../../lib/batch-writer.js';
import type { BookmarkCodec, Page } from '../../lib/bookmark.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { type IdGenerator, type IdParts, idText } from '../../lib/ids.js';
import type { RequestLogEntry, RequestLogRepo, StatusFilter } from './repo.js';
import { KEEP_PER_APP } from './repo.js';

/** Entries held in memory at most; past it the oldest are dropped (and a warning logged). */
export const MAX_BUFFERED = 20_000;
/** Characters of the bearer token kept: "pina_" and a few more, never enough to use it. */
export const TOKEN_PREFIX_LENGTH = 12;
const MAX_PATH_LENGTH = 2048;
const BEARER = /^Bearer\s+(\S+)/i;
const QUESTION_MARK = 0x3f;

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

/**
 * Rows per transaction at most: a flush of a busy second (up to KEEP_PER_APP rows per app) goes
 * in as several short writes with the event loop free between them. On SQLite each write holds
 * the event loop: 64 rows take well under a millisecond where 512 took 5 to 30 ms, which, landing
 * in a burst of requests every second, was the pin-get p99 of bench/RESULTS.md.
 */
export const MAX_BATCH = 64;

/**
 * The request log: each /v5 call by a token, per app. `record` only fills a slot in memory; a
 * BatchWriter writes the calls every `flushMs`, off the request path, in transactions of at most
 * MAX_BATCH rows with the event loop free between them. A failed write keeps its entries for
 * the next tick (the buffer is bounded); `close` writes what is left so nothing acknowledged is
 * lost on a graceful shutdown.
 *
 * Between flushes each app's calls wait in slots reused call after call (RecentCalls), at most
 * its latest KEEP_PER_APP, which is all the log keeps of an app. Recording a call makes no
 * object and no string; a call used to leave an entry object, its id's text and its timestamp
 * alive until the flush, which the garbage collector copied and promoted on every busy second.
 */
export class RequestLogService {
  private readonly writer: BatchWriter<RequestLogEntry>;
  /** The last Authorization header seen and its token prefix: a client sends the same one call after call. */
  private lastAuthorization: string | undefined = undefined;
  private lastTokenPrefix = '';
  private readonly recent = new Map<string, RecentCalls>();
  /** The last app that called and its slots: a busy client calls again and again. */
  private lastApp: { appId: string; calls: RecentCalls } | null = null;
  /** Calls waiting in slots, over every app. */
  private waiting = 0;
  private readonly maxBuffered: number;
  private lastId: IdParts | null = null;
  /** The path the last call had ('' before the first). */
  private lastPath = '';

  constructor(private readonly options: RequestLogServiceOptions) {
    this.maxBuffered = options.maxBuffered ?? MAX_BUFFERED;
    this.writer = new BatchWriter({
      name: 'request log',
      write: (batch) => options.repo.writeBatch(batch),
      flushMs: options.flushMs,
      maxBuffered: this.maxBuffered,
      maxBatch: MAX_BATCH,
      collect: (max) => this.collect(max),
      // After a failed write its entries wait with the next flush's: an app's older ones go.
      compact: latestPerApp,
      log: options.log,
    });
  }

  start(): void {
    this.writer.start();
  }

  /** Keeps the call until the next flush (its id is taken now: ids follow the order of calls). */
  record(call: ApiCall): void {
    const calls = this.callsOf(call.appId);
    const sizeBefore = calls.size;
    const slot = calls.take();
    this.waiting += calls.size - sizeBefore;
    this.options.ids.nextInto(slot);
    slot.userId = call.userId;
    slot.tokenPrefix = this.tokenPrefixOf(call.authorization);
    slot.method = call.method.length > 10 ? call.method.slice(0, 10) : call.method;
    slot.path = this.pathOf(call.url);
    slot.operationId = call.operationId;
    slot.status = call.status;
    slot.latencyMs = Math.max(0, Math.round(call.latencyMs));
    slot.createdMs = Date.now();
    calls.lastCallMs = slot.createdMs;
    // Past the bound (many apps at once, or the database behind): the writer drops the oldest.
    if (this.waiting + this.writer.pending > this.maxBuffered)
      this.writer.pushAll(this.collect(this.waiting));
    this.lastId = slot;
  }

  /** The id of the entry `record` made last (the call inspector files bodies under it). */
  lastRecordedId(): string | null {
    return this.lastId ? idText(this.lastId) : null;
  }

  private callsOf(appId: string): RecentCalls {
    const last = this.lastApp;
    if (last !== null && last.appId === appId) return last.calls;
    let calls = this.recent.get(appId);
    if (!calls) {
      calls = new RecentCalls(appId);
      this.recent.set(appId, calls);
    }
    this.lastApp = { appId, calls };
    return calls;
  }

  /**
   * Up to `max` waiting calls as entries, each app's oldest first. The writer asks for one batch
   * at a time, just before writing it. An app with no call for a whole flush interval gives its
   * slots up; a busy app keeps them, even when a batch has just emptied them (made again after
   * every flush, a second's worth of slots was promoted to the old generation).
   */
  private collect(max: number): RequestLogEntry[] {
    const entries: RequestLogEntry[] = [];
    const idleSince = Date.now() - this.options.flushMs;
    for (const [appId, calls] of this.recent) {
      if (entries.length >= max) break;
      if (calls.size === 0) {
        if (calls.lastCallMs >= idleSince) continue;
        this.recent.delete(appId);
        if (this.lastApp?.calls === calls) this.lastApp = null;
        continue;
      }
      const before = entries.length;
      calls.drainInto(entries, max - before);
      this.waiting -= entries.length - before;
    }
    // The last recorded call is its app's newest: drained once that app's slots are empty.
    if (this.lastApp === null || this.lastApp.calls.size === 0) this.lastId = null;
    return entries;
  }

  /**
   * The path of the URL, the same string as the last call's when the path is the same (a client
   * paging through a list calls one path again and again): each call's own copy would stay alive
   * in its slot until the flush and be promoted to the old generation.
   */
  private pathOf(url: string): string {
    const last = this.lastPath;
    if (
      url.startsWith(last) &&
      (url.length === last.length || url.charCodeAt(last.length) === QUESTION_MARK)
    ) {
      return last;
    }
    this.lastPath = pathOf(url);
    return this.lastPath;
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
    return this.waiting + this.writer.pending;
  }

  /** Apps holding slots (tests: a busy app keeps them between flushes, an idle one lets them go). */
  get appsWithSlots(): number {
    return this.recent.size;
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

/** One recorded call, in a slot its app reuses once KEEP_PER_APP newer calls have come. */
type CallSlot = IdParts &
  Omit<RequestLogEntry, 'id' | 'appId' | 'createdAt'> & {
    /** Written out as `createdAt` at the flush. */
    createdMs: number;
  };

/**
 * An app's calls since the last flush, its latest KEEP_PER_APP at most, oldest first: a ring of
 * slots that grows to KEEP_PER_APP and is then overwritten from its oldest.
 */
class RecentCalls {
  private readonly slots: CallSlot[] = [];
  /** Index of the oldest call. */
  private start = 0;
  size = 0;
  /** When the app's latest call came (Date.now()). */
  lastCallMs = 0;

  constructor(private readonly appId: string) {}

  /** The slot for a new call: the next free one, or the oldest call's once the ring is full. */
  take(): CallSlot {
    let index: number;
    if (this.size < KEEP_PER_APP) {
      // After the next free one (a flush may have taken the oldest calls only).
      index = this.start + this.size;
      if (index >= KEEP_PER_APP) index -= KEEP_PER_APP;
      this.size++;
    } else {
      index = this.start;
      this.start = index + 1 === KEEP_PER_APP ? 0 : index + 1;
    }
    let slot = this.slots[index];
    if (slot === undefined) {
      slot = {
        high: '',
        low: 0,
        userId: '',
        tokenPrefix: '',
        method: '',
        path: '',
        operationId: null,
        status: 0,
        latencyMs: 0,
        createdMs: 0,
      };
      this.slots[index] = slot;
    }
    return slot;
  }

  /** Appends up to `max` calls as entries, oldest first, and frees their slots. */
  drainInto(entries: RequestLogEntry[], max: number): void {
    const count = Math.min(max, this.size);
    let lastMs = Number.NaN;
    let createdAt = '';
    for (let i = 0; i < count; i++) {
      const at = this.start + i;
      const slot = this.slots[at < KEEP_PER_APP ? at : at - KEEP_PER_APP]!;
      if (slot.createdMs !== lastMs) {
        lastMs = slot.createdMs;
        createdAt = new Date(lastMs).toISOString();
      }
      entries.push({
        id: idText(slot),
        appId: this.appId,
        userId: slot.userId,
        tokenPrefix: slot.tokenPrefix,
        method: slot.method,
        path: slot.path,
        operationId: slot.operationId,
        status: slot.status,
        latencyMs: slot.latencyMs,
        createdAt,
      });
      slot.path = '';
    }
    this.size -= count;
    // Empty, the ring starts again from its first slot; otherwise its oldest call moves on.
    if (this.size === 0) this.start = 0;
    else this.start = (this.start + count) % KEEP_PER_APP;
  }
}

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
