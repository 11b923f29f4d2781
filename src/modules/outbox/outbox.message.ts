import type { ServiceDeps } from '../../deps.js';
import type { OutgoingMail } from '../../email/mailer.js';
import type { OutboxRow } from './outbox.repository.js';

/** What the worker does with one leased message. */
export type PreparedMessage =
  | { mail: OutgoingMail }
  | { cancel: string }
  /** Recorded like a delivery, with the reason kept, but not sent. */
  | { suppressed: string };

/** Turns a kind's leased rows into what to send: one per outbox `kind`, as graphile-worker maps task names to tasks. */
export type MessageHandler = (deps: ServiceDeps, rows: OutboxRow[]) => Promise<Map<string, PreparedMessage>>;
