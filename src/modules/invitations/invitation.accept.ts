import { assertPasswordPolicy } from '../../auth/password-policy.js';
import { hashSecret, verifyAgainstDecoy, verifySecret } from '../../auth/secrets.js';
import type { Executor } from '../../db/database.js';
import { asUniqueViolation } from '../../db/dialect.js';
import { newId, newUserId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { recordChanges } from '../events/event.service.js';
import { activateMembership, findLiveMembership } from '../memberships/membership.repository.js';
import { memberView } from '../memberships/membership.service.js';
import { findOrganizationById, type OrganizationRow } from '../organizations/organization.repository.js';
import { findRoleName } from '../roles/role.repository.js';
import { isSessionLive, revokeUserSessions } from '../sessions/session.repository.js';
import { openSession, sessionReaches, type NewSession, type SessionPrincipal } from '../sessions/session.service.js';
import {
  accountStanding,
  mailboxOwnerMustSignIn,
  passwordReaches,
  sameCredentials,
  type AccountStanding,
} from '../users/account.js';
import { findUserById, insertUser, updateUserCredentials, type UserRow } from '../users/user.repository.js';
import { recordAcceptedUser, transitionPending, type InvitationRow } from './invitation.repository.js';
import { toInvitation } from './invitation.views.js';
import { membershipPermissions } from './invitation.rules.js';

import { emailed, openInvitation } from './invitation.invitee.js';

/**
 * Accepting an invitation: who the accept acts for, what it does to the account, decided before the
 * transaction and checked again inside it (see `invitation.invitee.ts` for who holds a link).
 */

export interface AcceptInput {
  token: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  /** A new account's password, or the existing account's password to sign in with. */
  password?: string | undefined;
  /** The accepting browser's or caller's session, if any: it must be the invited address's. */
  session?: Pick<SessionPrincipal, 'sessionId' | 'userId' | 'organizationScope'> | undefined;
}

export interface AcceptResult {
  session: NewSession;
  organization: { id: string; name: string };
  role: { id: string; name: string };
  redirectUrl: string | null;
  /** The invitation accepted: its id and metadata (the page hands them to the redirect URL). */
  invitation: {
    id: string;
    metadata: Record<string, unknown> | null;
    /** The address as the organization wrote it. */
    email: string;
    /** Tessera emailed the link: accepting it proved the mailbox. */
    emailed: boolean;
  };
}

/** What an accept will do to the account, decided before the transaction (hashing is slow). */
interface AccountChange {
  /** The account as it stood when the change was decided: the transaction checks it still does. */
  standing: AccountStanding;
  /** A password to set, and the organization it reaches (null: the mailbox owner's own). */
  password?: { hash: string; organizationId: string | null } | undefined;
  /** The accept proves the mailbox (the link was emailed). */
  provesMailbox: boolean;
  /** A password someone else set gives way: every other session of the account ends. */
  endOtherSessions: boolean;
}

export const HELD_LINK_PASSWORD =
  'Enter the password of the account with this address, or choose one for a new account.';

function passwordRequired(detail: string): AppError {
  return new AppError('PASSWORD_REQUIRED', detail, { fields: [{ field: 'password', message: 'is required' }] });
}

/**
 * Decides what the accept may do, by who can be holding the link:
 * - signed in as the invited address (with a session that reaches the organization): nothing to prove;
 * - no account yet: the accept creates it, with the password chosen here or the inviter's preset
 *   (provisional for this organization unless the mailbox owner chose it through an emailed link);
 * - an account, through an emailed link: its own password signs in once the address is proven; a
 *   missing, provisional or unproven one is replaced by the one the mailbox owner chooses now, and
 *   every other session ends;
 * - an account, through an inviter-held link: only a password that reaches this organization
 *   signs in; the account is never changed. Answers do not tell an account from none until a
 *   password is checked: the policy is applied first, and one slow hash is spent either way.
 */
async function decideAccountChange(
  deps: ServiceDeps,
  invitation: InvitationRow,
  input: AcceptInput,
  signedIn: UserRow | undefined,
): Promise<AccountChange> {
  const standing = await accountStanding(deps.db, invitation.email_canonical);
  const byMail = emailed(invitation);
  const organizationId = invitation.organization_id;
  if (signedIn) return { standing, provesMailbox: byMail, endOtherSessions: false };

  if (!standing.held) {
    // The same answer as for an account (below) when the link was not emailed: it tells nothing.
    const missing = byMail ? 'Choose a password for the new account.' : HELD_LINK_PASSWORD;
    if (input.password !== undefined) {
      assertPasswordPolicy(input.password);
      return {
        standing,
        password: { hash: await hashSecret(input.password), organizationId: byMail ? null : organizationId },
        provesMailbox: byMail,
        endOtherSessions: false,
      };
    }
    if (invitation.password_hash === null) throw passwordRequired(missing);
    return {
      standing,
      password: { hash: invitation.password_hash, organizationId },
      provesMailbox: byMail,
      endOtherSessions: false,
    };
  }

  const user = standing.user!;
  if (byMail) {
    if (mailboxOwnerMustSignIn(user)) {
      if (input.password === undefined) throw new AppError('SIGN_IN_REQUIRED');
      if (!(await verifySecret(input.password, user.password_hash!))) throw new AppError('INVALID_CREDENTIALS');
      return { standing, provesMailbox: true, endOtherSessions: false };
    }
    // No password, or one someone else chose (an inviter, or before anyone proved the address): the
    // mailbox owner chooses theirs now.
    if (input.password === undefined) throw passwordRequired('Choose a password for your account.');
    assertPasswordPolicy(input.password);
    if (user.password_hash !== null && (await verifySecret(input.password, user.password_hash)))
      throw new AppError('PASSWORD_REUSED');
    return {
      standing,
      password: { hash: await hashSecret(input.password), organizationId: null },
      provesMailbox: true,
      endOtherSessions: true,
    };
  }

  // An inviter-held link and an account someone holds: its password, or nothing.
  if (input.password === undefined) throw passwordRequired(HELD_LINK_PASSWORD);
  assertPasswordPolicy(input.password);
  const valid = passwordReaches(user, organizationId)
    ? await verifySecret(input.password, user.password_hash!)
    : await verifyAgainstDecoy(input.password);
  if (!valid) throw new AppError('INVALID_CREDENTIALS');
  return { standing, provesMailbox: false, endOtherSessions: false };
}

/** The account changed hands while the accept was decided (another accept made it): decide again. */
class StandingChanged extends Error {}

/** The session the accept was made with ended meanwhile: decide again, as if not signed in. */
class SessionEnded extends StandingChanged {}

/**
 * Accepts an invitation: binds it to the invited address, creates or completes the account as
 * `decideAccountChange` allows, activates the membership with the invitation's role, permissions,
 * metadata and names, and opens a session (which reaches only this organization when the account's
 * password is provisional). The status change is one guarded statement, so of any number of
 * concurrent accepts exactly one succeeds.
 */
export async function acceptInvitation(deps: ServiceDeps, input: AcceptInput): Promise<AcceptResult> {
  const invitation = await openInvitation(deps, input.token);

  let signedIn: UserRow | undefined;
  if (input.session !== undefined) {
    const user = await findUserById(deps.db, input.session.userId);
    if (!user || user.email_canonical !== invitation.email_canonical) throw new AppError('EMAIL_MISMATCH');
    // A provisional session of another organization proves nothing here.
    if (sessionReaches(input.session, invitation.organization_id)) signedIn = user;
  }

  for (let attempt = 1; ; attempt++) {
    const change = await decideAccountChange(deps, invitation, input, signedIn);
    try {
      return await deps.transact(async (trx) => {
        const now = deps.clock.now().toISOString();
        const [accepted] = await transitionPending(trx, { id: invitation.id, tokenHash: invitation.token_hash }, now, {
          status: 'ACCEPTED',
          accepted_at: now,
        });
        if (!accepted) throw new AppError('INVITATION_LINK_INVALID');
        const user = await applyAccountChange(trx, accepted, input, change, now);
        // Signed in: the session must still be live now that the account is locked (its owner may
        // have ended it by setting a password), and the new one reaches no further than it did.
        if (signedIn && !(await isSessionLive(trx, input.session!.sessionId, now))) throw new SessionEnded();
        await recordAcceptedUser(trx, accepted.id, user.id);
        // A membership made INVITED with the invitation (users-organizations) is updated, not created.
        const before = await findLiveMembership(trx, accepted.organization_id, user.id);
        await activateMembership(trx, {
          id: newId(),
          organization_id: accepted.organization_id,
          user_id: user.id,
          role_id: accepted.role_id,
          scope: 1,
          permissions: membershipPermissions(accepted.permissions),
          metadata: accepted.metadata,
          first_name: typed(input.firstName) ?? accepted.first_name,
          last_name: typed(input.lastName) ?? accepted.last_name,
          email: accepted.email,
          status: 'ACTIVE',
          created_at: now,
          updated_at: now,
          deleted_at: null,
        });
        const organization = (await findOrganizationById(trx, accepted.organization_id)) as OrganizationRow;
        const reach = signedIn ? input.session!.organizationScope : user.password_organization_id;
        const { id: sessionId, ...session } = await openSession(trx, deps, user, reach);
        if (change.endOtherSessions) await revokeUserSessions(trx, user.id, now, sessionId);
        const roleName = await findRoleName(trx, accepted.organization_id, accepted.role_id);
        const membership = await memberView(trx, accepted.organization_id, user.id);
        const invitee = { type: 'invitee' as const, id: user.id };
        const base = { organizationId: accepted.organization_id, actor: invitee, occurredAt: now };
        await recordChanges(trx, [
          {
            ...base,
            type: 'invitation.accepted',
            data: { ...toInvitation(accepted, roleName, now), userId: user.id, membership },
          },
          {
            ...base,
            type: before?.status === 'INVITED' ? 'membership.updated' : 'membership.created',
            data: membership,
          },
        ]);
        return {
          session,
          organization: { id: organization.id, name: organization.name },
          role: { id: accepted.role_id, name: roleName },
          redirectUrl: accepted.redirect_url,
          invitation: {
            id: accepted.id,
            metadata: accepted.metadata ? (JSON.parse(accepted.metadata) as Record<string, unknown>) : null,
            email: accepted.email,
            emailed: accepted.link_delivery === 'EMAIL',
          },
        };
      });
    } catch (error) {
      // The account changed while the accept was decided (another accept made it, its owner set a
      // password): decide again, against the account as it is now.
      if (!(error instanceof StandingChanged || asUniqueViolation(error))) throw error;
      if (error instanceof SessionEnded) signedIn = undefined;
      if (attempt >= 3)
        throw new AppError('SERVICE_UNAVAILABLE', 'The account changed while accepting. Try again.', {
          headers: { 'retry-after': '1' },
        });
    }
  }
}

function typed(value: string | undefined): string | null {
  return value?.trim() || null;
}

/** Creates, completes or leaves the account, as decided. */
async function applyAccountChange(
  trx: Executor,
  invitation: InvitationRow,
  input: AcceptInput,
  change: AccountChange,
  now: string,
): Promise<UserRow> {
  // Locked until the transaction ends: a password set meanwhile (another accept, password setup)
  // would make the decision, and the session's reach, stale.
  const current = await accountStanding(trx, invitation.email_canonical, { lock: true });
  if (current.held !== change.standing.held || !sameCredentials(current.user, change.standing.user))
    throw new StandingChanged();
  const verifiedAt = change.provesMailbox ? now : null;
  const credentials = change.password
    ? { password_hash: change.password.hash, password_organization_id: change.password.organizationId }
    : {};
  // What the person typed; a new account starts from the invitation's names where they typed none.
  // An existing profile is never written with names another party gave.
  const firstName = typed(input.firstName);
  const lastName = typed(input.lastName);
  const startingNames = { first_name: firstName ?? invitation.first_name, last_name: lastName ?? invitation.last_name };
  const user = current.user;
  if (!user) {
    return insertUser(trx, {
      id: newUserId(),
      email: invitation.email,
      email_canonical: invitation.email_canonical,
      ...startingNames,
      password_hash: null,
      password_organization_id: null,
      ...credentials,
      email_verified_at: verifiedAt,
      created_at: now,
      updated_at: now,
    });
  }
  if (!current.held) {
    // A bare profile is nobody's yet: this accept makes the account, as if it were new (and with
    // this invitation's spelling of the address, not the one another organization entered).
    return updateUserCredentials(trx, user.id, {
      ...credentials,
      email: invitation.email,
      ...startingNames,
      email_verified_at: verifiedAt,
      updated_at: now,
    });
  }
  // An account someone holds: only its mailbox owner fills in what it lacks.
  if (!change.password && !change.provesMailbox) return user;
  return updateUserCredentials(trx, user.id, {
    ...credentials,
    ...(change.provesMailbox
      ? { first_name: user.first_name ?? firstName, last_name: user.last_name ?? lastName }
      : {}),
    email_verified_at: user.email_verified_at ?? verifiedAt,
    updated_at: now,
  });
}
