import { Type } from '@sinclair/typebox';
import { MultiLine, SingleLine, Uuid } from '../../http/common.schemas.js';
import { LocaleField } from '../organizations/organization.schemas.js';
import { EmailField, NameField, PasswordField } from '../users/user.schemas.js';
import { INVITATION_STATUSES } from './invitation.status.js';

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const PermissionsBody = Type.Object(
  {
    group: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
    read: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), { maxItems: 1000 })),
    manage: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), { maxItems: 1000 })),
  },
  { additionalProperties: false, description: 'Application-defined permissions carried onto the membership.' },
);

export const Permissions = Type.Object(
  { group: Type.Integer(), read: Type.Array(Type.Integer()), manage: Type.Array(Type.Integer()) },
  { $id: 'MembershipPermissions' },
);

export const InvitationStatusField = Type.Unsafe<(typeof INVITATION_STATUSES)[number]>(
  Type.String({ enum: [...INVITATION_STATUSES] }),
);

export const InvitationResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    organizationId: Type.String({ format: 'uuid' }),
    email: Type.String(),
    status: InvitationStatusField,
    role: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
    inviter: Type.Object({
      userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
      clientId: Type.Union([Type.String(), Type.Null()]),
    }),
    firstName: Type.Union([Type.String(), Type.Null()]),
    lastName: Type.Union([Type.String(), Type.Null()]),
    permissions: Type.Union([Type.Ref('MembershipPermissions'), Type.Null()]),
    metadata: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    redirectUrl: Type.Union([Type.String(), Type.Null()]),
    passwordPreset: Type.Boolean({ description: "The inviter chose the new account's password." }),
    locale: Type.String({ description: "The language of the email and the invitee's page." }),
    message: Type.Union([Type.String(), Type.Null()], { description: "The inviter's personal message." }),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    acceptedAt: NullableTimestamp,
    declinedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
    lastSentAt: NullableTimestamp,
    sendCount: Type.Integer(),
  },
  { $id: 'Invitation' },
);

const invitationFields = {
  email: EmailField,
  roleId: Type.Optional(Uuid),
  roleName: Type.Optional(SingleLine({ minLength: 1, maxLength: 100 })),
  firstName: Type.Optional(NameField),
  lastName: Type.Optional(NameField),
  permissions: Type.Optional(PermissionsBody),
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'JSON object, at most 4 KiB.' })),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
  redirectUrl: Type.Optional(
    SingleLine({ maxLength: 2048, description: 'Where to send the invitee after accepting; allowed origins only.' }),
  ),
  sendEmail: Type.Optional(
    Type.Boolean({ default: true, description: 'false: no email; the response carries `acceptUrl`, once.' }),
  ),
  locale: Type.Optional(LocaleField),
  message: Type.Optional(
    MultiLine({
      maxLength: 500,
      description:
        "The inviter's personal message: plain text (line breaks kept), quoted in the email and on the page.",
    }),
  ),
};

export const CreateInvitationBody = Type.Object(
  {
    ...invitationFields,
    inviterUserId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const CreatedInvitationResponse = Type.Object({
  ...InvitationResponse.properties,
  acceptUrl: Type.Optional(Type.String({ description: 'Only when sendEmail was false, and only in this response.' })),
});

export const BulkInvitationBody = Type.Object(
  {
    invitations: Type.Array(Type.Object(invitationFields, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1000,
    }),
    inviterUserId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const BulkInvitationResponse = Type.Object({
  summary: Type.Object({ requested: Type.Integer(), created: Type.Integer(), failed: Type.Integer() }),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      status: Type.Integer({ description: 'The status this item would have had as a single request.' }),
      invitation: Type.Optional(Type.Ref('Invitation')),
      acceptUrl: Type.Optional(Type.String()),
      error: Type.Optional(
        Type.Object({
          code: Type.String(),
          title: Type.String(),
          detail: Type.Optional(Type.String()),
          errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
        }),
      ),
    }),
  ),
});

export const ListInvitationsQuery = Type.Object(
  {
    status: Type.Optional(InvitationStatusField),
    roleId: Type.Optional(Uuid),
    email: Type.Optional(SingleLine({ minLength: 1, maxLength: 254 })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    order: Type.Union([Type.Literal('desc'), Type.Literal('asc')], {
      default: 'desc',
      description: 'By creation time.',
    }),
  },
  { additionalProperties: false },
);

export const InvitationListResponse = Type.Object({
  data: Type.Array(Type.Ref('Invitation')),
  nextCursor: Type.Optional(Type.String({ description: 'Absent on the last page.' })),
});

export const InvitationParams = Type.Object({ orgId: Uuid, invitationId: Uuid });

export const ResendBody = Type.Object(
  { expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })) },
  { additionalProperties: false },
);

export const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

export const AcceptBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512 }),
    firstName: Type.Optional(NameField),
    lastName: Type.Optional(NameField),
    password: Type.Optional(PasswordField),
  },
  { additionalProperties: false },
);

export const LookupResponse = Type.Object({
  email: Type.String(),
  organization: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  role: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  inviter: Type.Object({ name: Type.String() }),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Timestamp,
  locale: Type.String({ description: 'The language the invitation speaks.' }),
  message: Type.Union([Type.String(), Type.Null()], { description: "The inviter's personal message." }),
  signInRequired: Type.Boolean({
    description: 'The address has an account with its own password: send it (or a session) to accept.',
  }),
  passwordRequired: Type.Boolean({
    description:
      'Send a password: a new one, or, when `accountMayExist`, the password of the account the address may have.',
  }),
  accountMayExist: Type.Boolean({
    description:
      'The link was not emailed by Tessera (`sendEmail: false`), so this answer does not say whether the address has an ' +
      "account. If it has one, accept with that account's password or a session; the account is never changed through this link.",
  }),
});

export const AcceptResponse = Type.Object({
  session: Type.Object({ token: Type.String(), expiresAt: Timestamp, user: Type.Ref('User') }),
  organization: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  role: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
  redirectUrl: Type.Union([Type.String(), Type.Null()]),
});
