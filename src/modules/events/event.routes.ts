import { type AppContext, principalOf } from '../../app-context.js';
import { authorizeOrganization, requirePlatformClient } from '../../auth/authorize.js';
import { NATIVE_SECURITY, OrganizationParams, problemResponses } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import { EventListResponse, OrganizationEventsQuery, PlatformEventsQuery } from './event.schemas.js';
import { listEvents } from './event.service.js';
import type { EventType } from './event.types.js';

const WALK =
  'Oldest first. Pass `nextAfter` back as `after` to read on: it is always present, so a consumer polls from it, ' +
  'and walking it returns every event once, in order, including events of transactions that committed late.';

function typesOf(types: string | undefined): EventType[] | undefined {
  return types === undefined ? undefined : (types.split(',') as EventType[]);
}

export function eventRoutes(app: App, { deps }: AppContext): void {
  app.get(
    '/v1/organizations/:orgId/events',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Events'],
        summary: "The organization's events",
        description: WALK,
        security: NATIVE_SECURITY,
        params: OrganizationParams,
        querystring: OrganizationEventsQuery,
        response: { 200: EventListResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const access = await authorizeOrganization(deps, principalOf(request), request.params.orgId, 'events:read');
      const { after, types, limit } = request.query;
      return listEvents(deps, { organizationId: access.organization.id, after, types: typesOf(types), limit });
    },
  );

  app.get(
    '/v1/events',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Events'],
        summary: "Every organization's events (platform clients)",
        description: `${WALK} \`organizationId\` narrows it to one organization.`,
        security: NATIVE_SECURITY,
        querystring: PlatformEventsQuery,
        response: { 200: EventListResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requirePlatformClient(principalOf(request));
      const { after, types, limit, organizationId } = request.query;
      return listEvents(deps, { organizationId, after, types: typesOf(types), limit });
    },
  );
}
