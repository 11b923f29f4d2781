import { principalOf, type AppContext } from '../../app-context.js';
import { authorizeOrganization } from '../../auth/authorize.js';
import { NATIVE_SECURITY, OrganizationParams, problemResponses } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import { CreateRoleBody, RoleListResponse, RoleResponse } from './role.schemas.js';
import { createRole, listOrganizationRoles } from './role.service.js';

export function roleRoutes(app: App, { deps }: AppContext): void {
  app.get(
    '/v1/organizations/:orgId/roles',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Roles'],
        summary: "List the organization's roles",
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        response: { 200: RoleListResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'roles:read');
      return { data: await listOrganizationRoles(deps, request.params.orgId) };
    },
  );

  app.post(
    '/v1/organizations/:orgId/roles',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Roles'],
        summary: 'Create a role',
        description: 'Role names are unique per organization without regard to case.',
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        body: CreateRoleBody,
        response: { 201: RoleResponse, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'roles:manage');
      return reply.status(201).send(await createRole(deps, access, request.body));
    },
  );
}
