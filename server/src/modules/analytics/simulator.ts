import { pinFormatOf } from './dimensions.js';
import {
  ANALYTICS_EVENT_TYPES,
  type AnalyticsEventInput,
  type AnalyticsEventType,
  type AppType,
} from './events.js';
import type { AnalyticsIngestService, IngestResult } from './ingest-service.js';
import type { AppContext } from '../../context.js';
import { SimulatorRepo, type SimulatedPin } from './simulator-repo.js';

/**
 * The traffic simulator: believable history for one account's pins, written through
 * `AnalyticsIngestService.record` so raw events and roll-ups agree exactly.
 *
 * The model, all drawn from one seeded generator (same seed, pins and "today" → same events):
 * - popularity: pins get Zipf weights (exponent 1.1) in a shuffled order, so a few pins are far
 *   ahead and most form a long tail;
 * - rhythm: weekdays busier than weekends (Sat ×0.72, Sun ×0.66), a slow upward trend over the
 *   window, day-to-day noise, and a daily cycle peaking around 20:00 UTC;
 * - funnel: pin clicks 1.5–3.5 % and saves 0.8–2.5 % of impressions (per pin), outbound clicks
 *   about a third of pin clicks on pins with a link, a few comments, reactions and profile
 *   visits; video events and watch times only for video pins;
 * - app types: 60 % MOBILE, 30 % WEB, 10 % TABLET; viewers are anonymous.
 *
 * So that no pin has activity before it existed, pins created after the window starts are
 * moved back (most before the window, some into it, which staggers them), and the account and
 * its boards before all of them.
 */
export interface SimulateOptions {
  userId: string;
  /** Days of history, ending with the UTC day before `today`. */
  days: number;
  seed: number;
  /** Defaults to now; fixed in tests. */
  today?: Date;
  /** Account-wide mean impressions on a weekday (default: 25 per pin, at least 200). */
  dailyImpressions?: number;
  /** Instead of dailyImpressions: aim at about this many events in all. */
  targetEvents?: number;
  /** Called after each simulated day. */
  onProgress?: (daysDone: number, days: number, events: number) => void;
}

export interface SimulationSummary {
  seed: number;
  pins: number;
  videoPins: number;
  days: number;
  firstDay: string;
  lastDay: string;
  events: number;
  accepted: number;
  rejected: number;
  /** Events of each type. */
  totals: Record<AnalyticsEventType, number>;
  /** Sum of VIDEO_WATCH_TIME values. */
  watchTimeMs: number;
  /** Mean impressions per weekday and per weekend day. */
  weekdayImpressions: number;
  weekendImpressions: number;
  saveRate: number;
  pinClickRate: number;
  /** Share of impressions that went to the top 10 % of pins. */
  topTenthShare: number;
  seconds: number;
  eventsPerSecond: number;
}

const DAY_MS = 86_400_000;
const ZIPF_EXPONENT = 1.1;
/** Standard deviations of the log-normal day-to-day noise: the whole account, and each pin. */
const DAY_NOISE = 0.12;
const PIN_DAY_NOISE = 0.25;
const WEEKDAY_FACTOR = [0.66, 1, 1, 1, 1, 1, 0.72]; // Sunday first, as getUTCDay
const APP_MIX: Array<[AppType, number]> = [
  ['MOBILE', 0.6],
  ['WEB', 0.9],
  ['TABLET', 1],
];
/** Events recorded per call: large enough to sum well in memory, small enough to stay light. */
const RECORD_CHUNK = 20_000;
/** Events per impression the funnel yields on average, to turn targetEvents into a rate. */
const IMAGE_EVENTS_PER_IMPRESSION = 1.06;
const VIDEO_EVENTS_PER_IMPRESSION = 2.5;

