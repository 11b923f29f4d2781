import type { FastifyBaseLogger } from 'fastify';
import type { ServiceDeps } from '../../deps.js';
import { sweepOldEvents } from '../events/event.service.js';
import { sweepExpiredInvitations } from '../invitations/invitation.expiry.js';
import { sweepOldDeliveries } from '../webhooks/webhook-delivery.service.js';

/** Every worker sweeps; the guarded statements make two sweeping at once harmless. */
const EXPIRY_EVERY_MS = 15_000;
const RETENTION_EVERY_MS = 3_600_000;

/**
 * The periodic work beside delivery: expiring invitations past their `expiresAt` (so that
 * `invitation.expired` is written within a minute of it) and deleting events, and finished webhook
 * deliveries, past EVENT_RETENTION_DAYS. Runs wherever an outbox worker runs.
 */
export class PeriodicSweeps {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, sweep: () => Promise<number>, what: string) => {
      const run = () => {
        this.running = this.running.then(async () => {
          try {
            const count = await sweep();
            if (count > 0) this.log.info({ count }, what);
          } catch (error) {
            this.log.error({ err: error }, `${what}: failed; trying again later`);
          }
        });
      };
      this.timers.push(setInterval(run, ms).unref());
      run();
    };
    every(EXPIRY_EVERY_MS, () => this.expireInvitations(), 'invitations expired');
    every(RETENTION_EVERY_MS, () => sweepOldEvents(this.deps), 'old events deleted');
    every(RETENTION_EVERY_MS, () => sweepOldDeliveries(this.deps), 'old webhook deliveries deleted');
  }

  /** Expires every invitation past its expiry, a batch at a time; returns how many. */
  async expireInvitations(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await sweepExpiredInvitations(this.deps);
      total += count;
      if (count === 0) return total;
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.running;
  }
}
