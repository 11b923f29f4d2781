import { STATUS_CODES } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import { inviteMany } from '../modules/invitations/invitation.create.js';
import { listOrganizationRoles } from '../modules/roles/role.service.js';
import { firstRefusal, organizationClientAccess, registerSurface } from './surface-kit.js';

/**
 * `POST /api/v1.0/external/tenant/inviteusers` and `GET /api/v1.0/external/tenant/availableroles`,
 * as documented in tenant-inviteusers.api-v1.0.txt: an organization API client invites users into
 * its tenant by role name, all or nothing. Success is an empty 200; errors are problem details of
 * exactly `{ title, status, detail }`, a 500's detail ending with the trace id.
 */

const InviteUsersRequest = Type.Object({
  users: Type.Array(
    Type.Object({
      email: Type.String({ description: "The user's email address. Must be unique and properly formatted." }),
      roleName: Type.String({ description: 'The name of the role to assign. Must match one of the available roles.' }),
    }),
    { minItems: 1, maxItems: 100, description: 'List of users to be invited to the current tenant.' },
  ),
});

const ProblemBody = Type.Object(
  { title: Type.String(), status: Type.Integer(), detail: Type.String() },
  { $id: 'TenantProblem' },
);

/** Refusals of one user in the list are 400s in this document. */
const DOCUMENTED_AS_BAD_REQUEST = new Set([
  'INVITATION_ALREADY_PENDING',
  'ALREADY_A_MEMBER',
  'DUPLICATE_EMAIL',
  'UNKNOWN_ROLE',
]);

function renderError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const status = DOCUMENTED_AS_BAD_REQUEST.has(error.code) ? 400 : Math.min(error.status, 500);
  const detail =
    status === 500
      ? `A server error occurred while processing your request. Please try again later. Trace ID: ${request.id}`
      : status === 401
        ? // Whatever was wrong with the credentials, say what this endpoint takes.
          'This endpoint takes an organization API client\'s access token: send it as "Authorization: Bearer <token>".'
        : (error.detail ?? error.title);
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ title: STATUS_CODES[status] ?? 'Error', status, detail });
}

/** The document's sentence for each way one user in the list can be refused. */
function refusalDetail(code: string, user: { email: string; roleName: string }, fallback: string): string {
  switch (code) {
    case 'VALIDATION_FAILED':
      return `The email address '${user.email}' is not valid.`;
    case 'UNKNOWN_ROLE':
      return `The role '${user.roleName}' is not available. Choose one from /api/v1.0/external/tenant/availableroles.`;
    case 'DUPLICATE_EMAIL':
      return `The email address '${user.email}' appears more than once. Duplicate emails are not allowed.`;
    case 'INVITATION_ALREADY_PENDING':
      return `The email address '${user.email}' already has a pending invitation.`;
    case 'ALREADY_A_MEMBER':
      return `The user '${user.email}' is already a member of this tenant.`;
    default:
      return fallback;
  }
}

export async function tenantInviteUsersSurface(app: App, { deps }: AppContext): Promise<void> {
  app.addSchema(ProblemBody);
  await registerSurface(
    app,
    renderError,
    (scope) => {
      scope.post(
        '/api/v1.0/external/tenant/inviteusers',
        {
          onRequest: scope.authenticate,
          schema: {
            tags: ['external/tenant (inviteusers)'],
            summary: 'Invite Users',
            description:
              'Invites one or more users to the current tenant by assigning them a role. Each entry must contain a valid ' +
              'email and a role name from /availableroles. Duplicate emails are not allowed. All or nothing: success is an ' +
              'empty 200, and an invitation email will be sent to each invited user.',
            security: [{ bearerAuth: [] }],
            body: InviteUsersRequest,
            response: {
              200: Type.Unsafe<undefined>({ description: 'Response Body Empty' }),
              400: Type.Ref('TenantProblem'),
              401: Type.Ref('TenantProblem'),
              409: Type.Ref('TenantProblem'),
              429: Type.Ref('TenantProblem'),
              500: Type.Ref('TenantProblem'),
            },
          },
        },
        async (request, reply) => {
          const access = await organizationClientAccess(deps, request, 'invitations:manage');
          const { users } = request.body;
          const results = await inviteMany(
            deps,
            access,
            users.map((user) => ({ email: user.email, roleName: user.roleName })),
            { atomic: true },
          );
          const refusal = firstRefusal(results);
          if (refusal) {
            const detail = refusalDetail(
              refusal.error.code,
              users[refusal.index]!,
              refusal.error.detail ?? refusal.error.title,
            );
            throw new AppError(refusal.error.code, detail);
          }
          return reply.status(200).send(undefined);
        },
      );

      scope.get(
        '/api/v1.0/external/tenant/availableroles',
        {
          onRequest: scope.authenticate,
          schema: {
            tags: ['external/tenant (inviteusers)'],
            summary: 'Available roles',
            description: 'The roles users can be invited with: use a `name` as `roleName`.',
            security: [{ bearerAuth: [] }],
            response: {
              200: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
              401: Type.Ref('TenantProblem'),
              500: Type.Ref('TenantProblem'),
            },
          },
        },
        async (request) => {
          const access = await organizationClientAccess(deps, request, 'roles:read');
          const roles = await listOrganizationRoles(deps, access.organization.id);
          return roles.map((role) => ({ name: role.name, description: role.description }));
        },
      );
    },
    '/api/v1.0/external/tenant',
  );
}
