import { ApiError, notFound, type ApiError as ApiErrorType } from '../../lib/errors.js';
import type { CounterStore } from '../../lib/counters.js';
import type { PinsService } from '../pins/service.js';
import type { PinRow } from '../pins/repo.js';
import type { Viewer } from '../visibility/policy.js';
import { pinFormatOf } from './dimensions.js';
import type { AnalyticsEventInput, AnalyticsEventType, AppType, LiveEventInput } from './events.js';
import type { AnalyticsIngestService } from './ingest-service.js';

/** What the web app may report through the beacon; the server records outbound clicks and saves itself. */
export const BEACON_EVENT_TYPES = [
  'IMPRESSION',
  'PIN_CLICK',
  'VIDEO_START',
  'VIDEO_10S_VIEW',
  'VIDEO_MRC_VIEW',
  'VIDEO_Q95_VIEW',
  'VIDEO_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
] as const satisfies readonly AnalyticsEventType[];
type BeaconEventType = (typeof BEACON_EVENT_TYPES)[number];

export const BEACON_MAX_EVENTS = 100;
export const CLIENT_ID_MAX_LENGTH = 64;
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_REPORTED_WATCH_MS = 3_600_000;
const VIDEO_TYPES = new Set<string>(BEACON_EVENT_TYPES.filter((t) => t.startsWith('VIDEO_')));
const WATCH_TYPES = new Set<string>(['VIDEO_WATCH_TIME', 'VIDEO_V50_WATCH_TIME']);
/** Outbound clicks counted a minute per client address; past it the redirect still works, uncounted. */
const OUTBOUND_COUNTED_PER_MINUTE = 60;
const MINUTE_MS = 60_000;

/** Who is looking: a signed-in user, or an anonymous browser (its id from a cookie). */
export type LiveViewer = { userId: string; anonymousId?: undefined } | { userId: null; anonymousId: string };

export interface BeaconItem {
  id: string;
  type: string;
  pin_id: string;
  value?: number;
}

export interface BeaconResult {
  accepted: number;
  rejected: Array<{ index: number; id: string; reason: string }>;
}

/** Beacon rate limit hit: 429 code 8; the route sends Retry-After. */
export class BeaconRateLimited extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super(
      429,
      8,
      `Too many analytics reports: at most ${limit} a minute from one address. Retry after ${retryAfterSeconds} s.`,
    );
  }
}

/**
 * Events from live traffic, checked and queued (never written on the request path): the web
 * app's beacon, outbound clicks through `/r/{pin_id}`, and saves. Pins are looked up with the
 * one visibility rule (PinsService.get), so a viewer cannot report on a pin they cannot see.
 */
