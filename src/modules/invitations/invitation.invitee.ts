import { sha256 } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { recordChanges } from '../events/event.service.js';
import { findMemberName } from '../memberships/membership.repository.js';
import { isLocale, type Locale } from '../../i18n/locales.js';
import { type InvitationLook, invitationLook } from '../organizations/organization.branding.js';
import { findOrganizationById } from '../organizations/organization.repository.js';
import { findRoleName } from '../roles/role.repository.js';
import { accountStanding, mailboxOwnerMustSignIn } from '../users/account.js';
import { findOpenInvitationByTokenHash, transitionPending, type InvitationRow } from './invitation.repository.js';
import { dropInvitedMembership } from './invitation.invited-membership.js';
import { displayName } from './invitation.rules.js';
import { toInvitation } from './invitation.views.js';

/**
 * The invitee's side: the link token is the credential for looking up, accepting and declining one
 * invitation. Who the holder of a link is depends on how it travelled: a link Tessera emailed is in
 * the mailbox owner's hands; a link the inviter received (`sendEmail: false`) may be in anyone's,
 * the inviter's first. So an inviter-held link never acts for an account that existed before its
 * accept, and nothing it shows depends on whether the address has an account.
 */

export interface InvitationLookup {
  email: string;
  organization: { id: string; name: string };
  role: { id: string; name: string };
  inviter: { name: string };
  /** The names the inviter gave, if any: the invitation's own, never the account's. */
  firstName: string | null;
  lastName: string | null;
  expiresAt: string;
  /** The language the invitation speaks, unless the reader picks another. */
  locale: Locale;
  /** The inviter's personal message. */
  message: string | null;
  /** The organization's brand, language and time zone, as its page shows them. */
  look: InvitationLook;
  /** The address has an account with its own password: the invitee signs in to accept. */
  signInRequired: boolean;
  /** Accepting needs a password: a new one, or (when `accountMayExist`) the account's own. */
  passwordRequired: boolean;
  /**
   * The link was not emailed by Tessera, so this answer does not say whether the address has an
   * account: if it has one, the invitee accepts with that account's password (or signed in).
   */
  accountMayExist: boolean;
}

export function emailed(invitation: InvitationRow): boolean {
  return invitation.link_delivery === 'EMAIL';
}

export async function openInvitation(deps: ServiceDeps, token: string): Promise<InvitationRow> {
  const row = token
    ? await findOpenInvitationByTokenHash(deps.db, sha256(token), deps.clock.now().toISOString())
    : undefined;
  // Unknown, expired, revoked and used links all get this same answer.
  if (!row) throw new AppError('INVITATION_LINK_INVALID');
  return row;
}

export async function lookupInvitation(deps: ServiceDeps, token: string): Promise<InvitationLookup> {
  const row = await openInvitation(deps, token);
  const organization = (await findOrganizationById(deps.db, row.organization_id))!;
  const inviter = row.inviter_user_id
    ? await findMemberName(deps.db, row.organization_id, row.inviter_user_id)
    : undefined;
  const preset = row.password_hash !== null;
  let signInRequired = false;
  let passwordRequired = !preset;
  if (emailed(row)) {
    // The mailbox owner holds this link: what their account needs is theirs to know.
    const { user, held } = await accountStanding(deps.db, row.email_canonical);
    signInRequired = held && mailboxOwnerMustSignIn(user!);
    passwordRequired = !signInRequired && (held || !preset);
  }
  return {
    email: row.email,
    organization: { id: organization.id, name: organization.name },
    role: { id: row.role_id, name: await findRoleName(deps.db, row.organization_id, row.role_id) },
    inviter: { name: inviter ? displayName(inviter) : organization.name },
    firstName: row.first_name,
    lastName: row.last_name,
    expiresAt: row.expires_at,
    locale: isLocale(row.locale) ? row.locale : 'en',
    message: row.message,
    look: invitationLook(organization),
    signInRequired,
    passwordRequired,
    accountMayExist: !emailed(row),
  };
}

export async function declineInvitation(deps: ServiceDeps, token: string): Promise<void> {
  const invitation = await openInvitation(deps, token);
  const now = deps.clock.now().toISOString();
  const declined = await deps.transact(async (trx) => {
    const [row] = await transitionPending(trx, { id: invitation.id, tokenHash: invitation.token_hash }, now, {
      status: 'DECLINED',
      declined_at: now,
    });
    if (!row) return undefined;
    const member = await dropInvitedMembership(trx, row, now);
    const data = toInvitation(row, await findRoleName(trx, row.organization_id, row.role_id), now);
    const base = { organizationId: row.organization_id, actor: { type: 'invitee' as const }, occurredAt: now };
    await recordChanges(trx, [
      { ...base, type: 'invitation.declined', data },
      ...(member ? [{ ...base, type: 'membership.deleted' as const, data: member }] : []),
    ]);
    return row;
  });
  if (!declined) throw new AppError('INVITATION_LINK_INVALID');
}
