import { sha256 } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import { renderInvitationEmail } from '../../email/templates/invitation.js';
import { newOutboxMessage, type PreparedMessage } from '../outbox/outbox.message.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';

export const INVITATION_EMAIL = 'invitation_email';

/** What the worker needs to write the email, captured when the invitation is made. */
export interface InvitationEmailPayload {
  invitationId: string;
  to: string;
  recipientName: string | null;
  inviterName: string;
  organizationName: string;
  roleName: string;
  expiresAt: string;
}

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invite/${token}`;
}

/** The outbox row for an invitation's email; its link token travels sealed and is erased once sent. */
export function invitationEmailMessage(
  deps: Pick<ServiceDeps, 'secrets' | 'config'>,
  payload: InvitationEmailPayload & { organizationId: string },
  token: string,
  now: string,
): OutboxRow {
  const { organizationId, ...data } = payload;
  return newOutboxMessage(
    deps,
    { kind: INVITATION_EMAIL, organizationId, invitationId: payload.invitationId, payload: data, token },
    now,
  );
}

/** The invitation email's queued payload; `suppressed` (the reason) when it must not be sent. */
type QueuedPayload = InvitationEmailPayload & { suppressed?: string };

/**
 * The same message, marked to be recorded as delivered without being sent: the link token is not
 * kept, since no email will carry it.
 */
export function suppressInvitationEmail(message: OutboxRow, reason: string): OutboxRow {
  const payload = JSON.parse(message.payload) as QueuedPayload;
  return { ...message, secret: null, payload: JSON.stringify({ ...payload, suppressed: reason }) };
}

/**
 * Turns leased outbox rows into emails. A message whose invitation is no longer PENDING, or whose
 * link was replaced by a resend, has nothing left to deliver and is cancelled instead.
 */
export async function prepareInvitationEmails(
  deps: ServiceDeps,
  rows: OutboxRow[],
): Promise<Map<string, PreparedMessage>> {
  const prepared = new Map<string, PreparedMessage>();
  const ids = rows.map((row) => row.invitation_id).filter((id): id is string => id !== null);
  const invitations = ids.length
    ? await deps.db
        .selectFrom('invitations')
        .select(['id', 'status', 'expires_at', 'token_hash'])
        .where('id', 'in', ids)
        .execute()
    : [];
  const byId = new Map(invitations.map((invitation) => [invitation.id, invitation]));
  const now = deps.clock.now().toISOString();
  const host = new URL(deps.config.publicUrl).hostname;

  for (const row of rows) {
    const { suppressed, ...payload } = JSON.parse(row.payload) as QueuedPayload;
    const token = row.secret ? deps.secrets.open('outbox-seal', row.secret) : undefined;
    const invitation = byId.get(payload.invitationId);
    if (suppressed !== undefined) {
      const pending = invitation && invitation.status === 'PENDING' && invitation.expires_at > now;
      prepared.set(row.id, pending ? { suppressed } : { cancel: 'the invitation is no longer pending' });
    } else if (!token) {
      prepared.set(row.id, { cancel: 'the sealed link token cannot be opened (was SECRET_KEY changed?)' });
    } else if (invitation?.status !== 'PENDING' || invitation.expires_at <= now) {
      prepared.set(row.id, { cancel: 'the invitation is no longer pending' });
    } else if (invitation.token_hash !== sha256(token)) {
      prepared.set(row.id, { cancel: 'superseded by a newer link (the invitation was re-sent)' });
    } else {
      const link = invitationLink(deps.config.publicUrl, token);
      prepared.set(row.id, {
        mail: {
          messageId: `<${row.id}@${host}>`,
          to: payload.to,
          link,
          ...renderInvitationEmail({ ...payload, link }),
        },
      });
    }
  }
  return prepared;
}