export class LiveAnalytics {
  constructor(
    private readonly deps: {
      pins: Pick<PinsService, 'get'>;
      ingest: Pick<AnalyticsIngestService, 'enqueue'>;
      counters: CounterStore;
      beaconPerMinute: number;
      /** The server's "now" (the sandbox can set its day, see lib/clock.ts). */
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * A beacon batch: rate limited per client address, each event checked on its own (type,
   * id, visible pin, video types only for video pins, watch time), accepted ones queued with a
   * dedupe key scoped to the viewer so one client can never cancel another's events.
   */
  async beacon(input: {
    viewer: LiveViewer;
    clientIp: string;
    appType: AppType;
    events: readonly BeaconItem[];
  }): Promise<BeaconResult> {
    await this.limit(`beacon:ip:${input.clientIp}`, this.deps.beaconPerMinute, true);
    const pinViewer = viewerForPins(input.viewer);
    const scope = input.viewer.userId !== null ? `u${input.viewer.userId}` : `a${input.viewer.anonymousId}`;
    const pins = new Map<string, Promise<PinRow | null>>();
    const lookup = (pinId: string) => {
      let found = pins.get(pinId);
      if (!found) {
        found = this.deps.pins.get(pinViewer, pinId, pinMissing).catch((error: unknown) => {
          if (error instanceof ApiError && error.statusCode < 500) return null;
          throw error;
        });
        pins.set(pinId, found);
      }
      return found;
    };
    const now = this.now();
    const accepted: AnalyticsEventInput[] = [];
    const rejected: BeaconResult['rejected'] = [];
    for (const [index, item] of input.events.entries()) {
      const reject = (reason: string) => rejected.push({ index, id: item.id, reason });
      if (!CLIENT_ID.test(item.id)) {
        reject(`'id' must be 1 to ${CLIENT_ID_MAX_LENGTH} letters, digits, '-', '_', '.' or ':'`);
        continue;
      }
      if (!(BEACON_EVENT_TYPES as readonly string[]).includes(item.type)) {
        reject(`'type' must be one of ${BEACON_EVENT_TYPES.join(', ')}`);
        continue;
      }
      const type = item.type as BeaconEventType;
      let value: number | undefined;
      if (WATCH_TYPES.has(type)) {
        if (
          item.value === undefined ||
          !Number.isInteger(item.value) ||
          item.value < 1 ||
          item.value > MAX_REPORTED_WATCH_MS
        ) {
          reject(
            `'value' must be the milliseconds watched, a whole number from 1 to ${MAX_REPORTED_WATCH_MS}`,
          );
          continue;
        }
        value = item.value;
      }
      const pin = await lookup(item.pin_id);
      if (!pin) {
        reject(`'pin_id' names no pin you can see`);
        continue;
      }
      if (VIDEO_TYPES.has(type) && pinFormatOf(pin.creativeType) !== 'ORGANIC_VIDEO') {
        reject(`'type' ${type} is for video pins only`);
        continue;
      }
      accepted.push({
        type,
        pinId: pin.id,
        viewerId: input.viewer.userId,
        appType: input.appType,
        occurredAt: now,
        value,
        dedupeKey: `b:${scope}:${type}:${item.id}`,
      });
    }
    this.deps.ingest.enqueue(accepted);
    return { accepted: accepted.length, rejected };
  }

  /**
   * `/r/{pin_id}`: the pin's link when the viewer can see the pin and it links to an http(s)
   * page (else 404), with an OUTBOUND_CLICK queued (at most OUTBOUND_COUNTED_PER_MINUTE a
   * minute per address are counted; the redirect itself always works).
   */
  async outboundClick(input: {
    viewer: LiveViewer;
    pinId: string;
    clientIp: string;
    appType: AppType;
    count: boolean;
  }): Promise<string> {
    const pin = await this.deps.pins.get(viewerForPins(input.viewer), input.pinId, linkMissing);
    const target = httpLink(pin.link);
    if (target === null) throw linkMissing();
    if (
      input.count &&
      (await this.limit(`outbound:ip:${input.clientIp}`, OUTBOUND_COUNTED_PER_MINUTE, false))
    ) {
      this.deps.ingest.enqueue([
        {
          type: 'OUTBOUND_CLICK',
          pinId: pin.id,
          viewerId: input.viewer.userId,
          appType: input.appType,
          occurredAt: this.now(),
        },
      ]);
    }
    return target;
  }

  /** Counts one hit; over the limit throws (or returns false when `raise` is off). Fails open. */
  private async limit(key: string, perMinute: number, raise: boolean): Promise<boolean> {
    let result;
    try {
      result = await this.deps.counters.hit(key, MINUTE_MS, perMinute);
    } catch {
      return true;
    }
    if (result.allowed) return true;
    if (raise) throw new BeaconRateLimited(result.resetSeconds, perMinute);
    return false;
  }
}

/** A SAVE for the pin that was saved, by the saver (pins/save): it happens now, by the server's clock. */
export function saveEvent(savedPinId: string, saverId: string, appType: AppType): LiveEventInput {
  return { type: 'SAVE', pinId: savedPinId, viewerId: saverId, appType };
}

/**
 * The web app is the user's own first-party client: a signed-in user sees their own secret
 * pins there. An anonymous viewer is nobody's owner, so sees public pins only.
 */
function viewerForPins(viewer: LiveViewer): Viewer {
  return viewer.userId !== null
    ? {
        userId: viewer.userId,
        scopes: new Set(['pins:read', 'pins:read_secret', 'boards:read', 'boards:read_secret']),
      }
    : { userId: '0', scopes: new Set() };
}

function httpLink(link: string | null): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

const pinMissing = (): ApiErrorType => notFound('Pin not found.');
const linkMissing = (): ApiErrorType => notFound('Pin not found or it has no link.');
