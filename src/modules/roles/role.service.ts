import { randomUUID } from 'node:crypto';
import { assertRoleAssignable, type OrganizationAccess } from '../../auth/authorize.js';
import { BUILTIN_ROLES, type OrganizationPermission } from '../../auth/permissions.js';
import type { Executor } from '../../db/database.js';
import { asUniqueViolation } from '../../db/dialect.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { insertRoles, listRoles, type RoleRow } from './role.repository.js';

export interface Role {
  id: string;
  name: string;
  description: string;
  permissions: OrganizationPermission[];
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: JSON.parse(row.permissions) as OrganizationPermission[],
    builtin: row.builtin !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Owner, Administrator, Member and Viewer: every organization starts with these. */
export function createBuiltinRoles(db: Executor, organizationId: string, now: string): Promise<RoleRow[]> {
  return insertRoles(
    db,
    BUILTIN_ROLES.map((role) => ({
      id: randomUUID(),
      organization_id: organizationId,
      name: role.name,
      name_canonical: role.name.toLowerCase(),
      description: role.description,
      permissions: JSON.stringify(role.permissions),
      builtin: role.builtin,
      created_at: now,
      updated_at: now,
    })),
  );
}

const BUILTIN_ORDER: readonly string[] = BUILTIN_ROLES.map((role) => role.builtin);

/** Built-in roles first, from most to least privileged, then custom roles by name. */
export async function listOrganizationRoles(deps: ServiceDeps, organizationId: string): Promise<Role[]> {
  const rank = (row: RoleRow) => (row.builtin === null ? BUILTIN_ORDER.length : BUILTIN_ORDER.indexOf(row.builtin));
  const rows = await listRoles(deps.db, organizationId);
  return rows.sort((a, b) => rank(a) - rank(b) || a.name_canonical.localeCompare(b.name_canonical)).map(toRole);
}

export interface CreateRoleInput {
  name: string;
  description?: string | undefined;
  permissions?: OrganizationPermission[] | undefined;
}

/**
 * A caller creates only roles it could grant: every permission of the new role must be its own
 * (the rule of `assertRoleAssignable`), or an Administrator could mint a role with the Owner's
 * `organization:manage` and hand it out.
 */
export async function createRole(deps: ServiceDeps, access: OrganizationAccess, input: CreateRoleInput): Promise<Role> {
  const name = input.name.trim();
  if (!name) {
    throw new AppError('VALIDATION_FAILED', 'The role name must not be blank.', {
      fields: [{ field: 'name', message: 'must not be blank' }],
    });
  }
  const permissions = [...new Set(input.permissions ?? [])];
  assertRoleAssignable(access, permissions);
  const organizationId = access.organization.id;
  const now = deps.clock.now().toISOString();
  try {
    const [row] = await insertRoles(deps.db, [
      {
        id: randomUUID(),
        organization_id: organizationId,
        name,
        name_canonical: name.toLowerCase(),
        description: input.description?.trim() ?? '',
        permissions: JSON.stringify(permissions),
        builtin: null,
        created_at: now,
        updated_at: now,
      },
    ]);
    return toRole(row!);
  } catch (error) {
    if (asUniqueViolation(error)) throw new AppError('ROLE_NAME_TAKEN', `A role named "${name}" already exists.`);
    throw error;
  }
}
