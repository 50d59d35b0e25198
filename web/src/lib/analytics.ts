/**
 * Impressions: a pin counts as seen when at least half of its card is on screen for a second,
 * once per page view. Seen pins are batched and handed to `sendImpressions`, the one place
 * that talks to the analytics beacon.
 */
import { apiSend } from '../api/client';

const SEEN_FOR_MS = 1000;
const FLUSH_AFTER_MS = 5000;

const reported = new Set<string>();
let queue: string[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
const timers = new WeakMap<Element, ReturnType<typeof setTimeout>>();
const pinOf = new WeakMap<Element, string>();

let observer: IntersectionObserver | null = null;
function sharedObserver(): IntersectionObserver | null {
  if (typeof IntersectionObserver === 'undefined') return null;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const pinId = pinOf.get(entry.target);
        if (!pinId) continue;
        if (entry.isIntersecting) {
          if (!timers.has(entry.target))
            timers.set(
              entry.target,
              setTimeout(() => seen(pinId), SEEN_FOR_MS),
            );
        } else {
          clearTimeout(timers.get(entry.target));
          timers.delete(entry.target);
        }
      }
    },
    { threshold: 0.5 },
  );
  return observer;
}

/** Watches a pin card; returns the function that stops watching it. */
export function observeImpression(element: Element, pinId: string): () => void {
  const shared = sharedObserver();
  if (!shared) return () => undefined;
  pinOf.set(element, pinId);
  shared.observe(element);
  return () => {
    shared.unobserve(element);
    clearTimeout(timers.get(element));
    timers.delete(element);
  };
}

function seen(pinId: string): void {
  if (reported.has(pinId)) return;
  reported.add(pinId);
  queue.push(pinId);
  flushTimer ??= setTimeout(flush, FLUSH_AFTER_MS);
}

function flush(): void {
  flushTimer = null;
  const batch = queue;
  queue = [];
  if (batch.length > 0) sendImpressions(batch);
}

if (typeof window !== 'undefined') {
  // A page being closed or hidden still reports what was seen.
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
}

/** The beacon takes at most this many events a request. */
const BEACON_BATCH = 100;

/** Opening a pin from a card counts as a pin click. */
export function reportPinClick(pinId: string): void {
  void send([{ id: eventId(), type: 'PIN_CLICK', pin_id: pinId }]);
}

/** Hands a batch of impressions to the analytics beacon (POST /api/analytics/events). */
function sendImpressions(pinIds: string[]): void {
  for (let i = 0; i < pinIds.length; i += BEACON_BATCH) {
    void send(
      pinIds
        .slice(i, i + BEACON_BATCH)
        .map((pinId) => ({ id: eventId(), type: 'IMPRESSION', pin_id: pinId })),
    );
  }
}

/** Video progress waits this long for more events of the same page before it is sent. */
const VIDEO_FLUSH_AFTER_MS = 1000;
let videoQueue: BeaconEvent[] = [];
let videoTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Video progress of a pin (VideoPlayer and lib/video-progress.ts decide what), batched with
 * other progress of the page; `now` sends the batch at once (pause, leaving the page).
 */
export function reportVideoEvents(
  pinId: string,
  events: ReadonlyArray<{ type: string; value?: number }>,
  now = false,
): void {
  for (const event of events) videoQueue.push({ id: eventId(), pin_id: pinId, ...event });
  if (now) flushVideo();
  else if (videoQueue.length > 0) videoTimer ??= setTimeout(flushVideo, VIDEO_FLUSH_AFTER_MS);
}

function flushVideo(): void {
  if (videoTimer) clearTimeout(videoTimer);
  videoTimer = null;
  const batch = videoQueue;
  videoQueue = [];
  for (let i = 0; i < batch.length; i += BEACON_BATCH) void send(batch.slice(i, i + BEACON_BATCH));
}

interface BeaconEvent {
  id: string;
  type: string;
  pin_id: string;
  value?: number;
}

async function send(events: BeaconEvent[]): Promise<void> {
  try {
    await apiSend('POST', '/api/analytics/events', { events }, { keepalive: true });
  } catch {
    // Analytics never get in the way of the page: a lost batch is only a lower count.
  }
}

/** Unique per event, so a retried batch counts once. */
function eventId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
