import { Type } from '@sinclair/typebox';
import { SingleLine } from '../../http/common.schemas.js';
import { EmailField, NameField, PasswordField } from '../users/user.schemas.js';

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';

export const OwnerBody = Type.Object(
  {
    email: EmailField,
    firstName: Type.Optional(NameField),
    lastName: Type.Optional(NameField),
    password: Type.Optional(PasswordField),
  },
  { additionalProperties: false },
);

/** Assigning an owner sets no password: an account's password is set by its owner, or by a platform operator at creation. */
export const AssignOwnerBody = Type.Object(
  { email: EmailField, firstName: Type.Optional(NameField), lastName: Type.Optional(NameField) },
  { additionalProperties: false },
);

export const CreateOrganizationBody = Type.Object(
  {
    name: SingleLine({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'Lower-case letters, digits and dashes.' })),
    owner: Type.Optional(OwnerBody),
  },
  { additionalProperties: false },
);

export const OrganizationResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    numericId: Type.Integer(),
    name: Type.String(),
    slug: Type.String(),
    owner: Type.Union([Type.Ref('User'), Type.Null()], { description: 'The primary (MAIN) user.' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization' },
);

export const CreatedOrganizationResponse = Type.Object({
  organization: Type.Ref('Organization'),
  owner: Type.Union([Type.Ref('User'), Type.Null()]),
  roles: Type.Array(Type.Ref('Role')),
});
