import type { Executor } from '../../db/database.js';
import { findUserByCanonicalEmail, hasActiveMembership, lockUser, type UserRow } from './user.repository.js';

/**
 * Accounts are global and organizations do not trust each other. These are the rules for what a
 * credential is worth, in one place:
 *
 * - A password is the account's **own** when the mailbox owner chose it (through a link Tessera
 *   emailed: an invitation or a password-setup email), or an operator or platform client set it.
 * - A password an inviter chose (a preset, or one set through a link the inviter held) is
 *   **provisional**: `password_organization_id` names the organization it reaches, and its
 *   sessions reach nothing else. It gives way the first time the mailbox owner acts through an
 *   emailed link.
 */

/** An account someone holds, or a bare profile (or nothing) that an accept may make into one. */
export interface AccountStanding {
  user: UserRow | undefined;
  /**
   * True when someone holds the account: it has a password, a proven address or a place in an
   * organization. A bare profile (made when an organization invited the address) is held by nobody,
   * and the accept that first uses it makes the account, as if it were new.
   */
  held: boolean;
}

/** The account's standing; `lock` holds the user row until the transaction ends (a change is decided on it). */
export async function accountStanding(
  db: Executor,
  canonicalEmail: string,
  options: { lock?: boolean } = {},
): Promise<AccountStanding> {
  const user = options.lock
    ? await lockUser(db, { canonicalEmail })
    : await findUserByCanonicalEmail(db, canonicalEmail);
  if (!user) return { user, held: false };
  const held =
    user.password_hash !== null || user.email_verified_at !== null || (await hasActiveMembership(db, user.id));
  return { user, held };
}

/** Whether the password was chosen by the mailbox owner (or an operator or platform client). */
export function hasOwnPassword(user: Pick<UserRow, 'password_hash' | 'password_organization_id'>): boolean {
  return user.password_hash !== null && user.password_organization_id === null;
}

/**
 * Whether an emailed link must sign in: the account has its own password and its mailbox owner has
 * proven the address. A password an operator or platform client set on an address nobody proved
 * yet gives way to the mailbox owner, like a provisional one: whoever created the account before
 * its owner (pre-hijacking) cannot keep it.
 */
export function mailboxOwnerMustSignIn(
  user: Pick<UserRow, 'password_hash' | 'password_organization_id' | 'email_verified_at'>,
): boolean {
  return hasOwnPassword(user) && user.email_verified_at !== null;
}

/** Whether the account's password may be used to act in this organization. */
export function passwordReaches(
  user: Pick<UserRow, 'password_hash' | 'password_organization_id'>,
  organizationId: string,
): boolean {
  return (
    user.password_hash !== null &&
    (user.password_organization_id === null || user.password_organization_id === organizationId)
  );
}

/** Whether two reads of an account agree on everything a credential decision rests on. */
export function sameCredentials(
  a: Pick<UserRow, 'id' | 'password_hash' | 'password_organization_id' | 'email_verified_at'> | undefined,
  b: Pick<UserRow, 'id' | 'password_hash' | 'password_organization_id' | 'email_verified_at'> | undefined,
): boolean {
  return (
    a?.id === b?.id &&
    a?.password_hash === b?.password_hash &&
    a?.password_organization_id === b?.password_organization_id &&
    a?.email_verified_at === b?.email_verified_at
  );
}
