import { RateLimiterMemory, RateLimiterRes, type IRateLimiterOptions } from 'rate-limiter-flexible';

interface Window {
  points: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** How often expired windows are dropped. */
const SWEEP_INTERVAL_MS = 30_000;

/**
 * rate-limiter-flexible's in-memory counts, kept compactly. Its own store gives every key a record
 * and a `setTimeout` that deletes it when its window ends: one timer a recipient for a day with the
 * per-recipient limit. Here a key is a small object in a `Map`, and one timer sweeps the ended
 * windows. 200,000 recipient keys took 422 heap bytes a key that way, 157 here (95 against 45 MB
 * resident).
 *
 * The sweep is cheap because a key whose window ends is re-inserted when it counts again: the
 * `Map`'s insertion order is the order in which windows end (every key of one limiter has the same
 * window), so the sweep stops at the first window still running.
 */
class CompactWindowStore {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  get size(): number {
    return this.windows.size;
  }

  incrby(key: string, points: number, durationSeconds: number): RateLimiterRes {
    const now = Date.now();
    const window = this.windows.get(key);
    if (window && window.expiresAt > now) {
      window.points += points;
      return new RateLimiterRes(0, window.expiresAt - now, window.points, false);
    }
    return this.set(key, points, durationSeconds, now);
  }

  set(key: string, points: number, durationSeconds: number, now = Date.now()): RateLimiterRes {
    // Deleted first, so that the key moves to the end of the insertion order (see sweep()).
    this.windows.delete(key);
    const expiresAt = durationSeconds > 0 ? now + durationSeconds * 1000 : Number.POSITIVE_INFINITY;
    this.windows.set(key, { points, expiresAt });
    return new RateLimiterRes(0, durationSeconds > 0 ? durationSeconds * 1000 : -1, points, true);
  }

  get(key: string): RateLimiterRes | null {
    const now = Date.now();
    const window = this.windows.get(key);
    if (!window || window.expiresAt <= now) return null;
    return new RateLimiterRes(0, Number.isFinite(window.expiresAt) ? window.expiresAt - now : -1, window.points, false);
  }

  delete(key: string): boolean {
    return this.windows.delete(key);
  }

  /** Drops the windows that ended, oldest first, up to the first one still running. */
  sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.expiresAt > now) return;
      this.windows.delete(key);
    }
  }
}

/** A RateLimiterMemory (usable on its own or as a Redis limiter's insurance) on the compact store. */
export class CompactRateLimiterMemory extends RateLimiterMemory {
  readonly store = new CompactWindowStore();

  constructor(options: IRateLimiterOptions) {
    super(options);
    // The store is the library's one internal seam: RateLimiterMemory calls only incrby, set, get
    // and delete on it. test/unit/compact-memory-limiter.test.ts checks the limiter still counts
    // through this store, should an upgrade of the pinned library change that.
    (this as unknown as { _memoryStorage: CompactWindowStore })._memoryStorage = this.store;
  }
}
