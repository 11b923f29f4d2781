import { sha256 } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import {
  type InvitationEmailData,
  type RenderedEmail,
  renderInvitationEmail,
} from '../../email/templates/invitation.js';
import { isLocale } from '../../i18n/locales.js';
import type { InvitationLook } from '../organizations/organization.branding.js';
import { newOutboxMessage, type PreparedMessage } from '../outbox/outbox.message.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import { findInvitationDeliveryStates, type InvitationRow } from './invitation.repository.js';
import { fullName } from './invitation.rules.js';

export const INVITATION_EMAIL = 'invitation_email';

/**
 * What the worker needs to write the email, captured when the invitation is made (or re-sent): the
 * organization's brand as it was then. Messages queued before languages and brands existed lack
 * the last fields, and are written in English, unbranded, in UTC.
 */
export interface InvitationEmailPayload {
  invitationId: string;
  to: string;
  recipientName: string | null;
  inviterName: string;
  organizationName: string;
  roleName: string;
  expiresAt: string;
  locale?: string;
  timeZone?: string;
  message?: string | null;
  logoUrl?: string | null;
  accentColor?: string | null;
  supportEmail?: string | null;
}

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invite/${token}`;
}

/** Who the email names, beside the invitation itself, and the organization's look. */
export interface InvitationEmailContext {
  inviterName: string;
  roleName: string;
  look: InvitationLook;
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
  invitation: Pick<
    InvitationRow,
    'id' | 'organization_id' | 'email' | 'first_name' | 'last_name' | 'expires_at' | 'locale' | 'message'
  >,
  context: InvitationEmailContext,
  token: string,
  now: string,
  options: { suppressed: boolean },
): OutboxRow {
  const { look } = context;
  const payload: QueuedPayload = {
    invitationId: invitation.id,
    to: invitation.email,
    recipientName: fullName(invitation.first_name, invitation.last_name),
    inviterName: context.inviterName,
    organizationName: look.displayName,
    roleName: context.roleName,
    expiresAt: invitation.expires_at,
    locale: invitation.locale,
    timeZone: look.timeZone,
    message: invitation.message,
    logoUrl: look.branding.logoUrl,
    accentColor: look.branding.accentColor,
    supportEmail: look.branding.supportEmail,
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
  const moment = deps.clock.now();
  const now = moment.toISOString();
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
      let rendered: RenderedEmail;
      try {
        rendered = renderInvitationEmail(emailData(payload, link), moment, deps.templates);
      } catch (error) {
        // An operator's template that fails on this message's data fails this message alone.
        prepared.set(row.id, { failed: new Error(`the email template failed: ${(error as Error).message}`) });
        continue;
      }
      prepared.set(row.id, {
        mail: {
          messageId: `<${row.id}@${host}>`,
          to: payload.to,
          // The sender's display name is the organization's; the address stays MAIL_FROM's.
          fromName: payload.organizationName,
          link,
          ...rendered,
        },
      });
    }
  }
  return prepared;
}

/** The queued payload as the renderer takes it, with the defaults of a message queued before languages. */
function emailData(payload: InvitationEmailPayload, link: string): InvitationEmailData {
  return {
    to: payload.to,
    locale: isLocale(payload.locale) ? payload.locale : 'en',
    timeZone: payload.timeZone ?? 'UTC',
    inviterName: payload.inviterName,
    organizationName: payload.organizationName,
    roleName: payload.roleName,
    recipientName: payload.recipientName,
    link,
    expiresAt: payload.expiresAt,
    message: payload.message ?? null,
    logoUrl: payload.logoUrl ?? null,
    accentColor: payload.accentColor ?? null,
    supportEmail: payload.supportEmail ?? null,
  };
}
