import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf, type AppContext } from '../app-context.js';
import { authorizeOrganization, type OrganizationAccess } from '../auth/authorize.js';
import { assertPasswordPolicy } from '../auth/password-policy.js';
import type { ServiceDeps } from '../deps.js';
import { sendProblem } from '../http/error-handler.js';
import { AppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import { inviteMany } from '../modules/invitations/invitation.create.js';
import { listActiveMemberships } from '../modules/memberships/membership.repository.js';
import { sessionReaches } from '../modules/sessions/session.service.js';
import { firstRefusal, registerSurface } from './surface-kit.js';

/**
 * `POST /api/v1/organization/users/invite`, as documented in organization-users-invite.api-v1.txt:
 * an admin invites up to 100 addresses at once, each optionally with the password its account will
 * have. All or nothing. The document shows no error body: errors are problem details.
 */

const InviteBody = Type.Object({
  emailAddresses: Type.Array(
    Type.Object({
      email: Type.String({ description: 'The email address of the user to invite' }),
      password: Type.Optional(
        Type.String({
          description:
            'The password for the new user, must contain at least one uppercase letter, one lowercase letter, one number, ' +
            'one special character, and be at least 8 characters long',
        }),
      ),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});

const Summary = Type.Object({
  message: Type.String(),
  invited: Type.Integer(),
  invitations: Type.Array(Type.Object({ id: Type.String(), email: Type.String(), expiresAt: Type.String() })),
});

/** This document answers 400 to a duplicate, a pending invite and an existing member. */
const DOCUMENTED_AS_BAD_REQUEST = new Set([
  'INVITATION_ALREADY_PENDING',
  'ALREADY_A_MEMBER',
  'DUPLICATE_EMAIL',
  'UNKNOWN_ROLE',
]);

function renderError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  return sendProblem(request, reply, error, DOCUMENTED_AS_BAD_REQUEST.has(error.code) ? 400 : error.status);
}

/**
 * The organization the caller acts for: an API client's own, or the one a signed-in user manages
 * (named by `x-organization-id` when they manage several). A member who may not invite gets 403.
 */
async function callerAccess(deps: ServiceDeps, request: FastifyRequest): Promise<OrganizationAccess> {
  const principal = principalOf(request);
  if (principal.kind === 'client') {
    if (principal.organizationId === null) {
      throw new AppError('FORBIDDEN', 'A platform client has no organization of its own; use the /v1 API.');
    }
    return authorizeOrganization(deps, principal, principal.organizationId, 'invitations:manage');
  }
  const memberships = (await listActiveMemberships(deps.db, principal.userId)).filter((membership) =>
    sessionReaches(principal, membership.organization_id),
  );
  const named = request.headers['x-organization-id'];
  const candidates = typeof named === 'string' ? memberships.filter((m) => m.organization_id === named) : memberships;
  const managed = candidates.filter((m) => m.permissions.includes('invitations:manage'));
  if (managed.length === 0) throw new AppError('FORBIDDEN', 'Inviting users requires the Owner or Administrator role.');
  if (managed.length > 1) {
    const ids = managed.map((m) => m.organization_id).sort();
    throw new AppError(
      'ORGANIZATION_REQUIRED',
      `You manage several organizations: name one in the x-organization-id header, one of ${ids.join(', ')}.`,
      { fields: [{ field: 'x-organization-id', message: `must be one of ${ids.join(', ')}` }] },
    );
  }
  return authorizeOrganization(deps, principal, managed[0]!.organization_id, 'invitations:manage');
}

export async function organizationUsersInviteSurface(app: App, { deps }: AppContext): Promise<void> {
  await registerSurface(app, renderError, (scope) => {
    scope.post(
      '/api/v1/organization/users/invite',
      {
        onRequest: scope.authenticate,
        schema: {
          tags: ['organization/users/invite'],
          summary: 'Sends invitations to new users via email',
          description:
            'Requires admin role (Owner or Administrator, by session token; or an organization API client). 1 to 100 ' +
            'addresses, all or nothing: a duplicate, a pending invite, an existing member or a password that fails the ' +
            'policy refuses the whole request (400, naming the entry). A given password becomes the password of the account ' +
            'the accept creates (for an address without one), reaching this organization only until the invitee chooses ' +
            'their own; it never applies to an existing account, and is never emailed or returned. A user who manages ' +
            'several organizations names ' +
            'one in `x-organization-id`.',
          security: [{ bearerAuth: [] }],
          headers: Type.Object({
            'x-organization-id': Type.Optional(
              Type.String({
                description:
                  'For a user who is Owner or Administrator of several organizations: the id of the one to invite into. ' +
                  'Without it, such a user is answered 400 with the ids to choose from.',
              }),
            ),
          }),
          body: InviteBody,
          response: {
            200: Summary,
            400: Type.Ref('ProblemDetails'),
            401: Type.Ref('ProblemDetails'),
            403: Type.Ref('ProblemDetails'),
            409: Type.Ref('ProblemDetails'),
            429: Type.Ref('ProblemDetails'),
          },
        },
      },
      async (request) => {
        const access = await callerAccess(deps, request);
        const entries = request.body.emailAddresses;
        entries.forEach((entry, index) => {
          if (entry.password !== undefined) assertPasswordPolicy(entry.password, `emailAddresses[${index}].password`);
        });
        // The service hashes the passwords, last: after every other check and the limits.
        const results = await inviteMany(
          deps,
          access,
          entries.map((entry) => ({ email: entry.email, password: entry.password })),
          {
            atomic: true,
          },
        );
        const refusal = firstRefusal(results);
        if (refusal) {
          const { error, index } = refusal;
          const fields = (error.fields ?? [{ field: 'email', message: error.detail ?? error.title }]).map((f) => ({
            field: `emailAddresses[${index}].${f.field}`,
            message: f.message,
          }));
          throw new AppError(error.code, `emailAddresses[${index}]: ${error.detail ?? error.title}`, { fields });
        }
        const invitations = results.flatMap((result) =>
          result.ok
            ? [{ id: result.invitation.id, email: result.invitation.email, expiresAt: result.invitation.expiresAt }]
            : [],
        );
        return { message: 'Invitations sent successfully', invited: invitations.length, invitations };
      },
    );
  });
}
