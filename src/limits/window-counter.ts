import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { CompactRateLimiterMemory } from './compact-memory-limiter.js';
import type { LogRef, RedisStore } from './redis-store.js';

/** What a counter granted: all `wanted` points, or fewer, and then how long until its window resets. */
export interface Grant {
  granted: number;
  retryAfterSeconds: number;
}

/**
 * Points per key over a fixed window (rate-limiter-flexible): in Redis when there is a store, with
 * an in-memory counter as its insurance (used while Redis is unreachable or slow), in memory only
 * otherwise.
 */
export class WindowCounter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    /** Points per window. */
    readonly limit: number,
    private readonly store: RedisStore | undefined,
    private readonly log: LogRef,
  ) {}

  /**
   * Counts `wanted` points, all of them, even over the limit (the caller gives back what it does
   * not use); the grant says how many of them fitted.
   */
  async take(key: string, wanted: number): Promise<Grant> {
    this.store?.touch();
    try {
      await this.limiter.consume(key, wanted);
      return { granted: wanted, retryAfterSeconds: 0 };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const before = rejection.consumedPoints - wanted;
        return {
          granted: Math.max(0, Math.min(wanted, this.limit - before)),
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        };
      }
      // Neither Redis nor the in-memory insurance could count: a limit is not worth a failed request.
      this.log.current.warn(
        { component: 'limits', err: { message: String(rejection) } },
        'a limit could not be counted; allowed',
      );
      return { granted: wanted, retryAfterSeconds: 0 };
    }
  }

  /** Gives back points that were counted but not used; in the background, since nobody waits on it. */
  giveBack(key: string, points: number): void {
    if (points <= 0) return;
    this.limiter.reward(key, points).catch(() => undefined);
  }
}

export interface CounterOptions {
  /** Distinguishes this counter's keys from the others'. */
  name: string;
  /** Points per window; 0 means no limit, and no counter. */
  limit: number;
  windowSeconds: number;
  keyPrefix: string;
  store: RedisStore | undefined;
  log: LogRef;
}

export function createWindowCounter(options: CounterOptions): WindowCounter | undefined {
  if (options.limit === 0) return undefined;
  const keyPrefix = `${options.keyPrefix}:${options.name}`;
  const memory = new CompactRateLimiterMemory({ keyPrefix, points: options.limit, duration: options.windowSeconds });
  const limiter = options.store
    ? new RateLimiterRedis({
        storeClient: options.store.client,
        keyPrefix,
        points: options.limit,
        duration: options.windowSeconds,
        // Not connected: straight to the insurance, without trying Redis.
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return new WindowCounter(limiter, options.limit, options.store, options.log);
}
