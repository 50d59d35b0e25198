import type { IdGenerator } from '../../lib/ids.js';
import { isValidId } from '../../lib/ids.js';
import { METRIC_COLUMNS } from '../../db/migrations/0003_analytics.js';
import { candidateClaimKeys, linkIsClaimed, NO_PIN_FORMAT, pinFormatOf, type Source } from './dimensions.js';
import {
  ACCOUNT_EVENT_TYPES,
  DURATION_EVENT_TYPES,
  isAnalyticsEventType,
  isAppType,
  MAX_DEDUPE_KEY_LENGTH,
  MAX_DURATION_MS,
  METRIC_COLUMN_OF,
  type AnalyticsEventInput,
  type LiveEventInput,
} from './events.js';
import type { AnalyticsIngestRepo, PinFacts, RawEventRow, RollupRow } from './ingest-repo.js';

export interface IngestResult {
  /** Events appended and counted. */
  accepted: number;
  /** Events whose dedupe key was already counted (or repeated in the batch). */
  duplicates: number;
  /** Events dropped: unknown or deleted pin, unknown account, or an invalid field. */
  rejected: number;
}

export interface IngestLogger {
  warn(details: object, message: string): void;
}

export interface AnalyticsIngestOptions {
  repo: AnalyticsIngestRepo;
  ids: IdGenerator;
  log: IngestLogger;
  /** How often `enqueue`d events are written (milliseconds). */
  flushMs?: number;
  /** Events held in memory at most; past it the oldest are dropped (with a warning). */
  maxBuffered?: number;
  /** The server's "now", stamped on queued events that carry no time (lib/clock.ts). */
  now?: () => Date;
}

/** Events in one `record` transaction at most; larger batches are split. */
const RECORD_BATCH = 20_000;
const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_MAX_BUFFERED = 100_000;
const METRIC_INDEX = new Map<string, number>(METRIC_COLUMNS.map((c, i) => [c, i]));

/** A raw row on its way in, with the pin it is about (null for an account event). */
interface PendingRow extends RawEventRow {
  pin: PinFacts | null;
}

/** A validated event with what ingestion resolved: its owner and pin. */
interface Resolved {
  input: AnalyticsEventInput;
  ownerId: string;
  pin: PinFacts | null;
}

/**
 * Analytics ingestion. `record` appends raw events and adds them to the daily roll-ups (per
 * account and pin, per account) in one transaction, summing the batch in memory first so each
 * roll-up key is written once. `enqueue` is for live traffic: it only buffers, and a timer (or
 * `flush`, or closing the app) writes the buffer through `record`.
 *
 * Dimensions at ingestion (see dimensions.ts): the pin's owner gets YOUR_PINS rows, claimed
 * when the pin links into one of the owner's claimed websites; every other account whose
 * claimed website the link points into gets OTHER_PINS rows, claimed.
 */
export class AnalyticsIngestService {
  private buffer: AnalyticsEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly options: AnalyticsIngestOptions) {}

  /** Starts the flush timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? DEFAULT_FLUSH_MS);
    this.timer.unref();
  }

  async record(events: readonly AnalyticsEventInput[]): Promise<IngestResult> {
    const total: IngestResult = { accepted: 0, duplicates: 0, rejected: 0 };
    for (let i = 0; i < events.length; i += RECORD_BATCH) {
      const part = await this.recordBatch(events.slice(i, i + RECORD_BATCH));
      total.accepted += part.accepted;
      total.duplicates += part.duplicates;
      total.rejected += part.rejected;
    }
    return total;
  }

  /** Queues events for the next flush; never waits on the database. Events without a time happen now. */
  enqueue(events: readonly LiveEventInput[]): void {
    let now: Date | null = null;
    for (const event of events) {
      if (event.occurredAt) {
        this.buffer.push(event as AnalyticsEventInput);
      } else {
        now ??= this.options.now?.() ?? new Date();
        this.buffer.push({ ...event, occurredAt: now });
      }
    }
    const max = this.options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    if (this.buffer.length > max) {
      const excess = this.buffer.length - max;
      this.buffer.splice(0, excess);
      const before = this.dropped;
      this.dropped += excess;
      if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
        this.options.log.warn(
          { dropped: this.dropped },
          'analytics: the event buffer is full (the database is not keeping up); dropping the oldest events',
        );
      }
    }
  }

  /** Events waiting in the buffer. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything queued now; concurrent calls wait for the same write. A failed write keeps the events for the next tick. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.record(batch)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.buffer = batch.concat(this.buffer);
        this.options.log.warn(
          { err: (error as Error).message, pending: this.buffer.length },
          'analytics: writing queued events failed; retrying on the next tick',
        );
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }

  /** Stops the timer and writes what is queued (one retry if the first write fails). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.length > 0) await this.flush();
  }

  private async recordBatch(events: readonly AnalyticsEventInput[]): Promise<IngestResult> {
    const { repo } = this.options;
    const ids = new IdCheck();
    const valid = events.filter((event) => isWellFormed(event, ids));
    const pinIds = new Set<string>();
    const accountIds = new Set<string>();
    for (const event of valid) {
      if (event.pinId !== null) pinIds.add(event.pinId);
      else accountIds.add(event.ownerId!);
    }
    const pins = pinIds.size > 0 ? await repo.pinFacts([...pinIds]) : new Map<string, PinFacts>();
    const accounts = accountIds.size > 0 ? await repo.existingUsers([...accountIds]) : new Set<string>();

    const resolved: Resolved[] = [];
    for (const input of valid) {
      if (input.pinId !== null) {
        const pin = pins.get(input.pinId);
        if (pin) resolved.push({ input, ownerId: pin.ownerId, pin });
      } else if (accounts.has(input.ownerId!)) {
        resolved.push({ input, ownerId: input.ownerId!, pin: null });
      }
    }
    const rejected = events.length - resolved.length;
    if (resolved.length === 0) return { accepted: 0, duplicates: 0, rejected };

    const claimantsOf = await this.claimantsByLink(pins);
    const rows: PendingRow[] = resolved.map((r) => {
      const occurredAt = r.input.occurredAt.toISOString();
      return {
        id: this.options.ids.next(),
        eventType: r.input.type,
        pinId: r.input.pinId,
        ownerId: r.ownerId,
        viewerId: r.input.viewerId,
        appType: r.input.appType,
        value: valueOf(r.input),
        occurredAt,
        day: occurredAt.slice(0, 10),
        dedupeKey: r.input.dedupeKey ?? null,
        pin: r.pin,
      };
    });
    const result = await repo.write(rows, (accepted) => rollUp(accepted, claimantsOf));
    return { ...result, rejected };
  }

  /** For each pin link: the accounts whose claimed websites it points into. */
  private async claimantsByLink(pins: Map<string, PinFacts>): Promise<Map<string, Set<string>>> {
    const links = new Set<string>();
    for (const pin of pins.values()) if (pin.link) links.add(pin.link);
    const claimants = new Map<string, Set<string>>();
    if (links.size === 0) return claimants;
    const candidates = new Set<string>();
    for (const link of links) for (const key of candidateClaimKeys(link)) candidates.add(key);
    if (candidates.size === 0) return claimants;
    const claims = await this.options.repo.claimsByKey([...candidates]);
    if (claims.length === 0) return claimants;
    for (const link of links) {
      const users = new Set<string>();
      for (const claim of claims) if (linkIsClaimed([claim.key], link)) users.add(claim.userId);
      if (users.size > 0) claimants.set(link, users);
    }
    return claimants;
  }
}

