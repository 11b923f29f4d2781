import { Type } from '@sinclair/typebox';
import { MultiLine, SingleLine } from '../../http/common.schemas.js';
import { ORGANIZATION_PERMISSIONS, type OrganizationPermission } from '../../auth/permissions.js';

export const PermissionName = Type.Unsafe<OrganizationPermission>(
  Type.String({ enum: [...ORGANIZATION_PERMISSIONS], description: 'What a member with this role may do in Tessera.' }),
);

export const RoleResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Type.String(),
    permissions: Type.Array(PermissionName),
    builtin: Type.Boolean({ description: 'Owner, Administrator, Member and Viewer are built in.' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Role' },
);

export const CreateRoleBody = Type.Object(
  {
    name: SingleLine({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(MultiLine({ maxLength: 500 })),
    permissions: Type.Optional(Type.Array(PermissionName, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const RoleListResponse = Type.Object({ data: Type.Array(Type.Ref('Role')) });
