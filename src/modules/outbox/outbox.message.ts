import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import type { OutgoingMail } from '../../email/mailer.js';
import type { OutboxRow } from './outbox.repository.js';

/** What the worker does with one leased message. */
export type PreparedMessage =
  | { mail: OutgoingMail }
  | { cancel: string }
  /** Recorded like a delivery, with the reason kept, but not sent. */
  | { suppressed: string }
  /** Could not be written (an operator's template failed): this message alone is retried later. */
  | { failed: unknown };

/** Turns a kind's leased rows into what to send: one per outbox `kind`, as graphile-worker maps task names to tasks. */
export type MessageHandler = (deps: ServiceDeps, rows: OutboxRow[]) => Promise<Map<string, PreparedMessage>>;

/**
 * A new message, due now. Its link token travels sealed (`secret`) and is erased once sent, so the
 * database never holds a usable link in the clear.
 */
export function newOutboxMessage(
  deps: Pick<ServiceDeps, 'secrets' | 'config'>,
  message: {
    kind: string;
    organizationId: string | null;
    invitationId: string | null;
    payload: unknown;
    /** The link the message carries; null when it will carry none (a message recorded, not sent). */
    token: string | null;
  },
  now: string,
): OutboxRow {
  return {
    id: newId(),
    organization_id: message.organizationId,
    invitation_id: message.invitationId,
    kind: message.kind,
    payload: JSON.stringify(message.payload),
    secret: message.token === null ? null : deps.secrets.seal('outbox-seal', message.token),
    status: 'PENDING',
    attempts: 0,
    max_attempts: deps.config.outbox.maxAttempts,
    run_at: now,
    locked_by: null,
    locked_until: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  };
}
