import { principalOf, type AppContext } from '../../app-context.js';
import { authorizeOrganization } from '../../auth/authorize.js';
import { authenticateToken, bearerToken } from '../../auth/principal.js';
import { NATIVE_SECURITY, OrganizationParams, problemResponses } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import { idempotent } from '../../http/idempotency.js';
import {
  AcceptBody,
  AcceptResponse,
  BulkInvitationBody,
  BulkInvitationResponse,
  CreatedInvitationResponse,
  CreateInvitationBody,
  InvitationListResponse,
  InvitationParams,
  InvitationResponse,
  ListInvitationsQuery,
  LookupResponse,
  ResendBody,
  TokenBody,
} from './invitation.schemas.js';
import { actorOf } from '../events/event.service.js';
import { acceptInvitation } from './invitation.accept.js';
import { declineInvitation, lookupInvitation } from './invitation.invitee.js';
import { createInvitation, inviteMany } from './invitation.create.js';
import { getInvitation, listInvitations, resendInvitation, revokeInvitation } from './invitation.manage.js';

const IDEMPOTENCY_HEADER = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      description: 'Retry-safe writes: the same key and body get the same response.',
    },
  },
} as const;

export function invitationRoutes(app: App, context: AppContext): void {
  const { deps } = context;
  // The invitee's routes take a link token as the credential: attempts are limited per client address.
  const limitAttempts = deps.limits.attempts.hook('accept');

  app.post(
    '/v1/organizations/:orgId/invitations',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'Invite someone into the organization',
        description:
          'Creates a PENDING invitation and queues its email. `roleId` or `roleName` (default Member). ' +
          'An address with a pending invitation, or of an active member, is refused (409).',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        headers: IDEMPOTENCY_HEADER,
        body: CreateInvitationBody,
        response: { 201: CreatedInvitationResponse, ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const access = await authorizeOrganization(deps, principal, request.params.orgId, 'invitations:manage');
      const { inviterUserId, ...invitation } = request.body;
      return idempotent(deps, request, reply, `invite:${access.organization.id}`, principal, async () => {
        const created = await createInvitation(deps, access, invitation, { inviterUserId });
        return { status: 201, body: { ...created.invitation, acceptUrl: created.acceptUrl } };
      });
    },
  );

  app.post(
    '/v1/organizations/:orgId/invitations/bulk',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'Invite up to 1,000 people in one request',
        description:
          'Each item stands alone: the response has one result per item, in order, with the status it ' +
          'would have had as a single request. Items that succeed are written even if others fail. Past a limit ' +
          '(invitations per hour, pending invitations), the first items that fit are created and the others answer ' +
          '429 or 409; when none fits, the whole request does.',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        headers: IDEMPOTENCY_HEADER,
        body: BulkInvitationBody,
        response: { 200: BulkInvitationResponse, ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const access = await authorizeOrganization(deps, principal, request.params.orgId, 'invitations:manage');
      return idempotent(deps, request, reply, `invite-bulk:${access.organization.id}`, principal, async () => {
        const results = await inviteMany(deps, access, request.body.invitations, {
          atomic: false,
          inviterUserId: request.body.inviterUserId,
        });
        const created = results.filter((result) => result.ok).length;
        return {
          status: 200,
          body: {
            summary: { requested: results.length, created, failed: results.length - created },
            results: results.map((result, index) =>
              result.ok
                ? { index, status: 201, invitation: result.invitation, acceptUrl: result.acceptUrl }
                : {
                    index,
                    status: result.error.status,
                    error: {
                      code: result.error.code,
                      title: result.error.title,
                      detail: result.error.detail,
                      errors: result.error.fields,
                    },
                  },
            ),
          },
        };
      });
    },
  );

  app.get(
    '/v1/organizations/:orgId/invitations',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'List invitations',
        description:
          'Newest first by default. Filters: `status` (EXPIRED is derived from `expiresAt`), `roleId`, `email`. ' +
          'Keyset pagination: pass `nextCursor` back as `cursor`; walking every page returns each invitation once.',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        querystring: ListInvitationsQuery,
        response: { 200: InvitationListResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'invitations:read');
      return listInvitations(deps, access.organization.id, request.query);
    },
  );

  app.get(
    '/v1/organizations/:orgId/invitations/:invitationId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'Get an invitation',
        security: NATIVE_SECURITY,
        params: InvitationParams,
        response: { 200: InvitationResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'invitations:read');
      return getInvitation(deps, access.organization.id, request.params.invitationId);
    },
  );

  app.post(
    '/v1/organizations/:orgId/invitations/:invitationId/revoke',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'Revoke a pending invitation',
        description: 'Its link stops working at once. A non-PENDING invitation answers 409.',
        security: NATIVE_SECURITY,
        params: InvitationParams,
        response: { 200: InvitationResponse, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(
        deps,
        principalOf(request),
        request.params.orgId,
        'invitations:manage',
      );
      return revokeInvitation(deps, access.organization.id, request.params.invitationId, actorOf(access.principal));
    },
  );

  app.post(
    '/v1/organizations/:orgId/invitations/:invitationId/resend',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Invitations'],
        summary: 'Send a pending invitation again',
        description:
          'Emails a new link (the previous one stops working); `expiresInDays` sets a new expiry from now. ' +
          'A non-PENDING invitation answers 409.',
        security: NATIVE_SECURITY,
        params: InvitationParams,
        body: ResendBody,
        response: { 200: InvitationResponse, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(
        deps,
        principalOf(request),
        request.params.orgId,
        'invitations:manage',
      );
      return resendInvitation(
        deps,
        access.organization.id,
        request.params.invitationId,
        actorOf(access.principal),
        request.body ?? {},
      );
    },
  );

  app.post(
    '/v1/invitations/lookup',
    {
      onRequest: limitAttempts,
      schema: {
        tags: ['Invitee'],
        summary: 'What an invitation link is for',
        description:
          'The token from the link is the credential. Unknown, expired, revoked and used links all answer 404.',
        body: TokenBody,
        response: { 200: LookupResponse, ...problemResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return lookupInvitation(deps, request.body.token);
    },
  );

  app.post(
    '/v1/invitations/accept',
    {
      onRequest: limitAttempts,
      schema: {
        tags: ['Invitee'],
        summary: 'Accept an invitation',
        description:
          'Creates the account if needed (with `password`, or the preset password), or signs in to the existing ' +
          'one (its `password`, or a session as Bearer, which must be the invited address), activates the membership ' +
          'and returns a session. Through a link Tessera emailed, an account without a password of its own ' +
          '(none, or one an inviter chose) takes the `password` chosen now, and its other sessions end. Through a ' +
          'link the inviter received (`sendEmail: false`), an existing account is never changed: only its own ' +
          'password signs in. A password an inviter chose reaches only the inviting organization.',
        body: AcceptBody,
        response: { 200: AcceptResponse, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      const principal = token ? await authenticateToken(deps, context.accessTokens, token) : undefined;
      const result = await acceptInvitation(deps, {
        ...request.body,
        session: principal?.kind === 'user' ? principal : undefined,
      });
      return reply.header('cache-control', 'no-store').send(result);
    },
  );

  app.post(
    '/v1/invitations/decline',
    {
      onRequest: limitAttempts,
      schema: {
        tags: ['Invitee'],
        summary: 'Decline an invitation',
        body: TokenBody,
        response: { 204: { type: 'null' }, ...problemResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      await declineInvitation(deps, request.body.token);
      return reply.status(204).send(null);
    },
  );
}
