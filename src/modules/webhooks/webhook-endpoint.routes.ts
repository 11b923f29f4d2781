import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { type AppContext, principalOf } from '../../app-context.js';
import { authorizeOrganization, requirePlatformClient } from '../../auth/authorize.js';
import { NATIVE_SECURITY, OrganizationParams, problemResponses } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import {
  ChangeWebhookEndpointBody,
  CreateWebhookEndpointBody,
  OrganizationDeliveryParams,
  OrganizationEndpointParams,
  PlatformDeliveryParams,
  PlatformEndpointParams,
  WebhookDeliveryList,
  WebhookDeliveryListQuery,
  WebhookEndpointList,
  WebhookEndpointListQuery,
  WebhookEndpointWithSecret,
} from './webhook-endpoint.schemas.js';
import { listDeliveries, retryWebhookDelivery, sendTestDelivery } from './webhook-delivery.service.js';
import {
  changeWebhookEndpoint,
  createWebhookEndpoint,
  getWebhookEndpoint,
  listEndpoints,
  removeWebhookEndpoint,
  rotateWebhookSecret,
} from './webhook-endpoint.service.js';

/**
 * The same routes twice: under an organization (its endpoints, `webhooks:manage`) and at the top
 * for platform clients (endpoints that receive every organization's events).
 */
export function webhookEndpointRoutes(app: App, { deps }: AppContext): void {
  const scopes = [
    {
      base: '/v1/organizations/:orgId/webhook-endpoints',
      params: OrganizationParams,
      itemParams: OrganizationEndpointParams,
      deliveryParams: OrganizationDeliveryParams,
      who: 'the organization',
      owner: async (request: FastifyRequest) => {
        const { orgId } = request.params as { orgId: string };
        const access = await authorizeOrganization(deps, principalOf(request), orgId, 'webhooks:manage');
        return access.organization.id as string | null;
      },
    },
    {
      base: '/v1/webhook-endpoints',
      params: Type.Object({}),
      itemParams: PlatformEndpointParams,
      deliveryParams: PlatformDeliveryParams,
      who: 'the platform (every organization)',
      owner: async (request: FastifyRequest) => {
        requirePlatformClient(principalOf(request));
        return null;
      },
    },
  ];

  for (const { base, params, itemParams, deliveryParams, who, owner } of scopes) {
    const item = `${base}/:endpointId`;
    const endpointId = (request: FastifyRequest) => (request.params as { endpointId: string }).endpointId;
    const common = { tags: ['Webhooks'], security: NATIVE_SECURITY };

    app.post(
      base,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: `Create a webhook endpoint of ${who}`,
          description: 'The response is the only one that shows the signing secret.',
          params,
          body: CreateWebhookEndpointBody,
          response: { 201: WebhookEndpointWithSecret, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const created = await createWebhookEndpoint(deps, await owner(request), request.body);
        return reply.status(201).send(created);
      },
    );

    app.get(
      base,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: `List the webhook endpoints of ${who}`,
          params,
          querystring: WebhookEndpointListQuery,
          response: { 200: WebhookEndpointList, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => listEndpoints(deps, await owner(request), request.query),
    );

    app.get(
      item,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'A webhook endpoint',
          params: itemParams,
          response: { 200: Type.Ref('WebhookEndpoint'), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => getWebhookEndpoint(deps, await owner(request), endpointId(request)),
    );

    app.patch(
      item,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'Change a webhook endpoint',
          description: 'Enabling an endpoint Tessera disabled clears the reason; deliveries resume with new events.',
          params: itemParams,
          body: ChangeWebhookEndpointBody,
          response: { 200: Type.Ref('WebhookEndpoint'), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => changeWebhookEndpoint(deps, await owner(request), endpointId(request), request.body),
    );

    app.delete(
      item,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'Delete a webhook endpoint',
          params: itemParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await removeWebhookEndpoint(deps, await owner(request), endpointId(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${item}/rotate-secret`,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'Rotate the signing secret',
          description: 'The new secret is shown once; the old one keeps signing beside it for 24 hours.',
          params: itemParams,
          response: { 200: WebhookEndpointWithSecret, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => rotateWebhookSecret(deps, await owner(request), endpointId(request)),
    );

    app.post(
      `${item}/test`,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'Send a test delivery',
          description:
            'A `webhook_endpoint.test` event, signed and retried like any other, sent to this endpoint alone. ' +
            'The answer is the delivery, queued; read it back to see how the endpoint answered.',
          params: itemParams,
          response: { 202: Type.Ref('WebhookDelivery'), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await sendTestDelivery(deps, await owner(request), endpointId(request))),
    );

    app.get(
      `${item}/deliveries`,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: "The endpoint's deliveries, newest first",
          params: itemParams,
          querystring: WebhookDeliveryListQuery,
          response: { 200: WebhookDeliveryList, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => listDeliveries(deps, await owner(request), endpointId(request), request.query),
    );

    app.post(
      `${item}/deliveries/:deliveryId/retry`,
      {
        onRequest: app.authenticate,
        schema: {
          ...common,
          summary: 'Send a delivery again now',
          description: 'Any delivery, a DEAD one included: the same body and webhook-id, signed anew.',
          params: deliveryParams,
          response: { 202: Type.Ref('WebhookDelivery'), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { deliveryId } = request.params as { deliveryId: string };
        const retried = await retryWebhookDelivery(deps, await owner(request), endpointId(request), deliveryId);
        return reply.status(202).send(retried);
      },
    );
  }
}
