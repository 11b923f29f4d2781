import { principalOf, type AppContext } from '../../app-context.js';
import { authorizeOrganization, requirePlatformClient } from '../../auth/authorize.js';
import { passwordPolicyProblem } from '../../auth/password-policy.js';
import { NATIVE_SECURITY, OrganizationParams, problemResponses } from '../../http/common.schemas.js';
import { AppError } from '../../http/errors.js';
import type { App } from '../../http/fastify-types.js';
import { actorOf } from '../events/event.service.js';
import {
  CreatedOrganizationResponse,
  CreateOrganizationBody,
  AssignOwnerBody,
  OrganizationResponse,
  UpdateOrganizationBody,
} from './organization.schemas.js';
import {
  assignOwner,
  createOrganization,
  getOrganization,
  type OwnerInput,
  updateOrganizationSettings,
} from './organization.service.js';

function checkOwnerPassword(owner: OwnerInput | undefined, field: string): void {
  const problem = owner?.password === undefined ? undefined : passwordPolicyProblem(owner.password);
  if (problem)
    throw new AppError('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, message: problem }] });
}

export function organizationRoutes(app: App, { deps }: AppContext): void {
  app.post(
    '/v1/organizations',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Organizations'],
        summary: 'Create an organization (platform client)',
        description: 'Creates the organization with its built-in roles and, when given, its owner (the MAIN user).',
        security: NATIVE_SECURITY,
        body: CreateOrganizationBody,
        response: { 201: CreatedOrganizationResponse, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      requirePlatformClient(principalOf(request));
      checkOwnerPassword(request.body.owner, 'owner.password');
      const created = await createOrganization(deps, { ...request.body, actor: actorOf(principalOf(request)) });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/organizations/:orgId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Organizations'],
        summary: 'Get an organization',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        response: { 200: OrganizationResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'organization:read');
      return getOrganization(deps, request.params.orgId);
    },
  );

  app.patch(
    '/v1/organizations/:orgId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Organizations'],
        summary: "Change an organization's name, brand, default locale or time zone",
        description:
          'Fields absent stay as they are; in `branding`, each field given replaces the stored one and null clears it. ' +
          "The brand shows in invitation emails and on the invitee's page; the sender's display name becomes " +
          '`branding.displayName` (else the name). Invitations already queued keep the look they were made with.',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        body: UpdateOrganizationBody,
        response: { 200: OrganizationResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await authorizeOrganization(deps, principal, request.params.orgId, 'organization:manage');
      return updateOrganizationSettings(deps, request.params.orgId, request.body, actorOf(principal));
    },
  );

  app.put(
    '/v1/organizations/:orgId/owner',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Organizations'],
        summary: 'Assign or change the owner (MAIN user)',
        description:
          'The user with this email becomes an active Owner and the MAIN user. A platform client may name anyone ' +
          '(an unknown address gets an account); an organization client or a signed-in Owner names an active member ' +
          '(anyone else: 400). A previous owner stays a member with the role they had.',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        body: AssignOwnerBody,
        response: { 200: OrganizationResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await authorizeOrganization(deps, principal, request.params.orgId, 'organization:manage');
      const platform = principal.kind === 'client' && principal.organizationId === null;
      return assignOwner(deps, request.params.orgId, request.body, {
        membersOnly: !platform,
        actor: actorOf(principal),
      });
    },
  );
}
