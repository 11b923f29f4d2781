import type { FastifyBaseLogger } from 'fastify';
import type { ServiceDeps } from '../../deps.js';
import type { WorkerLane } from '../outbox/outbox.lane.js';
import {
  claimDueDeliveries,
  type DeliveryCandidate,
  PLATFORM_KEY,
  recordAttempt,
  type WebhookDeliveryRow,
} from './webhook-delivery.repository.js';
import { findEndpointsById, type WebhookEndpointRow } from './webhook-endpoint.repository.js';
import { fanOutEvents, recordOutcome, signedRequest } from './webhook.delivery.js';
import { sendWebhook } from './webhook.sender.js';

export interface WebhookLaneOptions {
  /** The worker's id: the lease holder. */
  workerId: string;
  /** Deliveries in flight at once, over every endpoint. */
  concurrency: number;
  /** Deliveries in flight at once to one endpoint: a slow endpoint holds only these. */
  perEndpoint: number;
  /**
   * Deliveries in flight at once for one organization's events, over all its endpoints: an
   * organization whose every endpoint hangs holds these, and the others keep the rest.
   */
  perOrganization: number;
  /** The longest one attempt may take (SPEC: 15 s). */
  timeoutMs: number;
  /** Where attempts are counted and timed (Prometheus), when the process serves /metrics. */
  metrics?: DeliveryMetrics | undefined;
}

/** Where attempts are counted (ops/metrics.ts gives Prometheus ones); the lane needs only this much. */
export interface DeliveryMetrics {
  webhookDeliveries: { inc(labels: { outcome: string }): void };
  webhookDuration: { observe(seconds: number): void };
}

/** Events turned into deliveries per fan-out transaction. */
const FANOUT_BATCH = 500;

export const WEBHOOK_LANE_DEFAULTS = {
  concurrency: 32,
  perEndpoint: 4,
  perOrganization: 8,
  timeoutMs: 15_000,
} as const;

/** Deliveries in flight by key (an endpoint, an organization), each up to a cap. */
class InFlight {
  private readonly counts = new Map<string, number>();
  constructor(private readonly cap: number) {}

  /** Whether `more` can start beside those in flight. */
  hasRoom(key: string, more: number): boolean {
    return (this.counts.get(key) ?? 0) + more <= this.cap;
  }

  /** The keys at their cap: the claim leaves their deliveries alone. */
  full(): string[] {
    return [...this.counts].filter(([, count]) => count >= this.cap).map(([key]) => key);
  }

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  remove(key: string): void {
    const left = (this.counts.get(key) ?? 1) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}

/**
 * Webhooks: turns new events into deliveries (the fan-out), leases due deliveries and sends each
 * as soon as a slot is free, never more than `perEndpoint` to one endpoint, so that a slow or dead
 * endpoint holds back neither the others nor anything else the worker does. Delivery is at least
 * once: a worker that dies leaves its leases to run out and another sends again, with the same
 * `webhook-id`.
 */
export class WebhookLane implements WorkerLane {
  readonly name = 'webhooks';
  private readonly id: string;
  private readonly byEndpoint: InFlight;
  private readonly byOrganization: InFlight;
  private readonly sending = new Set<Promise<void>>();
  private wake: () => void = () => {};
  private nextFanOutAt = 0;
  /** False after a claim found less than it asked for, until a slot frees or a poll comes. */
  private mayClaim = true;
  /** The keys at their share when a claim last found nothing more past them (until a poll). */
  private foundNothingPast: ReadonlySet<string> | undefined;
  /** Deliveries finished so far: a claim tells by it whether one finished while it ran. */
  private finished = 0;

  private newWorkMayBeDue(): void {
    this.mayClaim = true;
    this.foundNothingPast = undefined;
  }

  constructor(
    private readonly deps: ServiceDeps,
    private readonly log: FastifyBaseLogger,
    private readonly options: WebhookLaneOptions,
  ) {
    this.id = options.workerId;
    this.byEndpoint = new InFlight(options.perEndpoint);
    this.byOrganization = new InFlight(options.perOrganization);
  }

  async turn(stopping: AbortSignal): Promise<boolean> {
    if (stopping.aborted) return false;
    // A freed slot turns the lane at once; the events are looked at once per poll, or again at
    // once while a walk is behind (a full batch).
    let walked = 0;
    const now = Date.now();
    if (now >= this.nextFanOutAt) {
      this.nextFanOutAt = now + this.deps.config.outbox.pollMs;
      try {
        walked = await fanOutEvents(this.deps, FANOUT_BATCH);
        if (walked >= FANOUT_BATCH) this.nextFanOutAt = now;
      } catch (error) {
        // Deliveries already made still go out; the fan-out is tried again at the next poll.
        this.log.error({ err: error }, 'webhook fan-out failed; trying again at the next poll');
      }
      // New deliveries, or retries come due since: worth asking again.
      this.newWorkMayBeDue();
    }
    const started = await this.fillSlots();
    return walked > 0 || started > 0;
  }

  /** Fans out new events now, then fills the free slots (a test turns the lane by hand with it). */
  async runOnce(): Promise<{ walked: number; started: number }> {
    const walked = await fanOutEvents(this.deps, FANOUT_BATCH);
    this.newWorkMayBeDue();
    const started = await this.fillSlots();
    return { walked, started };
  }

