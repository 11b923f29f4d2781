/**
 * One vocabulary for what a caller may do: a user gets permissions from the role of their
 * membership, an API client gets the same names as OAuth scopes in its access token.
 */
export const ORGANIZATION_PERMISSIONS = [
  'organization:read',
  'organization:manage',
  'roles:read',
  'roles:manage',
  'members:read',
  'members:manage',
  'invitations:read',
  'invitations:manage',
  'events:read',
  'webhooks:manage',
] as const;

/** Only platform clients hold this one: it reaches across organizations. */
export const PLATFORM_PERMISSION = 'organizations:create';

export type OrganizationPermission = (typeof ORGANIZATION_PERMISSIONS)[number];
export type Permission = OrganizationPermission | typeof PLATFORM_PERMISSION;

export const BUILTIN_ROLES = [
  {
    builtin: 'OWNER',
    name: 'Owner',
    description: 'Full control of the organization, including its settings and owner.',
    permissions: [...ORGANIZATION_PERMISSIONS],
  },
  {
    builtin: 'ADMINISTRATOR',
    name: 'Administrator',
    description: 'Manages members, roles and invitations.',
    permissions: ORGANIZATION_PERMISSIONS.filter((permission) => permission !== 'organization:manage'),
  },
  {
    builtin: 'MEMBER',
    name: 'Member',
    description: 'A regular member of the organization.',
    permissions: ['organization:read', 'roles:read', 'members:read', 'invitations:read'],
  },
  {
    builtin: 'VIEWER',
    name: 'Viewer',
    description: 'Read-only access to the organization.',
    permissions: ['organization:read', 'roles:read', 'members:read'],
  },
] as const satisfies ReadonlyArray<{
  builtin: string;
  name: string;
  description: string;
  permissions: readonly OrganizationPermission[];
}>;

export const ORGANIZATION_CLIENT_SCOPES: readonly Permission[] = ORGANIZATION_PERMISSIONS;
export const PLATFORM_CLIENT_SCOPES: readonly Permission[] = [...ORGANIZATION_PERMISSIONS, PLATFORM_PERMISSION];
