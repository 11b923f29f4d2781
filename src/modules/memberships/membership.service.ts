import { assertRoleAssignable, type OrganizationAccess } from '../../auth/authorize.js';
import type { Executor } from '../../db/database.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, keysetPage } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import { actorOf, recordChanges } from '../events/event.service.js';
import type { MembershipPermissions } from './membership.permissions.js';
import { findRoleById, findRoleByName, type RoleRow } from '../roles/role.repository.js';
import { toPublicUser, type PublicUser } from '../users/user.service.js';
import {
  findMemberRow,
  listMemberRows,
  removeLiveMembership,
  updateLiveMembership,
  type MemberRow,
} from './membership.repository.js';
import type { MembershipStatus } from './membership.table.js';

export interface Member {
  user: PublicUser;
  role: { id: string; name: string };
  status: MembershipStatus;
  scope: number;
  permissions: MembershipPermissions;
  metadata: Record<string, unknown> | null;
  /** The organization's MAIN user. */
  isOwner: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * A member is shown as this organization knows them: the names on their membership (the
 * invitation's, or as typed when accepting it). Until they accept, the address and names of the
 * invitation. Their account, which may belong to other organizations, is not this organization's
 * to read: its names could be what the person typed elsewhere, and would tell the inviter it exists.
 */
function shownProfile(row: MemberRow): { email: string; first_name: string | null; last_name: string | null } {
  if (row.status !== 'INVITED')
    return { email: row.member_email ?? row.email, first_name: row.first_name, last_name: row.last_name };
  return {
    email: row.invited_email ?? row.email_canonical,
    first_name: row.invited_first_name,
    last_name: row.invited_last_name,
  };
}

export function toMember(row: MemberRow): Member {
  return {
    user: toPublicUser({ id: row.user_id, numeric_id: row.user_numeric_id, ...shownProfile(row) }),
    role: { id: row.role_id, name: row.role_name },
    status: row.status,
    scope: row.scope,
    permissions: JSON.parse(row.permissions) as MembershipPermissions,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    isOwner: row.main_user_id === row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listMembers(
  deps: ServiceDeps,
  organizationId: string,
  input: { limit: number; cursor?: string | undefined; status?: MembershipStatus | undefined },
): Promise<{ data: Member[]; nextCursor?: string | undefined }> {
  const binding = { organizationId, filters: ['members', input.status ?? null] };
  const after = input.cursor === undefined ? undefined : decodeCursor(deps.secrets, binding, input.cursor);
  const rows = await listMemberRows(deps.db, organizationId, { status: input.status, after, limit: input.limit + 1 });
  const { page, nextCursor } = keysetPage(deps.secrets, binding, rows, input.limit);
  return { data: page.map(toMember), nextCursor };
}

/** The member as the API shows it, read through `db` (an open transaction, for an event). */
export async function memberView(db: Executor, organizationId: string, userId: string): Promise<Member> {
  return toMember(await findMember(db, organizationId, userId));
}

async function findMember(db: Executor, organizationId: string, userId: string): Promise<MemberRow> {
  const row = await findMemberRow(db, organizationId, userId);
  if (!row) throw new AppError('MEMBER_NOT_FOUND');
  return row;
}

export async function getMember(deps: ServiceDeps, organizationId: string, userId: string): Promise<Member> {
  return toMember(await findMember(deps.db, organizationId, userId));
}

export interface MemberChanges {
  roleId?: string | undefined;
  roleName?: string | undefined;
  scope?: number | undefined;
  permissions?: Partial<MembershipPermissions> | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/**
 * Changes a member's role, scope, permissions or metadata. A caller may touch only members whose
 * role it could grant, and grant only roles within its own permissions; the MAIN user stays Owner.
 */
export async function updateMember(
  deps: ServiceDeps,
  access: OrganizationAccess,
  userId: string,
  changes: MemberChanges,
): Promise<Member> {
  const organizationId = access.organization.id;
  const current = await findMember(deps.db, organizationId, userId);
  assertRoleAssignable(access, JSON.parse(current.role_permissions) as string[]);
  let role: RoleRow | undefined;
  if (changes.roleId !== undefined || changes.roleName !== undefined) {
    role =
      changes.roleId !== undefined
        ? await findRoleById(deps.db, organizationId, changes.roleId)
        : await findRoleByName(deps.db, organizationId, changes.roleName!);
    if (!role) {
      const field = changes.roleId !== undefined ? 'roleId' : 'roleName';
      throw new AppError('UNKNOWN_ROLE', 'No such role in this organization.', {
        fields: [{ field, message: 'is not a role of this organization' }],
      });
    }
    assertRoleAssignable(access, JSON.parse(role.permissions) as string[]);
    if (current.main_user_id === userId && role.builtin !== 'OWNER') throw new AppError('OWNER_IS_PERMANENT');
  }
  const metadata =
    changes.metadata === undefined ? undefined : changes.metadata === null ? null : JSON.stringify(changes.metadata);
  if (metadata && Buffer.byteLength(metadata) > 4096) {
    throw new AppError('VALIDATION_FAILED', 'metadata must be at most 4096 bytes of JSON', {
      fields: [{ field: 'metadata', message: 'must be at most 4096 bytes of JSON' }],
    });
  }
  const now = deps.clock.now().toISOString();
  return deps.transact(async (trx) => {
    await updateLiveMembership(trx, organizationId, userId, {
      ...(role ? { role_id: role.id } : {}),
      ...(changes.scope !== undefined ? { scope: changes.scope } : {}),
      ...(changes.permissions
        ? {
            permissions: JSON.stringify({
              ...(JSON.parse(current.permissions) as MembershipPermissions),
              ...changes.permissions,
            }),
          }
        : {}),
      ...(metadata !== undefined ? { metadata } : {}),
      updated_at: now,
    });
    const member = await memberView(trx, organizationId, userId);
    const actor = actorOf(access.principal);
    await recordChanges(trx, [{ type: 'membership.updated', organizationId, actor, occurredAt: now, data: member }]);
    return member;
  });
}

/** Removes a member (kept, marked deleted). The MAIN user cannot be removed. */
export async function removeMember(deps: ServiceDeps, access: OrganizationAccess, userId: string): Promise<void> {
  const organizationId = access.organization.id;
  const current = await findMember(deps.db, organizationId, userId);
  if (current.main_user_id === userId) throw new AppError('OWNER_IS_PERMANENT');
  assertRoleAssignable(access, JSON.parse(current.role_permissions) as string[]);
  const now = deps.clock.now().toISOString();
  const actor = actorOf(access.principal);
  await deps.transact(async (trx) => {
    const member = await memberView(trx, organizationId, userId);
    await removeLiveMembership(trx, organizationId, userId, now);
    await recordChanges(trx, [{ type: 'membership.deleted', organizationId, actor, occurredAt: now, data: member }]);
  });
}