/** sfc32: small, fast, good enough for traffic, and the same on every platform. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i += 1) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (this.a + this.b + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson; a rounded normal above 30, where the two are indistinguishable here. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }

  binomial(trials: number, p: number): number {
    if (trials <= 0 || p <= 0) return 0;
    if (trials > 40) {
      const mean = trials * p;
      const sd = Math.sqrt(mean * (1 - p));
      return Math.min(trials, Math.max(0, Math.round(mean + sd * this.normal())));
    }
    let k = 0;
    for (let i = 0; i < trials; i += 1) if (this.next() < p) k += 1;
    return k;
  }
}

interface PinModel {
  pin: SimulatedPin;
  weight: number;
  video: boolean;
  durationMs: number;
  clickRate: number;
  saveRate: number;
  createdMs: number;
}

/** Hourly weights of the daily cycle (UTC), peaking at 20:00, cumulative for sampling. */
const HOUR_CUMULATIVE = (() => {
  const weights = Array.from({ length: 24 }, (_, h) => 1 + 0.6 * Math.cos((2 * Math.PI * (h - 20)) / 24));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();

export class AnalyticsSimulator {
  /** A simulator writing through the app's ingest service. */
  static for(ctx: Pick<AppContext, 'database' | 'analyticsIngest'>): AnalyticsSimulator {
    return new AnalyticsSimulator({ repo: new SimulatorRepo(ctx.database.db), ingest: ctx.analyticsIngest });
  }

  constructor(
    private readonly deps: { repo: SimulatorRepo; ingest: Pick<AnalyticsIngestService, 'record'> },
  ) {}

  async run(options: SimulateOptions): Promise<SimulationSummary> {
    const started = performance.now();
    const { repo } = this.deps;
    if (!Number.isInteger(options.days) || options.days < 1)
      throw new Error('days must be a positive integer');
    const random = new SeededRandom(options.seed);
    const todayMs = Math.floor((options.today ?? new Date()).getTime() / DAY_MS) * DAY_MS;
    const windowStartMs = todayMs - options.days * DAY_MS;

    const pins = await repo.pinsOf(options.userId);
    const models = this.modelPins(pins, random, windowStartMs, todayMs);
    await this.backdate(options.userId, models, windowStartMs);

    // Events per unit of dailyImpressions: each pin weighted by popularity, by its events per
    // impression and by the share of the window it existed; the mean of the log-normal noise.
    const windowMs = todayMs - windowStartMs;
    let eventsPerUnit = 0;
    for (const m of models) {
      const active = Math.min(1, Math.max(0, (todayMs - Math.max(windowStartMs, m.createdMs)) / windowMs));
      eventsPerUnit +=
        m.weight * active * (m.video ? VIDEO_EVENTS_PER_IMPRESSION : IMAGE_EVENTS_PER_IMPRESSION);
    }
    const noiseMean = Math.exp((DAY_NOISE ** 2 + PIN_DAY_NOISE ** 2) / 2);
    const meanDayFactor = WEEKDAY_FACTOR.reduce((a, b) => a + b, 0) / 7;
    const dailyImpressions =
      options.targetEvents !== undefined
        ? options.targetEvents / (options.days * meanDayFactor * noiseMean * Math.max(eventsPerUnit, 1e-9))
        : (options.dailyImpressions ?? Math.max(200, 25 * models.length));

    const totals = Object.fromEntries(ANALYTICS_EVENT_TYPES.map((t) => [t, 0])) as Record<
      AnalyticsEventType,
      number
    >;
    const impressionsByPin = new Map<string, number>();
    let weekdayImpressions = 0;
    let weekdays = 0;
    let weekendImpressions = 0;
    let weekendDays = 0;
    const ingested: IngestResult = { accepted: 0, duplicates: 0, rejected: 0 };
    const pending: AnalyticsEventInput[] = [];
    let events = 0;
    let watchTimeMs = 0;
    const record = async (chunk: AnalyticsEventInput[]) => {
      const result = await this.deps.ingest.record(chunk);
      ingested.accepted += result.accepted;
      ingested.rejected += result.rejected;
    };

    for (let day = 0; day < options.days; day += 1) {
      const dayStartMs = windowStartMs + day * DAY_MS;
      const weekday = new Date(dayStartMs).getUTCDay();
      const trend = 0.85 + (0.3 * day) / Math.max(1, options.days - 1);
      const dayFactor = WEEKDAY_FACTOR[weekday]! * trend * Math.exp(DAY_NOISE * random.normal());
      const emit = (type: AnalyticsEventType, pinId: string | null, at: number, value?: number) => {
        pending.push({
          type,
          pinId,
          ownerId: pinId === null ? options.userId : undefined,
          viewerId: null,
          appType: pickApp(random),
          occurredAt: new Date(at),
          value,
        });
        totals[type] += 1;
        if (type === 'VIDEO_WATCH_TIME') watchTimeMs += value!;
        events += 1;
      };
      let dayImpressions = 0;

      for (const model of models) {
        const dayEndMs = dayStartMs + DAY_MS;
        if (model.createdMs >= dayEndMs) continue;
        const from = Math.max(dayStartMs, model.createdMs);
        const when = () => timeIn(random, dayStartMs, from, dayEndMs);
        const mean = dailyImpressions * model.weight * dayFactor * Math.exp(PIN_DAY_NOISE * random.normal());
        const impressions = random.poisson(mean);
        if (impressions === 0) continue;
        dayImpressions += impressions;
        impressionsByPin.set(model.pin.id, (impressionsByPin.get(model.pin.id) ?? 0) + impressions);
        const id = model.pin.id;
        for (let i = 0; i < impressions; i += 1) emit('IMPRESSION', id, when());
        const clicks = random.binomial(impressions, model.clickRate);
        for (let i = 0; i < clicks; i += 1) emit('PIN_CLICK', id, when());
        const outbound = model.pin.link ? random.binomial(clicks, 0.33) : 0;
        for (let i = 0; i < outbound; i += 1) emit('OUTBOUND_CLICK', id, when());
        const saves = random.binomial(impressions, model.saveRate);
        for (let i = 0; i < saves; i += 1) emit('SAVE', id, when());
        for (let i = random.binomial(impressions, 0.0005); i > 0; i -= 1) emit('COMMENT', id, when());
        for (let i = random.binomial(impressions, 0.002); i > 0; i -= 1) emit('REACTION', id, when());
        for (let i = random.binomial(impressions, 0.004); i > 0; i -= 1) emit('PROFILE_VISIT', id, when());
        if (model.video) this.videoEvents(random, model, impressions, emit, when);
      }
      // Visits to the profile itself and follows, not from a pin.
      const visits = random.poisson(dailyImpressions * dayFactor * 0.002);
      for (let i = 0; i < visits; i += 1)
        emit('PROFILE_VISIT', null, timeIn(random, dayStartMs, dayStartMs, dayStartMs + DAY_MS));
      const follows = random.binomial(visits + Math.round(dayImpressions * 0.004), 0.08);
      for (let i = 0; i < follows; i += 1)
        emit('USER_FOLLOW', null, timeIn(random, dayStartMs, dayStartMs, dayStartMs + DAY_MS));

      if (weekday === 0 || weekday === 6) {
        weekendImpressions += dayImpressions;
        weekendDays += 1;
      } else {
        weekdayImpressions += dayImpressions;
        weekdays += 1;
      }
      while (pending.length >= RECORD_CHUNK) await record(pending.splice(0, RECORD_CHUNK));
      options.onProgress?.(day + 1, options.days, events);
    }
    if (pending.length > 0) await record(pending);

    const seconds = (performance.now() - started) / 1000;
    const byPin = [...impressionsByPin.values()].sort((a, b) => b - a);
    const allImpressions = totals.IMPRESSION;
    const topCount = Math.max(1, Math.ceil(models.length / 10));
    const topImpressions = byPin.slice(0, topCount).reduce((a, b) => a + b, 0);
    return {
      seed: options.seed,
      pins: models.length,
      videoPins: models.filter((m) => m.video).length,
      days: options.days,
      firstDay: new Date(windowStartMs).toISOString().slice(0, 10),
      lastDay: new Date(todayMs - DAY_MS).toISOString().slice(0, 10),
      events,
      accepted: ingested.accepted,
      rejected: ingested.rejected,
      totals,
      watchTimeMs,
      weekdayImpressions: weekdays ? weekdayImpressions / weekdays : 0,
      weekendImpressions: weekendDays ? weekendImpressions / weekendDays : 0,
      saveRate: allImpressions ? totals.SAVE / allImpressions : 0,
      pinClickRate: allImpressions ? totals.PIN_CLICK / allImpressions : 0,
      topTenthShare: allImpressions ? topImpressions / allImpressions : 0,
      seconds,
      eventsPerSecond: seconds > 0 ? events / seconds : 0,
    };
  }

  private videoEvents(
    random: SeededRandom,
    model: PinModel,
    impressions: number,
    emit: (type: AnalyticsEventType, pinId: string, at: number, value?: number) => void,
    when: () => number,
  ): void {
    const id = model.pin.id;
    const starts = random.binomial(impressions, 0.45);
    for (let i = 0; i < starts; i += 1) {
      const at = when();
      emit('VIDEO_START', id, at);
      // Most views stop early; some watch to the end.
      const watched = Math.min(model.durationMs, Math.round(-Math.log(1 - random.next()) * 7000) + 500);
      emit('VIDEO_WATCH_TIME', id, at, watched);
      if (watched >= 10_000) emit('VIDEO_10S_VIEW', id, at);
      if (watched >= 2000) emit('VIDEO_MRC_VIEW', id, at);
      if (watched >= model.durationMs * 0.95) emit('VIDEO_Q95_VIEW', id, at);
      if (watched >= model.durationMs * 0.5) emit('VIDEO_V50_WATCH_TIME', id, at, watched);
    }
  }

  /** Popularity, rates and (for pins created after the window starts) an earlier creation time. */
  private modelPins(
    pins: SimulatedPin[],
    random: SeededRandom,
    windowStartMs: number,
    todayMs: number,
  ): PinModel[] {
    const ranks = pins.map((_, i) => i + 1);
    for (let i = ranks.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random.next() * (i + 1));
      [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
    }
    const raw = ranks.map((rank) => 1 / rank ** ZIPF_EXPONENT);
    const total = raw.reduce((a, b) => a + b, 0);
    const windowMs = todayMs - windowStartMs;
    return pins.map((pin, i) => {
      // Drawn for every pin, used only for pins created after the window starts: a second run
      // with the same seed then draws the same numbers and moves the same pins to the same times.
      const early = random.next() < 0.75;
      const offset = random.next();
      const backdated = early
        ? windowStartMs - Math.floor((1 + 59 * offset) * DAY_MS)
        : windowStartMs + Math.floor(0.8 * offset * windowMs);
      const original = Date.parse(pin.createdAt);
      const createdMs = original <= windowStartMs ? original : Math.min(original, backdated);
      return {
        pin,
        weight: raw[i]! / total,
        video: pinFormatOf(pin.creativeType) === 'ORGANIC_VIDEO',
        durationMs: Math.round(random.between(8, 60) * 1000),
        clickRate: random.between(0.015, 0.035),
        saveRate: random.between(0.008, 0.025),
        createdMs,
      };
    });
  }

  private async backdate(userId: string, models: PinModel[], windowStartMs: number): Promise<void> {
    const earliest = models.reduce((min, m) => Math.min(min, m.createdMs), windowStartMs);
    const accountAt = new Date(earliest - DAY_MS).toISOString();
    const moved = models
      .filter((m) => Date.parse(m.pin.createdAt) > m.createdMs)
      .map((m) => ({ id: m.pin.id, createdAt: new Date(m.createdMs).toISOString() }));
    await this.deps.repo.backdate(userId, accountAt, moved);
  }
}

function pickApp(random: SeededRandom): AppType {
  const u = random.next();
  for (const [app, cumulative] of APP_MIX) if (u < cumulative) return app;
  return 'WEB';
}

/** A time in [from, end) of the day starting at dayStart, following the daily cycle. */
function timeIn(random: SeededRandom, dayStart: number, from: number, end: number): number {
  const u = random.next();
  let hour = 0;
  while (hour < 23 && u > HOUR_CUMULATIVE[hour]!) hour += 1;
  const at = dayStart + hour * 3_600_000 + Math.floor(random.next() * 3_600_000);
  if (at >= from && at < end) return at;
  return from + Math.floor(random.next() * (end - from));
}
