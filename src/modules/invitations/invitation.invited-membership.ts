import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Executor } from '../../db/database.js';
import {
  findMemberRow,
  type MembershipRow,
  removeLiveMembership,
  upsertMembership,
} from '../memberships/membership.repository.js';
import { type Member, toMember } from '../memberships/membership.service.js';
import type { UserRow } from '../users/user.repository.js';
import { findUserByCanonicalEmail } from '../users/user.repository.js';
import { findOrCreateUser } from '../users/user.service.js';
import type { InvitationRow } from './invitation.repository.js';
import { membershipPermissions } from './invitation.rules.js';

/**
 * Some documents (users-organizations) make the person's profile and a membership in status INVITED
 * together with the invitation; the membership ends with the invitation (revoke, decline) and
 * becomes ACTIVE when it is accepted. Both halves live here, next to each other.
 */

export interface InvitedMembership {
  user: UserRow;
  membership: MembershipRow;
}

/**
 * Writes the INVITED membership of a new invitation, in its transaction. The names are the
 * inviter's: they live on the invitation and the membership, never on the person's own profile,
 * which may already exist and is not this organization's to write.
 */
export async function addInvitedMembership(
  trx: Executor,
  clock: Clock,
  invitation: InvitationRow,
  now: string,
): Promise<InvitedMembership> {
  const user = await findOrCreateUser(trx, clock, { email: invitation.email });
  const membership = await upsertMembership(trx, {
    id: randomUUID(),
    organization_id: invitation.organization_id,
    user_id: user.id,
    role_id: invitation.role_id,
    scope: 1,
    permissions: membershipPermissions(invitation.permissions),
    metadata: null,
    first_name: invitation.first_name,
    last_name: invitation.last_name,
    email: invitation.email,
    status: 'INVITED',
    created_at: now,
    updated_at: now,
    deleted_at: null,
  });
  return { user, membership };
}

/**
 * A membership created in status INVITED alongside the invitation ends with it. Returns the member
 * as the API showed it (for `membership.deleted`), or undefined when there was none.
 */
export async function dropInvitedMembership(
  trx: Executor,
  invitation: InvitationRow,
  now: string,
): Promise<Member | undefined> {
  const user = await findUserByCanonicalEmail(trx, invitation.email_canonical);
  if (!user) return undefined;
  const row = await findMemberRow(trx, invitation.organization_id, user.id);
  if (row?.status !== 'INVITED') return undefined;
  await removeLiveMembership(trx, invitation.organization_id, user.id, now, 'INVITED');
  return toMember(row);
}
