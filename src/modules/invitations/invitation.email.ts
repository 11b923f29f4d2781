import { sha256 } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import { renderInvitationEmail } from '../../email/templates/invitation.js';
import { newOutboxMessage, type PreparedMessage } from '../outbox/outbox.message.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import { findInvitationDeliveryStates, type InvitationRow } from './invitation.repository.js';
import { fullName } from './invitation.rules.js';

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

/** Who the email names, beside the invitation itself. */
export interface InvitationEmailContext {
  inviterName: string;
  organizationName: string;
  roleName: string;
}

/** The invitation email's queued payload; `suppressed` (the reason) when it must not be sent. */
type QueuedPayload = InvitationEmailPayload & { suppressed?: string };

const SUPPRESSED_REASON = 'not sent: the recipient reached RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY';

/**
 * The outbox row for an invitation's email; its link token travels sealed and is erased once sent.
 *
 * Over the recipient's daily limit (`suppressed`) the email is queued marked as such: the worker
 * takes it like any other and records it as it records a delivery (the invitation's `sendCount` and
 * `lastSentAt` move as for a sent email, so reading the invitation later tells nothing either), but
 * sends nothing, and keeps the reason on the outbox row for the operator (`tessera outbox list`).
 * No link token is kept for it, since no email will carry it.
 */
export function invitationEmailMessage(
  deps: Pick<ServiceDeps, 'secrets' | 'config'>,
  invitation: Pick<InvitationRow, 'id' | 'organization_id' | 'email' | 'first_name' | 'last_name' | 'expires_at'>,
  context: InvitationEmailContext,
  token: string,
  now: string,
  options: { suppressed: boolean },
): OutboxRow {
  const payload: QueuedPayload = {
    invitationId: invitation.id,
    to: invitation.email,
    recipientName: fullName(invitation.first_name, invitation.last_name),
    ...context,
    expiresAt: invitation.expires_at,
    ...(options.suppressed ? { suppressed: SUPPRESSED_REASON } : {}),
  };
  return newOutboxMessage(
    deps,
    {
      kind: INVITATION_EMAIL,
      organizationId: invitation.organization_id,
      invitationId: invitation.id,
      payload,
      token: options.suppressed ? null : token,
    },
    now,
  );
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
  const invitations = ids.length ? await findInvitationDeliveryStates(deps.db, ids) : [];
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
