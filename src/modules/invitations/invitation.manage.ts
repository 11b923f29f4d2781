import { randomToken, sha256 } from '../../auth/secrets.js';
import { addSeconds } from '../../clock.js';
import type { Executor } from '../../db/database.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, keysetPage } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import { recordChanges } from '../events/event.service.js';
import type { Actor } from '../events/event.types.js';
import { findMemberName } from '../memberships/membership.repository.js';
import { invitationLook } from '../organizations/organization.branding.js';
import { findOrganizationById } from '../organizations/organization.repository.js';
import { insertOutboxMessages } from '../outbox/outbox.repository.js';
import { findRoleName, listRoles } from '../roles/role.repository.js';
import { checkEmail, isEmailProblem } from '../users/email.js';
import { invitationEmailMessage } from './invitation.email.js';
import { dropInvitedMembership } from './invitation.invited-membership.js';
import {
  findInvitation,
  type InvitationRow,
  listInvitationPage,
  type PendingChange,
  transitionPending,
} from './invitation.repository.js';
import { displayName } from './invitation.rules.js';
import { effectiveStatus, type InvitationStatus } from './invitation.status.js';
import { type Invitation, toInvitation } from './invitation.views.js';

/** The organization's side after an invitation is made: read, list, revoke, send again. */

export async function getInvitation(deps: ServiceDeps, organizationId: string, id: string): Promise<Invitation> {
  const row = await findInvitation(deps.db, organizationId, id);
  if (!row) throw new AppError('INVITATION_NOT_FOUND');
  const roleName = await findRoleName(deps.db, organizationId, row.role_id);
  return toInvitation(row, roleName, deps.clock.now().toISOString());
}

/** The `invitation.revoked` events of rows that have just been revoked. */
export async function recordRevocations(
  trx: Executor,
  revoked: InvitationRow[],
  actor: Actor,
  now: string,
): Promise<void> {
  const changes = [];
  for (const row of revoked) {
    const data = toInvitation(row, await findRoleName(trx, row.organization_id, row.role_id), now);
    changes.push({
      type: 'invitation.revoked' as const,
      organizationId: row.organization_id,
      actor,
      occurredAt: now,
      data,
    });
  }
  await recordChanges(trx, changes);
}

async function notPending(deps: ServiceDeps, organizationId: string, id: string): Promise<AppError> {
  const row = await findInvitation(deps.db, organizationId, id);
  if (!row) return new AppError('INVITATION_NOT_FOUND');
  const status = effectiveStatus(row, deps.clock.now().toISOString());
  return new AppError('INVITATION_NOT_PENDING', `The invitation is ${status}.`);
}

/** Withdraws a PENDING invitation: its link stops working, and an email not yet sent is not sent. */
export async function revokeInvitation(
  deps: ServiceDeps,
  organizationId: string,
  id: string,
  actor: Actor,
): Promise<Invitation> {
  const now = deps.clock.now().toISOString();
  const revoked = await deps.transact(async (trx) => {
    const [row] = await transitionPending(trx, { id, organizationId }, now, { status: 'REVOKED', revoked_at: now });
    if (!row) return undefined;
    const member = await dropInvitedMembership(trx, row, now);
    await recordRevocations(trx, [row], actor, now);
    if (member) {
      await recordChanges(trx, [{ type: 'membership.deleted', organizationId, actor, occurredAt: now, data: member }]);
    }
    return { row, roleName: await findRoleName(trx, organizationId, row.role_id) };
  });
  if (!revoked) throw await notPending(deps, organizationId, id);
  return toInvitation(revoked.row, revoked.roleName, now);
}

/**
 * Sends the invitation again with a new link (the old one stops working, and an email still queued
 * with it is cancelled by the worker), optionally with a new expiry counted from now.
 */
