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
      plan = { category, tier, windows, hits };
      plans.set(operationId, plan);
    }
    return plan;
  }

  private decide(reply: FastifyReply, plan: Plan, results: HitResult[]): ApiError | undefined {
    const { category, tier, windows } = plan;
    let over: { window: Window; result: HitResult } | null = null;
    let tightest: HitResult | null = null;
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      const window = windows[i]!;
      if (!result.allowed && (!over || result.resetSeconds > over.result.resetSeconds))
        over = { window, result };
      if (!tightest || result.limit - result.count < tightest.limit - tightest.count) tightest = result;
    }
    if (over) {
      const { window, result } = over;
      reply.header('Retry-After', String(result.resetSeconds));
      reply.header('X-RateLimit-Limit', String(result.limit));
      reply.header('X-RateLimit-Remaining', '0');
      reply.header('X-RateLimit-Reset', String(result.resetSeconds));
      return new ApiError(
        429,
        8,
        `Rate limit exceeded for the ${category} category: this ${tier === 'TRIAL' ? 'Trial' : 'Standard'} app may ` +
          `make ${result.limit} calls ${CALLS_PER[window.name]} per user in it. Retry after ${result.resetSeconds} s.`,
      );
    }
    if (tightest) {
      reply.header('X-RateLimit-Limit', String(tightest.limit));
      reply.header('X-RateLimit-Remaining', String(Math.max(0, tightest.limit - tightest.count)));
      reply.header('X-RateLimit-Reset', String(tightest.resetSeconds));
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
