import { assertRoleAssignable, type OrganizationAccess } from '../../auth/authorize.js';
import type { Executor } from '../../db/database.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import type { MembershipPermissions } from '../invitations/invitation.views.js';
import { findRoleById, findRoleByName, type RoleRow } from '../roles/role.repository.js';
import { toPublicUser, type PublicUser } from '../users/user.service.js';
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

function membersQuery(db: Executor, organizationId: string) {
  return (
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('roles', 'roles.id', 'memberships.role_id')
      .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
      // An INVITED membership's pending invitation (one at most, by the unique index): its profile.
      .leftJoin('invitations', (join) =>
        join
          .onRef('invitations.organization_id', '=', 'memberships.organization_id')
          .onRef('invitations.email_canonical', '=', 'users.email_canonical')
          .on('invitations.status', '=', 'PENDING')
          .on('memberships.status', '=', 'INVITED'),
      )
      .select([
        'memberships.id',
        'memberships.status',
        'memberships.scope',
        'memberships.permissions',
        'memberships.metadata',
        'memberships.created_at',
        'memberships.updated_at',
        'memberships.role_id',
        'roles.name as role_name',
        'roles.permissions as role_permissions',
        'users.id as user_id',
        'users.numeric_id as user_numeric_id',
        'users.email',
        'users.email_canonical',
        'memberships.first_name',
        'memberships.last_name',
        'memberships.email as member_email',
        'organizations.main_user_id',
        'invitations.email as invited_email',
        'invitations.first_name as invited_first_name',
        'invitations.last_name as invited_last_name',
      ])
      .where('memberships.organization_id', '=', organizationId)
      .where('memberships.deleted_at', 'is', null)
  );
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof membersQuery>['executeTakeFirstOrThrow']>>;

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

function toMember(row: MemberRow): Member {
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
  let query = membersQuery(deps.db, organizationId);
  if (input.status) query = query.where('memberships.status', '=', input.status);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('memberships.created_at', 'memberships.id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  const rows = await query
    .orderBy('memberships.created_at', 'desc')
    .orderBy('memberships.id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toMember),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor(deps.secrets, binding, { createdAt: last.created_at, id: last.id })
        : undefined,
  };
}

async function findMember(db: Executor, organizationId: string, userId: string): Promise<MemberRow> {
  const row = await membersQuery(db, organizationId).where('memberships.user_id', '=', userId).executeTakeFirst();
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
  await deps.db
    .updateTable('memberships')
    .set({
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
    })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .execute();
  return getMember(deps, organizationId, userId);
}

/** Removes a member (kept, marked deleted). The MAIN user cannot be removed. */
export async function removeMember(deps: ServiceDeps, access: OrganizationAccess, userId: string): Promise<void> {
  const organizationId = access.organization.id;
  const current = await findMember(deps.db, organizationId, userId);
  if (current.main_user_id === userId) throw new AppError('OWNER_IS_PERMANENT');
  assertRoleAssignable(access, JSON.parse(current.role_permissions) as string[]);
  const now = deps.clock.now().toISOString();
  await deps.db
    .updateTable('memberships')
    .set({ deleted_at: now, updated_at: now })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .execute();
}
