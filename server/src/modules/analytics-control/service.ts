import type { SettableClock } from '../../lib/clock.js';
import { badRequest, invalidField, notFound } from '../../lib/errors.js';
import {
  ACCOUNT_EVENT_TYPES,
  DURATION_EVENT_TYPES,
  type AnalyticsEventInput,
  type AnalyticsEventType,
  type AppType,
} from '../analytics/events.js';
import type { AnalyticsIngestService, IngestResult } from '../analytics/ingest-service.js';
import type { AnalyticsControlRepo } from './repo.js';

/** Other processes see a changed "today" within this time. */
export const CLOCK_REFRESH_MS = 2000;
/** Events one injection call may add, counts summed. */
export const MAX_INJECTED_EVENTS = 1_000_000;

export interface InjectedEvent {
  type: AnalyticsEventType;
  pin_id?: string;
  /** For PROFILE_VISIT / USER_FOLLOW without a pin: whose. */
  user_id?: string;
  date: string;
  count: number;
  app_type: AppType;
  /** Milliseconds each, for VIDEO_WATCH_TIME / VIDEO_V50_WATCH_TIME. */
  value_ms?: number;
}

const DAY = /^\d{4}-\d\d-\d\d$/;

function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Sandbox analytics control: inject events for given pins and days (they go through the same
 * ingestion as real traffic, so every roll-up agrees), and set the server's "today".
 */
export class AnalyticsControlService {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      repo: AnalyticsControlRepo;
      clock: SettableClock;
      ingest: AnalyticsIngestService;
    },
  ) {}

  /** Loads the stored "today" and keeps following it (other processes may change it). */
  async start(): Promise<void> {
    await this.refresh();
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), CLOCK_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  clockView() {
    return { today: this.deps.clock.today, now: this.deps.clock.now().toISOString() };
  }

  async setToday(day: string | null) {
    if (day !== null && !isDay(day)) throw invalidField('today', 'must be a date as YYYY-MM-DD');
    await this.deps.repo.putToday(day);
    this.deps.clock.set(day);
    return this.clockView();
  }

  async inject(events: readonly InjectedEvent[]): Promise<IngestResult> {
    let total = 0;
    const pinIds = new Set<string>();
    const userIds = new Set<string>();
    events.forEach((event, i) => {
      const at = `events[${i}]`;
      if (!isDay(event.date)) throw invalidField(`${at}.date`, 'must be a date as YYYY-MM-DD');
      if (event.pin_id === undefined) {
        if (!ACCOUNT_EVENT_TYPES.has(event.type))
          throw invalidField(`${at}.pin_id`, `is required for ${event.type}`);
        if (event.user_id === undefined)
          throw invalidField(`${at}.user_id`, 'is required when pin_id is not given');
        userIds.add(event.user_id);
      } else {
        pinIds.add(event.pin_id);
      }
      if (DURATION_EVENT_TYPES.has(event.type) && event.value_ms === undefined)
        throw invalidField(`${at}.value_ms`, `is required for ${event.type}`);
      total += event.count;
    });
    if (total > MAX_INJECTED_EVENTS)
      throw badRequest(`Too many events: counts add up to ${total}; at most ${MAX_INJECTED_EVENTS} a call.`);
    await this.requireExisting('pins', [...pinIds], 'Pin');
    await this.requireExisting('users', [...userIds], 'User');

    const inputs: AnalyticsEventInput[] = [];
    for (const event of events) {
      const occurredAt = new Date(`${event.date}T12:00:00Z`);
      for (let n = 0; n < event.count; n++) {
        inputs.push({
          type: event.type,
          pinId: event.pin_id ?? null,
          ownerId: event.pin_id === undefined ? event.user_id : undefined,
          viewerId: null,
          appType: event.app_type,
          occurredAt,
          value: DURATION_EVENT_TYPES.has(event.type) ? event.value_ms : undefined,
        });
      }
    }
    return this.deps.ingest.record(inputs);
  }

  private async refresh(): Promise<void> {
    const stored = await this.deps.repo.getToday();
    this.deps.clock.set(stored && isDay(stored) ? stored : null);
  }

  private async requireExisting(table: 'pins' | 'users', ids: string[], what: string): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.deps.repo.existingIds(table, ids);
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw notFound(`${what} ${missing} not found.`);
  }
}
