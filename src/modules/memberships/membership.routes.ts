import { Type } from '@sinclair/typebox';
import { principalOf, type AppContext } from '../../app-context.js';
import { authorizeOrganization } from '../../auth/authorize.js';
import { NATIVE_SECURITY, problemResponses, SingleLine, Uuid } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import { PermissionsBody } from '../invitations/invitation.schemas.js';
import { getMember, listMembers, removeMember, updateMember } from './membership.service.js';

const MemberResponse = Type.Object(
  {
    user: Type.Ref('User'),
    role: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
    status: Type.Union([Type.Literal('INVITED'), Type.Literal('ACTIVE')]),
    scope: Type.Integer({ description: '1 = the whole organization.' }),
    permissions: Type.Ref('MembershipPermissions'),
    metadata: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    isOwner: Type.Boolean({ description: 'The MAIN user.' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Member' },
);

const MemberParams = Type.Object({ orgId: Uuid, userId: Uuid });

const ListMembersQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    status: Type.Optional(Type.Union([Type.Literal('INVITED'), Type.Literal('ACTIVE')])),
  },
  { additionalProperties: false },
);

const UpdateMemberBody = Type.Object(
  {
    roleId: Type.Optional(Uuid),
    roleName: Type.Optional(SingleLine({ minLength: 1, maxLength: 100 })),
    scope: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    permissions: Type.Optional(PermissionsBody),
    metadata: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function membershipRoutes(app: App, { deps }: AppContext): void {
  app.addSchema(MemberResponse);

  app.get(
    '/v1/organizations/:orgId/members',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Members'],
        summary: 'List members',
        description: 'Newest first; pass `nextCursor` back as `cursor`.',
        security: NATIVE_SECURITY,
        params: Type.Object({ orgId: Uuid }),
        querystring: ListMembersQuery,
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('Member')), nextCursor: Type.Optional(Type.String()) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'members:read');
      return listMembers(deps, access.organization.id, request.query);
    },
  );

  app.get(
    '/v1/organizations/:orgId/members/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Members'],
        summary: 'Get a member',
        security: NATIVE_SECURITY,
        params: MemberParams,
        response: { 200: Type.Ref('Member'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'members:read');
      return getMember(deps, access.organization.id, request.params.userId);
    },
  );

  app.patch(
    '/v1/organizations/:orgId/members/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Members'],
        summary: "Change a member's role, scope, permissions or metadata",
        security: NATIVE_SECURITY,
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: Type.Ref('Member'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'members:manage');
      return updateMember(deps, access, request.params.userId, request.body);
    },
  );

  app.delete(
    '/v1/organizations/:orgId/members/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Members'],
        summary: 'Remove a member',
        description: 'The MAIN user cannot be removed (409); assign another owner first.',
        security: NATIVE_SECURITY,
        params: MemberParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'members:manage');
      await removeMember(deps, access, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
