import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { CounterHit, CounterStore, HitResult } from '../lib/counters.js';
import { ApiError } from '../lib/errors.js';
import type { AuthContext } from '../modules/tokens/service.js';
import { referenceOperation } from './reference.js';

/**
 * Pinterest's rate limits for /v5 operations: per app and user, per the operation's
 * `x-ratelimit-category` (operations of one category share a quota). Trial apps get
 * `trialPerDay` calls a day; Standard apps `standardPerSecond` a second and `standardPerMinute`
 * a minute. Over the limit: 429 code 8 with Retry-After. Counters live in a CounterStore
 * (memory, or Redis shared by every process), never in the database; one round trip per
 * request whatever the number of windows. When the store is unreachable calls are let through
 * (fail open) and a warning is logged now and then: a Redis outage must not take the API down.
 */

export type AccessTier = 'TRIAL' | 'STANDARD';

interface Window {
  name: 'second' | 'minute' | 'day';
  ms: number;
  limit: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const WARN_EVERY_MS = 30 * SECOND;
// Lower case, as Fastify stores header names: no lower-casing copy per call.
const LIMIT_HEADER = 'x-ratelimit-limit';
const REMAINING_HEADER = 'x-ratelimit-remaining';
const RESET_HEADER = 'x-ratelimit-reset';

export interface RateLimitOptions {
  counters: CounterStore;
  limits: Config['rateLimits'];
}

const CALLS_PER: Record<Window['name'], string> = {
  second: 'a second',
  minute: 'a minute',
  day: 'a day',
};

/** What counting one caller's call to one operation takes, worked out once. */
interface Plan {
  category: string;
  tier: AccessTier;
  windows: Window[];
  hits: CounterHit[];
  /** Each window's limit as header text, written once. */
  limitTexts: string[];
}

/** Who a call counts against: a token's caller, or an app alone (the token endpoint, per client). */
export type RateLimitCaller = Pick<AuthContext, 'appId' | 'userId' | 'tier'>;

export class RateLimiter {
  private readonly windows: Record<AccessTier, Window[]>;
  private readonly plans = new WeakMap<RateLimitCaller, Map<string, Plan>>();
  private lastWarning = 0;

  constructor(private readonly options: RateLimitOptions) {
    const { limits } = options;
    this.windows = {
      TRIAL: [{ name: 'day', ms: DAY, limit: limits.trialPerDay }],
      STANDARD: [
        { name: 'second', ms: SECOND, limit: limits.standardPerSecond },
        { name: 'minute', ms: MINUTE, limit: limits.standardPerMinute },
      ],
    };
  }

  /**
   * Counts the call; 429 code 8 when a window is over its limit (the error is returned, not
   * thrown), and the X-RateLimit-* headers otherwise. Never fails for a store outage. Answers
   * synchronously when the counters are in memory, with a promise when they are shared.
   */
  check(
    request: FastifyRequest,
    reply: FastifyReply,
    auth: RateLimitCaller,
    operationId: string,
  ): ApiError | undefined | Promise<ApiError | undefined> {
    const plan = this.planFor(auth, operationId);
    const { counters } = this.options;
    if (counters.hitAllNow) return this.decide(reply, plan, counters.hitAllNow(plan.hits));
    return counters.hitAll(plan.hits).then(
      (results) => this.decide(reply, plan, results),
      (error: Error) => {
        this.warn(request, error);
        return undefined;
      },
    );
  }

  /**
   * The caller's counter keys for the operation's category. Built once per caller and operation:
   * a cached token hands back the same AuthContext for a while, so its calls reuse the keys.
   */
  private planFor(auth: RateLimitCaller, operationId: string): Plan {
    let plans = this.plans.get(auth);
    if (!plans) {
      plans = new Map();
      this.plans.set(auth, plans);
    }
    let plan = plans.get(operationId);
    if (!plan) {
      const category = referenceOperation(operationId)?.rateLimitCategory ?? operationId;
      // The tier comes with the token (one joined query in authentication): no lookup here.
      const tier: AccessTier = auth.tier === 'TRIAL' ? 'TRIAL' : 'STANDARD';
      const windows = this.windows[tier];
      // One hash tag per caller and category: the windows of one call live in one cluster slot.
      const base = `{${category}:${auth.appId}:${auth.userId}}`;
      const hits: CounterHit[] = windows.map((w) => ({
        key: `${base}:${w.name}`,
        windowMs: w.ms,
        limit: w.limit,
      }));
      plan = { category, tier, windows, hits, limitTexts: windows.map((w) => String(w.limit)) };
      plans.set(operationId, plan);
    }
    return plan;
  }

  private decide(reply: FastifyReply, plan: Plan, results: HitResult[]): ApiError | undefined {
    const { category, tier, windows } = plan;
    let over = -1;
    let tightest = -1;
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      if (!result.allowed && (over === -1 || result.resetSeconds > results[over]!.resetSeconds)) over = i;
      if (
        tightest === -1 ||
        result.limit - result.count < results[tightest]!.limit - results[tightest]!.count
      )
        tightest = i;
    }
    if (over !== -1) {
      const result = results[over]!;
      reply.header('retry-after', String(result.resetSeconds));
      reply.header(LIMIT_HEADER, plan.limitTexts[over]!);
      reply.header(REMAINING_HEADER, '0');
      reply.header(RESET_HEADER, String(result.resetSeconds));
      return new ApiError(
        429,
        8,
        `Rate limit exceeded for the ${category} category: this ${tier === 'TRIAL' ? 'Trial' : 'Standard'} app may ` +
          `make ${result.limit} calls ${CALLS_PER[windows[over]!.name]} per user in it. Retry after ${result.resetSeconds} s.`,
      );
    }
    if (tightest !== -1) {
      const result = results[tightest]!;
      reply.header(LIMIT_HEADER, plan.limitTexts[tightest]!);
      reply.header(REMAINING_HEADER, String(Math.max(0, result.limit - result.count)));
      reply.header(RESET_HEADER, String(result.resetSeconds));
    }
    return undefined;
  }

  private warn(request: FastifyRequest, error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    request.log.warn(
      { err: error.message },
      'rate-limit counters unreachable: letting API calls through without rate limits (fail open)',
    );
  }
}
