import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { WakeableWait } from '../../clock.js';
import type { ServiceDeps } from '../../deps.js';
import type { Mailer } from '../../email/mailer.js';
import { type DeliveryMetrics, WEBHOOK_LANE_DEFAULTS, WebhookLane } from '../webhooks/webhook.lane.js';
import { EmailLane } from './outbox.email-lane.js';
import { MESSAGE_HANDLERS } from './outbox.handlers.js';
import type { WorkerLane } from './outbox.lane.js';
import type { MessageHandler } from './outbox.message.js';
import { PeriodicSweeps } from './periodic-sweeps.js';

export interface OutboxWorkerOptions {
  /** The kinds of email the worker knows how to prepare. */
  handlers?: Readonly<Record<string, MessageHandler>>;
  /** Webhook delivery's limits (tests make them small); false leaves webhooks to other workers. */
  webhooks?: Partial<typeof WEBHOOK_LANE_DEFAULTS> | false;
  /** The expiry and retention sweeps; false leaves them to other workers. */
  sweeps?: boolean;
  /** Where webhook attempts are counted and timed, when the process serves /metrics. */
  metrics?: DeliveryMetrics;
}

/**
 * The outbox worker: everything Tessera does after a request has committed. Each lane (the
 * emails, the webhook deliveries) turns in a loop of its own, under one worker id; the periodic
 * sweeps (expiry, event retention) run beside them. `tessera serve` runs one inline unless told
 * not to; `tessera worker` runs one on its own. Any number may run at once: leases and guarded
 * statements keep them from doing the same work twice.
 */
export class OutboxWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly email: EmailLane;
  readonly webhooks: WebhookLane | undefined;
  readonly sweeps: PeriodicSweeps | undefined;
  private readonly lanes: WorkerLane[];
  private stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly deps: ServiceDeps,
    readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    options: OutboxWorkerOptions = {},
  ) {
    this.email = new EmailLane(deps, log, {
      workerId: this.id,
      mailer,
      handlers: options.handlers ?? MESSAGE_HANDLERS,
    });
    this.webhooks =
      options.webhooks === false
        ? undefined
        : new WebhookLane(deps, log.child({ lane: 'webhooks' }), {
            ...WEBHOOK_LANE_DEFAULTS,
            ...options.webhooks,
            workerId: this.id,
            metrics: options.metrics,
          });
    this.sweeps = options.sweeps === false ? undefined : new PeriodicSweeps(deps, log.child({ lane: 'sweeps' }));
    this.lanes = this.webhooks ? [this.email, this.webhooks] : [this.email];
  }

  start(): void {
    if (this.loops.length > 0) return;
    this.stopping = new AbortController();
    this.loops = this.lanes.map((lane) => this.run(lane));
    this.sweeps?.start();
    this.log.info(
      { workerId: this.id, mailer: this.mailer.kind, lanes: this.lanes.map((l) => l.name) },
      'outbox worker started',
    );
  }

  /** Stops taking work, lets what is in flight finish, and gives back the leases not yet tried. */
  async stop(): Promise<void> {
    if (this.loops.length === 0) return;
    this.stopping.abort();
    await Promise.all(this.loops);
    this.loops = [];
    await this.sweeps?.stop();
    this.log.info({ workerId: this.id }, 'outbox worker stopped');
  }

  private async run(lane: WorkerLane): Promise<void> {
    const idling = new WakeableWait();
    const wake = () => idling.wake();
    const unsubscribe = lane.wakeOn?.(wake);
    this.stopping.signal.addEventListener('abort', wake);
    try {
      while (!this.stopping.signal.aborted) {
        let worked = false;
        try {
          worked = await lane.turn(this.stopping.signal);
        } catch (error) {
          this.log.error(
            { err: error, workerId: this.id, lane: lane.name },
            'worker turn failed; trying again after the poll interval',
          );
        }
        if (!worked && !this.stopping.signal.aborted) await idling.wait(this.deps.config.outbox.pollMs);
      }
      await lane.drain();
    } finally {
      unsubscribe?.();
      this.stopping.signal.removeEventListener('abort', wake);
    }
  }
}
