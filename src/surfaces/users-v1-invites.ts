import { STATUS_CODES } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AppError, type FieldError } from '../http/errors.js';
import { checkEmail, isEmailProblem } from '../modules/users/email.js';
import type { App } from '../http/fastify-types.js';
import { createInvitation } from '../modules/invitations/invitation.create.js';
import { listInvitations } from '../modules/invitations/invitation.manage.js';
import { INVITATION_STATUSES } from '../modules/invitations/invitation.status.js';
import { organizationClientAccess, registerSurface } from './surface-kit.js';

/**
 * `POST /users/v1/invites` and `GET /users/v1/invites`, as documented in
 * create-invite.users-v1.txt and list-invites.users-v1.txt: an organization API client invites
 * into its company, and lists invites with an opaque `nextPageStartKey`. Errors are
 * `{ error, message, code, details? }`; a 500 adds `requestId`.
 */

const V4_UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';

const ErrorBody = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    code: Type.Integer(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'UsersV1Error' },
);

const errorRef = Type.Ref('UsersV1Error');

const CreateInviteBody = Type.Object({
  roleId: Type.String({ description: 'Role ID to assign. Must be a v4 UUID.' }),
  email: Type.String({ description: 'Email the invite is sent to.' }),
});

const ListInvitesQuery = Type.Object({
  status: Type.Optional(
    Type.Unsafe<(typeof INVITATION_STATUSES)[number]>(
      Type.String({ enum: [...INVITATION_STATUSES], description: 'Filter by invite status.' }),
    ),
  ),
  roleId: Type.Optional(Type.String({ description: "Filter by the invite's role ID." })),
  limit: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Maximum invites per page. Min: 1, max: 100. Default: 10.',
  }),
  nextPageStartKey: Type.Optional(Type.String({ description: 'Opaque pagination token from the previous response.' })),
});

const InviteList = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Type.String({ description: 'Invite ID for the user invite flow.' }),
      email: Type.String({ description: 'Invited user email.' }),
      role: Type.Object({ id: Type.String({ description: 'Role ID.' }) }),
      expiresAt: Type.String({ description: 'When the invite expires (ISO 8601).' }),
    }),
  ),
  nextPageStartKey: Type.Optional(Type.String({ description: 'Next page token. If absent, no more pages.' })),
  limit: Type.Integer({ description: 'Items per page.' }),
});

const MESSAGES: Record<number, string> = {
  400: 'The request contains invalid parameters or malformed data',
  401: 'Authentication required. Please provide a valid API token',
  404: 'The requested resource was not found',
  500: 'An unexpected error occurred on the server',
};

/** Field messages in the document's words, where a schema check would say something more technical. */
function documentedDetails(error: AppError): FieldError[] | undefined {
  switch (error.code) {
    case 'INVITATION_ALREADY_PENDING':
      return [{ field: 'email', message: 'An invite for this email is already pending' }];
    case 'ALREADY_A_MEMBER':
      return [{ field: 'email', message: 'This user is already a member of the company' }];
    case 'UNKNOWN_ROLE':
      return [{ field: 'roleId', message: 'Role not found in this company' }];
    case 'INVALID_CURSOR':
      return [{ field: 'nextPageStartKey', message: 'Invalid page key' }];
    case 'MALFORMED_REQUEST':
      return [{ field: 'body', message: error.detail ?? 'Malformed request body' }];
    default:
      return error.fields?.map(({ field, message }) => ({
        field,
        message:
          field === 'email' && message !== 'is required'
            ? 'Invalid email format'
            : field === 'roleId' && message !== 'is required'
              ? 'Must be a v4 UUID'
              : message,
      }));
  }
}

/** Refusals of an invite (a pending invite, a member, an unknown role) are 400s in this document. */
const DOCUMENTED_AS_BAD_REQUEST = new Set([
  'INVITATION_ALREADY_PENDING',
  'ALREADY_A_MEMBER',
  'UNKNOWN_ROLE',
  'DUPLICATE_EMAIL',
]);

function renderError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const status = DOCUMENTED_AS_BAD_REQUEST.has(error.code) ? 400 : Math.min(error.status, 500);
  const details = status === 400 ? documentedDetails(error) : undefined;
  return reply
    .status(status)
    .type('application/json')
    .send({
      error: STATUS_CODES[status] ?? 'Error',
      message: MESSAGES[status] ?? error.detail ?? error.title,
      code: status,
      ...(details?.length ? { details } : {}),
      ...(status === 500 ? { requestId: request.id } : {}),
    });
}

