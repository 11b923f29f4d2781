import type { ServiceDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { findLiveMembership } from '../modules/memberships/membership.repository.js';
import { findOrganizationById, type OrganizationRow } from '../modules/organizations/organization.repository.js';
import { PLATFORM_PERMISSION, type OrganizationPermission } from './permissions.js';
import type { Principal } from './principal.js';

function insufficientScope(permission: string): AppError {
  return new AppError('FORBIDDEN', `This requires the "${permission}" permission.`);
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
): Promise<OrganizationRow> {
  if (principal.kind === 'client') {
    const platform = principal.organizationId === null;
    if (!platform && principal.organizationId !== organizationId) throw new AppError('ORGANIZATION_NOT_FOUND');
    const organization = await findOrganizationById(deps.db, organizationId);
    if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
    if (!principal.scopes.has(permission)) throw insufficientScope(permission);
    return organization;
  }
  const membership = await findLiveMembership(deps.db, organizationId, principal.userId);
  if (!membership || membership.status !== 'ACTIVE') throw new AppError('ORGANIZATION_NOT_FOUND');
  const permissions = JSON.parse(membership.role_permissions) as string[];
  if (!permissions.includes(permission)) throw insufficientScope(permission);
  const organization = await findOrganizationById(deps.db, organizationId);
  if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
  return organization;
}

/** Only platform clients may create organizations. */
export function requirePlatformClient(principal: Principal): void {
  if (principal.kind !== 'client' || principal.organizationId !== null) {
    throw new AppError('PLATFORM_CLIENT_REQUIRED');
  }
  if (!principal.scopes.has(PLATFORM_PERMISSION)) throw insufficientScope(PLATFORM_PERMISSION);
}