  /** A freed slot ends the idle wait: the next due delivery starts at once. */
  wakeOn(wake: () => void): () => void {
    this.wake = wake;
    return () => {
      this.wake = () => {};
    };
  }

  /** Resolves when nothing is in flight. */
  async drain(): Promise<void> {
    while (this.sending.size > 0) await Promise.all(this.sending);
  }

  private async fillSlots(): Promise<number> {
    const free = this.options.concurrency - this.sending.size;
    if (free <= 0 || !this.mayClaim) return 0;
    const busyEndpoints = this.byEndpoint.full();
    const busyOrganizations = this.byOrganization.full();
    const busy = new Set([...busyEndpoints.map((id) => `e:${id}`), ...busyOrganizations.map((id) => `o:${id}`)]);
    // Looking past keys at their share reads their whole backlog. After such a look found nothing
    // more, look again only once a key it passed over is no longer at its share (its rows are then
    // in view), or new work may have come (the next poll): not after every delivery.
    if (this.foundNothingPast && [...this.foundNothingPast].every((key) => busy.has(key))) return 0;
    const finishedBefore = this.finished;
    const now = this.deps.clock.now();
    const leaseMs = Math.max(this.deps.config.outbox.leaseSeconds * 1000, this.options.timeoutMs * 4);
    const { rows, exhausted } = await claimDueDeliveries(this.deps.db, {
      workerId: this.id,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      // The earliest due, a few per free slot: enough to find another endpoint's beside a busy one's.
      candidates: free * 4,
      busyEndpoints,
      busyOrganizations,
      choose: (candidates) => this.choose(candidates, free),
    });
    // Nothing more is due outside the endpoints and organizations at their share: asking again
    // before that changes would read the whole backlog of a busy one to find nothing.
    // (Unless a delivery finished meanwhile: its freed slot asks again.)
    if (exhausted && this.finished === finishedBefore) {
      this.mayClaim = false;
      this.foundNothingPast = busy;
    }
    if (rows.length === 0) return 0;
    const endpoints = new Map(
      (await findEndpointsById(this.deps.db, [...new Set(rows.map((row) => row.endpoint_id))])).map((e) => [e.id, e]),
    );
    for (const row of rows) {
      const organization = row.organization_id ?? PLATFORM_KEY;
      this.byEndpoint.add(row.endpoint_id);
      this.byOrganization.add(organization);
      const sent: Promise<void> = this.deliver(row, endpoints.get(row.endpoint_id)).finally(() => {
        this.byEndpoint.remove(row.endpoint_id);
        this.byOrganization.remove(organization);
        this.finished++;
        this.mayClaim = true;
        this.sending.delete(sent);
        this.wake();
      });
      this.sending.add(sent);
    }
    return rows.length;
  }

  /** The candidates that may start now, earliest first: within `free`, and each key within its share. */
  private choose(candidates: DeliveryCandidate[], free: number): string[] {
    const endpoints = new Map<string, number>();
    const organizations = new Map<string, number>();
    const chosen: string[] = [];
    for (const candidate of candidates) {
      if (chosen.length === free) break;
      const organization = candidate.organization_id ?? PLATFORM_KEY;
      const toEndpoint = endpoints.get(candidate.endpoint_id) ?? 0;
      const forOrganization = organizations.get(organization) ?? 0;
      if (!this.byEndpoint.hasRoom(candidate.endpoint_id, toEndpoint + 1)) continue;
      if (!this.byOrganization.hasRoom(organization, forOrganization + 1)) continue;
      endpoints.set(candidate.endpoint_id, toEndpoint + 1);
      organizations.set(organization, forOrganization + 1);
      chosen.push(candidate.id);
    }
    return chosen;
  }

  private async deliver(row: WebhookDeliveryRow, endpoint: WebhookEndpointRow | undefined): Promise<void> {
    try {
      if (endpoint?.enabled !== 1) {
        const now = this.deps.clock.now().toISOString();
        const reason = 'not sent: the endpoint is disabled';
        await recordAttempt(this.deps.db, this.id, row.id, {
          status: 'DEAD',
          next_attempt_at: null,
          last_error: reason,
          updated_at: now,
        });
        return;
      }
      const response = await sendWebhook(signedRequest(this.deps, endpoint, row), {
        ...this.deps.config.webhooks,
        timeoutMs: this.options.timeoutMs,
      });
      const outcome = await recordOutcome(this.deps, this.id, row, response);
      this.options.metrics?.webhookDeliveries.inc({ outcome });
      this.options.metrics?.webhookDuration.observe(response.durationMs / 1000);
      if (response.status === null || response.status >= 300) {
        this.log.warn(
          { deliveryId: row.id, endpointId: row.endpoint_id, status: response.status, error: response.error },
          'webhook delivery failed',
        );
      }
    } catch (error) {
      // Recording failed (the database is away): the lease runs out and the delivery is tried again.
      this.log.error({ err: error, deliveryId: row.id }, 'webhook delivery could not be recorded');
    }
  }
}
