/**
 * Fault injection, pure parts: the settings an app's owner chooses, the seeded generator that
 * draws which calls fail, and the per-request `X-Corkboard-Fault` header. No I/O here.
 */

export interface FaultSettings {
  /** Off by default: an app that did not ask never sees an injected fault. */
  enabled: boolean;
  /** Seed of the generator: the same seed gives the same sequence of faults. */
  seed: number;
  /** Shares of calls (0–1) answered 429 (code 8, Retry-After), 500 and 503. */
  rate_429: number;
  rate_500: number;
  rate_503: number;
  /** Share of calls (0–1) delayed by `delay_ms` before being answered normally. */
  delay_rate: number;
  delay_ms: number;
  /** Whether a call may ask for a fault itself with the X-Corkboard-Fault header. */
  allow_header: boolean;
}

export const DEFAULT_FAULT_SETTINGS: FaultSettings = {
  enabled: false,
  seed: 1,
  rate_429: 0,
  rate_500: 0,
  rate_503: 0,
  delay_rate: 0,
  delay_ms: 300,
  allow_header: false,
};

export const MAX_DELAY_MS = 30_000;
export const FAULT_HEADER = 'x-corkboard-fault';

export type Fault = { kind: 'status'; status: 429 | 500 | 503 } | { kind: 'delay'; ms: number };

/**
 * A small, fast, seeded generator (mulberry32): uniform floats in [0, 1). The sequence is the
 * same for a seed on every platform, so a client's retry logic can be tested against an exact,
 * repeatable series of failures.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * One draw decides a call: [0, rate_429) → 429, then 500, then 503, then the delay share;
 * anything above is a normal call. Exactly one number is drawn per call, faulted or not.
 */
export function faultFor(settings: FaultSettings, draw: number): Fault | null {
  let edge = settings.rate_429;
  if (draw < edge) return { kind: 'status', status: 429 };
  edge += settings.rate_500;
  if (draw < edge) return { kind: 'status', status: 500 };
  edge += settings.rate_503;
  if (draw < edge) return { kind: 'status', status: 503 };
  edge += settings.delay_rate;
  if (draw < edge) return { kind: 'delay', ms: settings.delay_ms };
  return null;
}

/** The first `count` faults a seed gives: what a client can expect from a fresh sequence. */
export function plannedFaults(settings: FaultSettings, count: number): (Fault | null)[] {
  const random = new SeededRandom(settings.seed);
  return Array.from({ length: count }, () => faultFor(settings, random.next()));
}

/** `429`, `500`, `503` or `delay=MS`; anything else is a client mistake (null). */
export function parseFaultHeader(value: string): Fault | null {
  const text = value.trim().toLowerCase();
  if (text === '429' || text === '500' || text === '503') {
    return { kind: 'status', status: Number(text) as 429 | 500 | 503 };
  }
  const delay = /^delay=(\d{1,5})$/.exec(text);
  if (delay) {
    const ms = Number(delay[1]);
    if (ms <= MAX_DELAY_MS) return { kind: 'delay', ms };
  }
  return null;
}

/** Field-naming problems with settings an owner sent, or [] when they are usable. */
export function faultSettingsProblems(settings: FaultSettings): string[] {
  const problems: string[] = [];
  for (const field of ['rate_429', 'rate_500', 'rate_503', 'delay_rate'] as const) {
    const rate = settings[field];
    if (!(rate >= 0 && rate <= 1)) problems.push(`${field} must be between 0 and 1`);
  }
  const total = settings.rate_429 + settings.rate_500 + settings.rate_503 + settings.delay_rate;
  if (total > 1 + 1e-9) problems.push('rate_429 + rate_500 + rate_503 + delay_rate must not exceed 1');
  if (!Number.isInteger(settings.delay_ms) || settings.delay_ms < 0 || settings.delay_ms > MAX_DELAY_MS)
    problems.push(`delay_ms must be an integer from 0 to ${MAX_DELAY_MS}`);
  if (!Number.isInteger(settings.seed) || settings.seed < 0 || settings.seed > 0xffffffff)
    problems.push('seed must be an integer from 0 to 4294967295');
  return problems;
}
