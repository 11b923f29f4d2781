import type { ServiceDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { findLiveMembership } from '../modules/memberships/membership.repository.js';
import { findOrganizationById, type OrganizationRow } from '../modules/organizations/organization.repository.js';
import { sessionReaches } from '../modules/sessions/session.service.js';
import { PLATFORM_PERMISSION, type OrganizationPermission } from './permissions.js';
import type { Principal } from './principal.js';

function insufficientScope(permission: string): AppError {
  return new AppError('FORBIDDEN', `This requires the "${permission}" permission.`);
}

/** What a caller may do in one organization: its permissions there (a client's scopes, a user's role). */
export interface OrganizationAccess {
  organization: OrganizationRow;
  principal: Principal;
  permissions: ReadonlySet<string>;
}

/**
 * The organization, if the caller may act on it with this permission. An organization the caller
 * cannot see answers exactly like one that does not exist; one they can see but not change is 403.
 */
export async function authorizeOrganization(
  deps: ServiceDeps,
  principal: Principal,
  organizationId: string,
  permission: OrganizationPermission,
): Promise<OrganizationAccess> {
  if (principal.kind === 'client') {
    const platform = principal.organizationId === null;
    if (!platform && principal.organizationId !== organizationId) throw new AppError('ORGANIZATION_NOT_FOUND');
    const organization = await findOrganizationById(deps.db, organizationId);
    if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
    if (!principal.scopes.has(permission)) throw insufficientScope(permission);
    return { organization, principal, permissions: principal.scopes };
  }
  // A session opened with a provisional password reaches only the organization that set it.
  if (!sessionReaches(principal, organizationId)) throw new AppError('ORGANIZATION_NOT_FOUND');
  const membership = await findLiveMembership(deps.db, organizationId, principal.userId);
  if (membership?.status !== 'ACTIVE') throw new AppError('ORGANIZATION_NOT_FOUND');
  const permissions = new Set(JSON.parse(membership.role_permissions) as string[]);
  if (!permissions.has(permission)) throw insufficientScope(permission);
  const organization = await findOrganizationById(deps.db, organizationId);
  if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
  return { organization, principal, permissions };
}

/** A caller may grant a role only if it holds every permission the role carries. */
export function assertRoleAssignable(access: OrganizationAccess, rolePermissions: readonly string[]): void {
  if (!rolePermissions.every((permission) => access.permissions.has(permission))) {
    throw new AppError('ROLE_NOT_ASSIGNABLE');
  }
}

/** Only platform clients may create organizations. */
export function requirePlatformClient(principal: Principal): void {
  if (principal.kind !== 'client' || principal.organizationId !== null) {
    throw new AppError('PLATFORM_CLIENT_REQUIRED');
  }
  if (!principal.scopes.has(PLATFORM_PERMISSION)) throw insufficientScope(PLATFORM_PERMISSION);
}