export async function resendInvitation(
  deps: ServiceDeps,
  organizationId: string,
  id: string,
  actor: Actor,
  options: { expiresInDays?: number | undefined } = {},
): Promise<Invitation> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const token = randomToken();
  const organization = await findOrganizationById(deps.db, organizationId);
  if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
  const change: PendingChange = {
    status: 'PENDING',
    token_hash: sha256(token),
    link_delivery: 'EMAIL',
    ...(options.expiresInDays ? { expires_at: addSeconds(now, options.expiresInDays * 86_400).toISOString() } : {}),
  };
  // Over the recipient's daily limit the email is queued suppressed (recorded, not sent); the answer is
  // the same. Counted before the transaction, which must not wait on the limits' store.
  const invitation = await findInvitation(deps.db, organizationId, id);
  if (!invitation || effectiveStatus(invitation, nowIso) !== 'PENDING')
    throw await notPending(deps, organizationId, id);
  const suppressed = await deps.limits.invitations.isRecipientOverLimit(invitation.email_canonical);
  const giveBack = () => deps.limits.invitations.giveBackRecipientEmail(invitation.email_canonical);
  const resent = await deps
    .transact(async (trx) => {
      const [updated] = await transitionPending(trx, { id, organizationId }, nowIso, change);
      if (!updated) return undefined;
      const inviter = updated.inviter_user_id
        ? await findMemberName(trx, organizationId, updated.inviter_user_id)
        : undefined;
      const roleName = await findRoleName(trx, organizationId, updated.role_id);
      const context = {
        inviterName: inviter ? displayName(inviter) : organization.name,
        roleName,
        look: invitationLook(organization),
      };
      await insertOutboxMessages(trx, [invitationEmailMessage(deps, updated, context, token, nowIso, { suppressed })]);
      const data = toInvitation(updated, roleName, nowIso);
      await recordChanges(trx, [{ type: 'invitation.resent', organizationId, actor, occurredAt: nowIso, data }]);
      return { row: updated, roleName };
    })
    .catch((error: unknown) => {
      giveBack();
      throw error;
    });
  if (!resent) {
    // Revoked or accepted meanwhile: nothing was queued, so nothing counts against the recipient.
    giveBack();
    throw await notPending(deps, organizationId, id);
  }
  deps.events.emit('outbox');
  return toInvitation(resent.row, resent.roleName, nowIso);
}

export interface ListInvitationsInput {
  status?: InvitationStatus | undefined;
  roleId?: string | undefined;
  email?: string | undefined;
  limit: number;
  order?: 'asc' | 'desc' | undefined;
  cursor?: string | undefined;
  /** The name the cursor parameter has on the calling surface, for error messages. */
  cursorField?: string | undefined;
}

/**
 * A page of invitations, newest first by default, and an opaque cursor for the next one (absent on
 * the last page). The cursor is signed and bound to the organization and the filters: changed,
 * truncated or used with another query, it is refused.
 */
export async function listInvitations(
  deps: ServiceDeps,
  organizationId: string,
  input: ListInvitationsInput,
): Promise<{ data: Invitation[]; nextCursor?: string | undefined }> {
  const order = input.order ?? 'desc';
  let emailCanonical: string | undefined;
  if (input.email !== undefined) {
    const checked = checkEmail(input.email);
    // No invitation can have an address that is not valid.
    if (isEmailProblem(checked)) return { data: [] };
    emailCanonical = checked.canonical;
  }
  const binding = {
    organizationId,
    filters: ['invitations', input.status ?? null, input.roleId ?? null, emailCanonical ?? null, order],
  };
  const after =
    input.cursor === undefined ? undefined : decodeCursor(deps.secrets, binding, input.cursor, input.cursorField);
  const now = deps.clock.now().toISOString();
  const rows = await listInvitationPage(deps.db, {
    organizationId,
    status: input.status,
    roleId: input.roleId,
    emailCanonical,
    order,
    limit: input.limit,
    after,
    now,
  });
  const { page, nextCursor } = keysetPage(deps.secrets, binding, rows, input.limit);
  const roles = new Map((await listRoles(deps.db, organizationId)).map((role) => [role.id, role.name]));
  return { data: page.map((row) => toInvitation(row, roles.get(row.role_id) ?? '', now)), nextCursor };
}