/** isValidId, remembered for the batch (the same pins and viewers come back many times). */
class IdCheck {
  private readonly seen = new Map<string, boolean>();

  valid(id: string): boolean {
    let ok = this.seen.get(id);
    if (ok === undefined) {
      ok = typeof id === 'string' && isValidId(id);
      this.seen.set(id, ok);
    }
    return ok;
  }
}

function isWellFormed(event: AnalyticsEventInput, ids: IdCheck): boolean {
  if (!isAnalyticsEventType(event.type) || !isAppType(event.appType)) return false;
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) return false;
  if (event.viewerId !== null && !ids.valid(event.viewerId)) return false;
  if (
    event.dedupeKey !== undefined &&
    (event.dedupeKey === '' || event.dedupeKey.length > MAX_DEDUPE_KEY_LENGTH)
  )
    return false;
  if (event.pinId === null) {
    if (!ACCOUNT_EVENT_TYPES.has(event.type) || event.ownerId === undefined || !ids.valid(event.ownerId))
      return false;
  } else if (!ids.valid(event.pinId)) return false;
  if (DURATION_EVENT_TYPES.has(event.type)) {
    const value = event.value;
    if (value === undefined || !Number.isInteger(value) || value < 0 || value > MAX_DURATION_MS) return false;
  }
  return true;
}

function valueOf(event: AnalyticsEventInput): number {
  return DURATION_EVENT_TYPES.has(event.type) ? event.value! : 1;
}

/** Sums accepted events into roll-up rows: one per distinct key, for the owner and each other claimant. */
function rollUp(
  accepted: readonly PendingRow[],
  claimantsOf: Map<string, Set<string>>,
): { accountPin: RollupRow[]; account: RollupRow[] } {
  const accountPin = new Map<string, RollupRow>();
  const account = new Map<string, RollupRow>();
  const add = (
    target: Map<string, RollupRow>,
    userId: string,
    pinId: string | null,
    row: PendingRow,
    source: Source,
    claimed: number,
    pinFormat: string,
    metric: number,
  ) => {
    const key = `${userId}|${pinId ?? ''}|${row.day}|${row.appType}|${source}|${claimed}|${pinFormat}`;
    let sums = target.get(key);
    if (!sums) {
      sums = {
        userId,
        pinId,
        day: row.day,
        appType: row.appType,
        source,
        claimed,
        pinFormat,
        metrics: new Array<number>(METRIC_COLUMNS.length).fill(0),
      };
      target.set(key, sums);
    }
    sums.metrics[metric]! += row.value;
  };

  for (const row of accepted) {
    const { pin } = row;
    const metric = METRIC_INDEX.get(METRIC_COLUMN_OF[row.eventType as keyof typeof METRIC_COLUMN_OF])!;
    if (pin === null) {
      // An account event without a pin: the account's own, unclaimed, no pin format.
      add(account, row.ownerId, null, row, 'YOUR_PINS', 0, NO_PIN_FORMAT, metric);
      continue;
    }
    const format = pinFormatOf(pin.creativeType);
    const claimants = pin.link ? claimantsOf.get(pin.link) : undefined;
    const ownerClaimed = claimants?.has(pin.ownerId) ? 1 : 0;
    add(accountPin, pin.ownerId, pin.id, row, 'YOUR_PINS', ownerClaimed, format, metric);
    add(account, pin.ownerId, null, row, 'YOUR_PINS', ownerClaimed, format, metric);
    if (claimants) {
      for (const userId of claimants) {
        if (userId === pin.ownerId) continue;
        add(accountPin, userId, pin.id, row, 'OTHER_PINS', 1, format, metric);
        add(account, userId, null, row, 'OTHER_PINS', 1, format, metric);
      }
    }
  }
  return { accountPin: [...accountPin.values()], account: [...account.values()] };
}
