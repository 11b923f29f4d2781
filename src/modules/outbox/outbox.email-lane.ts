import type { FastifyBaseLogger } from 'fastify';
import type { ServiceDeps } from '../../deps.js';
import { DeliveryError, type Mailer } from '../../email/mailer.js';
import { recordInvitationsSent } from '../invitations/invitation.repository.js';
import type { WorkerLane } from './outbox.lane.js';
import type { MessageHandler, PreparedMessage } from './outbox.message.js';
import {
  claimDueMessages,
  markFinished,
  markSent,
  releaseMessageLeases,
  renewMessageLeases,
  reschedule,
  type OutboxRow,
} from './outbox.repository.js';

/** Sent messages are recorded in groups of this many, or after this long. */
const SENT_FLUSH_COUNT = 25;
const SENT_FLUSH_MS = 100;

/** Capped exponential backoff with jitter: between half and all of min(max, base * 2^(attempt-1)). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface BatchOutcome {
  sent: number;
  retried: number;
  dead: number;
  cancelled: number;
}

export interface EmailLaneOptions {
  /** The worker's id: the lease holder. */
  workerId: string;
  mailer: Mailer;
  handlers: Readonly<Record<string, MessageHandler>>;
}

/**
 * Emails: leases due messages in batches, sends them through the mailer a few at a time, and
 * records each outcome as it happens. Delivery is at least once: a worker that dies leaves its
 * leases to run out, and another worker sends what was not recorded as sent (with the same
 * Message-ID): at most the messages that were in flight go out twice.
 */
