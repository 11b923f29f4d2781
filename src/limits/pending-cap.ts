import type { Clock } from '../clock.js';

/** Counts an organization's PENDING, unexpired invitations (one indexed COUNT). */
export type CountPending = (organizationId: string) => Promise<number>;

interface Estimate {
  /** The last count, plus the invitations this process wrote since. */
  pending: number;
  countedAt: number;
}

/** How long a count is trusted far from the cap. */
const COUNT_TTL_MS = 60_000;
/** Past this many organizations, estimates too old to be trusted are dropped. */
const MAX_ESTIMATES = 10_000;

/**
 * The cap on an organization's pending invitations, without a COUNT on every create.
 *
 * Far from the cap, a cached estimate decides: the last count plus what this process has written
 * since, trusted for a minute. The estimate only grows (accepted, declined, revoked and expired
 * invitations are not subtracted until the next count), so it errs towards counting early. Within
 * 10% of the cap, or when the estimate is a minute old, the organization is counted again, so the
 * cap is exact where it matters. What it cannot see is the other processes' writes since its last
 * count: at most a minute of them, and only while the estimate is at least 10% below the cap (with
 * the default per-organization rate limit, 1,000 an hour, shared through Redis, they cannot cross
 * that gap). Concurrent requests near the cap are held back by the invitations admitted but not yet
 * written (`inFlight`), within one process; across processes the cap is soft by what is in flight.
 * Requests that need a count at the same moment share one query, so a busy organization costs one
 * COUNT a minute per process far from the cap.
 */
export class PendingInvitationsCap {
  private readonly estimates = new Map<string, Estimate>();
  private readonly inFlight = new Map<string, number>();
  private readonly counting = new Map<string, Promise<number>>();
  private readonly margin: number;

  constructor(
    /** The most pending invitations an organization may have; 0 means no cap. */
    readonly cap: number,
    private readonly countPending: CountPending,
    private readonly clock: Clock,
  ) {
    this.margin = Math.max(1, Math.ceil(cap / 10));
  }

  /**
   * How many of `wanted` new invitations fit under the cap (all or nothing: `wanted` or 0); those
   * are reserved until `release`.
   */
  async reserve(organizationId: string, wanted: number, allOrNothing: boolean): Promise<number> {
    if (this.cap === 0) return wanted;
    const now = this.clock.now().getTime();
    let estimate = this.estimates.get(organizationId);
    const inFlight = this.inFlight.get(organizationId) ?? 0;
    const fresh = estimate !== undefined && now - estimate.countedAt < COUNT_TTL_MS;
    if (!fresh || estimate!.pending + inFlight + wanted > this.cap - this.margin) {
      estimate = { pending: await this.count(organizationId), countedAt: now };
      if (this.estimates.size >= MAX_ESTIMATES) this.forgetStale(now);
      this.estimates.set(organizationId, estimate);
    }
    // In-flight invitations already committed are in the count as well: this errs towards refusing.
    const room = Math.max(0, this.cap - estimate!.pending - (this.inFlight.get(organizationId) ?? 0));
    const granted = wanted <= room ? wanted : allOrNothing ? 0 : room;
    if (granted > 0) this.inFlight.set(organizationId, (this.inFlight.get(organizationId) ?? 0) + granted);
    return granted;
  }

  /** Concurrent requests that need a count share one query. */
  private count(organizationId: string): Promise<number> {
    let counting = this.counting.get(organizationId);
    if (!counting) {
      counting = this.countPending(organizationId).finally(() => this.counting.delete(organizationId));
      this.counting.set(organizationId, counting);
    }
    return counting;
  }

  private forgetStale(now: number): void {
    for (const [organizationId, estimate] of this.estimates) {
      if (now - estimate.countedAt >= COUNT_TTL_MS) this.estimates.delete(organizationId);
    }
  }

  /** A reservation ends: `written` of the `reserved` invitations now exist. */
  release(organizationId: string, reserved: number, written: number): void {
    if (this.cap === 0 || reserved === 0) return;
    const inFlight = (this.inFlight.get(organizationId) ?? 0) - reserved;
    if (inFlight > 0) this.inFlight.set(organizationId, inFlight);
    else this.inFlight.delete(organizationId);
    const estimate = this.estimates.get(organizationId);
    if (estimate) estimate.pending += written;
  }
}
