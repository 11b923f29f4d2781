import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { authorizeOrganization, type OrganizationAccess } from '../auth/authorize.js';
import { authenticateToken, bearerToken, unauthenticated } from '../auth/principal.js';
import type { ServiceDeps } from '../deps.js';
import { SingleLine } from '../http/common.schemas.js';
import { sendProblem } from '../http/error-handler.js';
import { AppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import { createInvitation } from '../modules/invitations/invitation.create.js';
import type { MembershipPermissions } from '../modules/memberships/membership.permissions.js';
import { resolveSession } from '../modules/sessions/session.service.js';
import { registerSurface } from './surface-kit.js';

/**
 * `POST /users-organizations/v1/ad/invite` (also under the document's `/main` stage prefix), as
 * documented in users-organizations-ad-invite.v1.txt: with an organization client's bearer token
 * and an Owner's or Administrator's `x-session-token`, creates or finds the user profile, an
 * INVITED membership with the given permissions, and a PENDING invitation with its email.
 * The document shows no error body: errors are problem details.
 */

/** The document's own pattern, with its 250-character limit. */
const EMAIL_PATTERN =
  "^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$";
const MAX_INT = 2_147_483_647;

const InviteBody = Type.Object({
  firstName: SingleLine({ minLength: 1, maxLength: 250, description: 'First name of the profile. Example: "John".' }),
  lastName: SingleLine({ minLength: 1, maxLength: 250, description: 'Last name of the profile. Example: "Doe".' }),
  email: Type.String({
    maxLength: 250,
    pattern: EMAIL_PATTERN,
    description: 'Email of the profile. Example: "test@mail.com".',
  }),
  permissions: Type.Object({
    group: Type.Integer({ minimum: 0, maximum: MAX_INT }),
    read: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: MAX_INT }), { maxItems: 1000 })),
    manage: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: MAX_INT }), { maxItems: 1000 })),
  }),
});

const Created = Type.Object({
  data: Type.Object({
    userId: Type.Integer(),
    organizationId: Type.Integer(),
    scope: Type.Integer(),
    permissions: Type.Object({
      group: Type.Integer(),
      read: Type.Array(Type.Integer()),
      manage: Type.Array(Type.Integer()),
    }),
    deletedAt: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.String(),
    createdAt: Type.String(),
  }),
});

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** The caller's access, established in onRequest (before the body is read) for the handler. */
const accessOf = new WeakMap<FastifyRequest, OrganizationAccess>();

/** Both credentials: the client's bearer token and an admin's session of the same organization. */
async function callerAccess(
  deps: ServiceDeps,
  accessTokens: AccessTokens,
  request: FastifyRequest,
): Promise<OrganizationAccess> {
  const client = await authenticateToken(deps, accessTokens, bearerToken(request.headers.authorization));
  if (client.kind !== 'client' || client.organizationId === null) {
    throw unauthenticated('Authorization must carry an organization API client access token.', true);
  }
  const sessionToken = request.headers['x-session-token'];
  const session = typeof sessionToken === 'string' ? await resolveSession(deps, sessionToken) : undefined;
  if (!session)
    throw unauthenticated('x-session-token must carry a valid session token.', typeof sessionToken === 'string');
  const user = { kind: 'user' as const, ...session };
  try {
    return await authorizeOrganization(deps, user, client.organizationId, 'invitations:manage');
  } catch (error) {
    // The signed-in user is not an admin of the client's organization: forbidden, whatever the reason.
    if (error instanceof AppError && error.status === 404) {
      throw new AppError('FORBIDDEN', "The session's user is not an Owner or Administrator of this organization.");
    }
    throw error;
  }
}

export async function usersOrganizationsAdInviteSurface(app: App, { deps, accessTokens }: AppContext): Promise<void> {
  await registerSurface(
    app,
    (request, reply, error) => sendProblem(request, reply, error),
    (scope) => {
      for (const path of ['/users-organizations/v1/ad/invite', '/main/users-organizations/v1/ad/invite']) {
        scope.post(
          path,
          {
            // Credentials first, then the content type, then the body.
            onRequest: async (request) => {
              accessOf.set(request, await callerAccess(deps, accessTokens, request));
              if (!JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) {
                throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be "application/json".');
              }
            },
            schema: {
              tags: ['users-organizations/v1/ad/invite'],
              summary: 'Create invite user organization',
              description:
                'Headers: `Authorization: Bearer <organization client token>`, `x-session-token: <session of an Owner or ' +
                'Administrator of the same organization>`, `content-type: application/json`. Creates or finds the user ' +
                'profile, an INVITED membership with the permissions, and a PENDING invitation whose email is sent.' +
                (path.startsWith('/main') ? " (The document's stage prefix.)" : ''),
              security: [{ bearerAuth: [] }],
              headers: Type.Object({ 'x-session-token': Type.Optional(Type.String()) }),
              body: InviteBody,
              response: {
                201: Created,
                400: Type.Ref('ProblemDetails'),
                401: Type.Ref('ProblemDetails'),
                403: Type.Ref('ProblemDetails'),
                409: Type.Ref('ProblemDetails'),
                415: Type.Ref('ProblemDetails'),
                429: Type.Ref('ProblemDetails'),
              },
            },
          },
          async (request, reply) => {
            const access = accessOf.get(request)!;
            const permissions: MembershipPermissions = {
              group: request.body.permissions.group,
              read: request.body.permissions.read ?? [],
              manage: request.body.permissions.manage ?? [],
            };
            const { invitedMembership } = await createInvitation(
              deps,
              access,
              {
                email: request.body.email,
                firstName: request.body.firstName,
                lastName: request.body.lastName,
                permissions,
              },
              { emailMaxLength: 250, invitedMembership: true },
            );
            const { user, membership } = invitedMembership!;
            return reply.status(201).send({
              data: {
                userId: user.numeric_id,
                organizationId: access.organization.numeric_id,
                scope: membership.scope,
                permissions: JSON.parse(membership.permissions) as MembershipPermissions,
                deletedAt: membership.deleted_at,
                updatedAt: membership.updated_at,
                createdAt: membership.created_at,
              },
            });
          },
        );
      }
    },
  );
}