/**
 * Every bad field of a create-invite body at once, as the document's `details` list them (a schema
 * check stops at the first): missing, not a string, not a v4 UUID, not a valid address.
 */
function createInviteProblems(body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return [{ field: 'body', message: 'must be a JSON object' }];
  const { roleId, email } = body as Record<string, unknown>;
  const problems: FieldError[] = [];
  if (roleId === undefined) problems.push({ field: 'roleId', message: 'is required' });
  else if (typeof roleId !== 'string' || !new RegExp(V4_UUID).test(roleId))
    problems.push({ field: 'roleId', message: 'Must be a v4 UUID' });
  if (email === undefined) problems.push({ field: 'email', message: 'is required' });
  else if (typeof email !== 'string' || isEmailProblem(checkEmail(email)))
    problems.push({ field: 'email', message: 'Invalid email format' });
  return problems;
}

function checkV4(field: string, value: string | undefined): void {
  if (value !== undefined && !new RegExp(V4_UUID).test(value)) {
    throw new AppError('VALIDATION_FAILED', `${field} must be a v4 UUID`, {
      fields: [{ field, message: 'Must be a v4 UUID' }],
    });
  }
}

export async function usersV1InvitesSurface(app: App, { deps }: AppContext): Promise<void> {
  app.addSchema(ErrorBody);
  await registerSurface(
    app,
    renderError,
    (scope) => {
      scope.post(
        '/users/v1/invites',
        {
          onRequest: scope.authenticate,
          // Before the schema and before the company's MAIN user is looked for: bad input is a 400
          // that names every bad field, never a 404.
          preValidation: async (request) => {
            const problems = createInviteProblems(request.body);
            if (problems.length > 0) {
              throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
                fields: problems,
              });
            }
          },
          schema: {
            tags: ['users/v1 (create-invite)'],
            summary: 'Create invite',
            description:
              'Sends an invite for a new user to join the company. The message goes to the given email with the selected role. ' +
              '`roleId` must be a v4 UUID for a role in the company; `email` must be valid. You cannot invite an address that ' +
              'already has a pending invite or is already a member. A 400 lists every bad field in `details`, and comes before ' +
              "the company's primary (MAIN) user is looked for (404 when it has none).",
            security: [{ bearerAuth: [] }],
            body: CreateInviteBody,
            response: {
              200: Type.Object({ message: Type.String() }, { description: 'Confirmation message.' }),
              400: errorRef,
              401: errorRef,
              404: errorRef,
              409: errorRef,
              429: errorRef,
              500: errorRef,
            },
          },
        },
        async (request) => {
          const access = await organizationClientAccess(deps, request, 'invitations:manage');
          // Without a primary (MAIN) user there is nobody to send the invite in the company's name.
          if (!access.organization.main_user_id)
            throw new AppError('NOT_FOUND', "Could not find the company's primary (MAIN) user.");
          await createInvitation(deps, access, {
            email: request.body.email,
            roleId: request.body.roleId.toLowerCase(),
          });
          return { message: 'Invite created.' };
        },
      );

      scope.get(
        '/users/v1/invites',
        {
          onRequest: scope.authenticate,
          // `limit=` with nothing after it is no limit given: the default, as when it is absent.
          preValidation: async (request) => {
            const query = request.query as Record<string, unknown>;
            if (query.limit === '') delete query.limit;
          },
          schema: {
            tags: ['users/v1 (list-invites)'],
            summary: 'List invites',
            description:
              'Returns a paginated list of user invites, newest first, with optional filters for status and role. ' +
              'Use nextPageStartKey to paginate; it is absent on the last page.',
            security: [{ bearerAuth: [] }],
            querystring: ListInvitesQuery,
            response: { 200: InviteList, 400: errorRef, 401: errorRef, 404: errorRef, 500: errorRef },
          },
        },
        async (request) => {
          const access = await organizationClientAccess(deps, request, 'invitations:read');
          checkV4('roleId', request.query.roleId);
          const page = await listInvitations(deps, access.organization.id, {
            status: request.query.status,
            roleId: request.query.roleId?.toLowerCase(),
            limit: request.query.limit,
            cursor: request.query.nextPageStartKey,
            cursorField: 'nextPageStartKey',
          });
          return {
            data: page.data.map((invitation) => ({
              id: invitation.id,
              email: invitation.email,
              role: { id: invitation.role.id },
              expiresAt: invitation.expiresAt,
            })),
            ...(page.nextCursor ? { nextPageStartKey: page.nextCursor } : {}),
            limit: request.query.limit,
          };
        },
      );
    },
    '/users/v1/invites',
  );
}
