import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { WakeableWait } from '../../clock.js';
import type { ServiceDeps } from '../../deps.js';
import {
  claimDueDeliveries,
  recordAttempt,
  releaseDeliveryLeases,
  type WebhookDeliveryRow,
} from './webhook-delivery.repository.js';
import { findEndpointsById, type WebhookEndpointRow } from './webhook-endpoint.repository.js';
import { fanOutEvents, recordOutcome, signedRequest } from './webhook.delivery.js';
import { sendWebhook } from './webhook.sender.js';

export interface WebhookWorkerOptions {
  /** Deliveries in flight at once, over every endpoint. */
  concurrency: number;
  /** Deliveries in flight at once to one endpoint: a slow endpoint holds only these. */
  perEndpoint: number;
  /** How often an idle worker looks for new events and due deliveries. */
  pollMs: number;
  /** The longest one attempt may take (SPEC: 15 s). */
  timeoutMs: number;
}

/** Where attempts are counted (ops/metrics.ts gives Prometheus ones); the worker needs only this much. */
export interface DeliveryMetrics {
  webhookDeliveries: { inc(labels: { outcome: string }): void };
  webhookDuration: { observe(seconds: number): void };
}

function defaultOptions(deps: ServiceDeps): WebhookWorkerOptions {
  return { concurrency: 32, perEndpoint: 4, pollMs: deps.config.outbox.pollMs, timeoutMs: 15_000 };
}

/**
 * Delivers webhooks: turns new events into deliveries (the fan-out), leases due deliveries and sends
 * each as soon as a slot is free, never more than `perEndpoint` to one endpoint, so that a slow or
 * dead endpoint holds back neither the others nor anything else the worker does. Delivery is at
 * least once: a worker that dies leaves its leases to run out and another sends again, with the
 * same `webhook-id`.
 */
export class WebhookWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}:webhooks`;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly idling = new WakeableWait();
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly log: FastifyBaseLogger,
    private readonly options: WebhookWorkerOptions = defaultOptions(deps),
    /** Where attempts are counted and timed (Prometheus), when the process serves /metrics. */
    private readonly metrics?: DeliveryMetrics,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops leasing, and lets the deliveries in flight finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.idling.wake();
    await this.loop;
    await Promise.all(this.sending);
  }

  /** One turn: fan out new events, then fill the free slots (the loop calls it; so may a test). */
  async runOnce(): Promise<{ fannedOut: number; started: number }> {
    const fannedOut = await fanOutEvents(this.deps);
    const started = await this.fillSlots();
    return { fannedOut, started };
  }

  /** Resolves when nothing is in flight. */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all(this.sending);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        const { fannedOut, started } = await this.runOnce();
        worked = fannedOut > 0 || started > 0;
      } catch (error) {
        this.log.error({ err: error, workerId: this.id }, 'webhook turn failed; trying again after the poll interval');
      }
      if (!worked && this.running) await this.idling.wait(this.options.pollMs);
    }
  }

  private async fillSlots(): Promise<number> {
    const free = this.options.concurrency - this.sending.size;
    if (free <= 0) return 0;
    const now = this.deps.clock.now();
    const busy = [...this.inFlight].filter(([, count]) => count >= this.options.perEndpoint).map(([id]) => id);
    const leaseMs = Math.max(this.deps.config.outbox.leaseSeconds * 1000, this.options.timeoutMs * 4);
    const rows = await claimDueDeliveries(this.deps.db, {
      workerId: this.id,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      limit: free,
      busyEndpoints: busy,
    });
    if (rows.length === 0) return 0;
    const endpoints = new Map(
      (await findEndpointsById(this.deps.db, [...new Set(rows.map((row) => row.endpoint_id))])).map((e) => [e.id, e]),
    );
    const over: string[] = [];
    for (const row of rows) {
      const count = this.inFlight.get(row.endpoint_id) ?? 0;
      if (count >= this.options.perEndpoint) {
        over.push(row.id);
        continue;
      }
      this.inFlight.set(row.endpoint_id, count + 1);
      const sent: Promise<void> = this.deliver(row, endpoints.get(row.endpoint_id)).finally(() => {
        const left = (this.inFlight.get(row.endpoint_id) ?? 1) - 1;
        if (left > 0) this.inFlight.set(row.endpoint_id, left);
        else this.inFlight.delete(row.endpoint_id);
        this.sending.delete(sent);
        this.idling.wake();
      });
      this.sending.add(sent);
    }
    // Claimed past an endpoint's share: given back untried, for the next turn.
    await releaseDeliveryLeases(this.deps.db, this.id, over, now.toISOString());
    return rows.length - over.length;
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
      this.metrics?.webhookDeliveries.inc({ outcome });
      this.metrics?.webhookDuration.observe(response.durationMs / 1000);
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