export class EmailLane implements WorkerLane {
  readonly name = 'email';
  private readonly id: string;
  private stopping: AbortSignal = new AbortController().signal;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly log: FastifyBaseLogger,
    private readonly options: EmailLaneOptions,
  ) {
    this.id = options.workerId;
  }

  async turn(stopping: AbortSignal): Promise<boolean> {
    this.stopping = stopping;
    return (await this.runOnce()).claimed > 0;
  }

  /** A turn sends its whole batch before it returns: nothing is left in flight. */
  async drain(): Promise<void> {}

  wakeOn(wake: () => void): () => void {
    this.deps.events.on('outbox', wake);
    return () => this.deps.events.off('outbox', wake);
  }

  /** Claims one batch and delivers it (the loop calls it; so may a test). */
  async runOnce(): Promise<BatchOutcome & { claimed: number }> {
    const { db, clock, config } = this.deps;
    const now = clock.now();
    const rows = await claimDueMessages(db, {
      workerId: this.id,
      now: now.toISOString(),
      leaseUntil: this.leaseUntil(now),
      limit: config.outbox.batchSize,
    });
    const outcome: BatchOutcome = { sent: 0, retried: 0, dead: 0, cancelled: 0 };
    if (rows.length === 0) return { claimed: 0, ...outcome };
    this.lastRenewal = now.getTime();

    let prepared: Map<string, PreparedMessage>;
    try {
      prepared = await this.prepare(rows);
    } catch (error) {
      // Could not even read what to send: every message waits its backoff and tries again.
      for (const row of rows) await this.recordFailure(row, error, outcome);
      return { claimed: rows.length, ...outcome };
    }

    const untried: string[] = [];
    let next = 0;
    const sendNext = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++]!;
        if (this.stopping.aborted) {
          untried.push(row.id);
          continue;
        }
        await this.renewLeasesIfDue();
        const message = prepared.get(row.id)!;
        if (row.attempts > row.max_attempts) {
          // Claimed again and again by workers that died before finishing it.
          await this.finish(row, 'DEAD', `abandoned after ${row.max_attempts} attempts by workers that did not finish`);
          outcome.dead++;
        } else if ('cancel' in message) {
          await this.finish(row, 'CANCELLED', message.cancel);
          outcome.cancelled++;
        } else if ('suppressed' in message) {
          await this.recordSent(row, message.suppressed);
          outcome.sent++;
        } else if ('failed' in message) {
          await this.recordFailure(row, message.failed, outcome);
        } else {
          try {
            await this.options.mailer.send(message.mail);
          } catch (error) {
            await this.recordFailure(row, error, outcome);
            continue;
          }
          await this.recordSent(row);
          outcome.sent++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.outbox.concurrency, rows.length) }, sendNext));
    await this.flushSent();

    await releaseMessageLeases(db, { workerId: this.id, ids: untried, now: clock.now().toISOString() });
    if (outcome.retried + outcome.dead > 0)
      this.log.warn({ workerId: this.id, ...outcome }, 'outbox batch had failures');
    else this.log.debug({ workerId: this.id, ...outcome }, 'outbox batch delivered');
    return { claimed: rows.length, ...outcome };
  }

  private lastRenewal = 0;

  private leaseUntil(from: Date): string {
    return new Date(from.getTime() + this.deps.config.outbox.leaseSeconds * 1000).toISOString();
  }

  /** A batch that takes long (a slow mail server) keeps its leases, so no other worker sends it too. */
  private async renewLeasesIfDue(): Promise<void> {
    const now = this.deps.clock.now();
    if (now.getTime() - this.lastRenewal < (this.deps.config.outbox.leaseSeconds * 1000) / 3) return;
    this.lastRenewal = now.getTime();
    await renewMessageLeases(this.deps.db, {
      workerId: this.id,
      leaseUntil: this.leaseUntil(now),
      now: now.toISOString(),
    });
  }

  private unrecorded: Array<{ row: OutboxRow; note: string | null }> = [];
  private lastFlush = 0;

  /**
   * Recorded soon after the server accepted it, a few at a time (one commit for many messages): a
   * crash resends at most the messages in flight and the few not yet recorded.
   */
  private async recordSent(row: OutboxRow, note: string | null = null): Promise<void> {
    this.unrecorded.push({ row, note });
    const now = this.deps.clock.now().getTime();
    if (this.unrecorded.length >= SENT_FLUSH_COUNT || now - this.lastFlush >= SENT_FLUSH_MS) await this.flushSent();
  }

  private async flushSent(): Promise<void> {
    const rows = this.unrecorded;
    this.unrecorded = [];
    this.lastFlush = this.deps.clock.now().getTime();
    if (rows.length === 0) return;
    const now = this.deps.clock.now().toISOString();
    // One statement per note (nearly always one: delivered, no note), not one per message.
    const byNote = new Map<string | null, string[]>();
    for (const { row, note } of rows) {
      const ids = byNote.get(note);
      if (ids) ids.push(row.id);
      else byNote.set(note, [row.id]);
    }
    await this.deps.transact(async (trx) => {
      const invitations: string[] = [];
      for (const [note, ids] of byNote) {
        for (const sent of await markSent(trx, this.id, ids, now, note)) {
          if (sent.invitation_id) invitations.push(sent.invitation_id);
        }
      }
      await recordInvitationsSent(trx, invitations, now);
    });
  }

  private finish(row: OutboxRow, status: 'DEAD' | 'CANCELLED', error: string): Promise<void> {
    return markFinished(this.deps.db, this.id, row.id, { status, error, now: this.deps.clock.now().toISOString() });
  }

  private async prepare(rows: OutboxRow[]): Promise<Map<string, PreparedMessage>> {
    const byKind = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const kindRows = byKind.get(row.kind);
      if (kindRows) kindRows.push(row);
      else byKind.set(row.kind, [row]);
    }
    const prepared = new Map<string, PreparedMessage>();
    for (const [kind, kindRows] of byKind) {
      const handler = Object.hasOwn(this.options.handlers, kind) ? this.options.handlers[kind] : undefined;
      if (!handler) {
        for (const row of kindRows) prepared.set(row.id, { cancel: `unknown message kind ${JSON.stringify(kind)}` });
        continue;
      }
      for (const [id, message] of await handler(this.deps, kindRows)) prepared.set(id, message);
    }
    return prepared;
  }

  private async recordFailure(row: OutboxRow, error: unknown, outcome: BatchOutcome): Promise<void> {
    const { db, clock, config } = this.deps;
    const now = clock.now();
    const failure = error instanceof DeliveryError ? error : new DeliveryError(String(error), false);
    if (failure.permanent || row.attempts >= row.max_attempts) {
      await this.finish(row, 'DEAD', failure.message);
      outcome.dead++;
      this.log.error({ outboxId: row.id, attempts: row.attempts, error: failure.message }, 'outbox message is dead');
      return;
    }
    const delay = retryDelayMs(row.attempts, config.outbox.retryBaseMs, config.outbox.retryMaxMs);
    await reschedule(db, this.id, row.id, {
      runAt: new Date(now.getTime() + delay).toISOString(),
      error: failure.message,
      now: now.toISOString(),
    });
    outcome.retried++;
    this.log.warn(
      { outboxId: row.id, attempts: row.attempts, retryInMs: delay, error: failure.message },
      'outbox delivery failed; will retry',
    );
  }
}
