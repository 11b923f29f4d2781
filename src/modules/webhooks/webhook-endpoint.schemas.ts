import { Type } from '@sinclair/typebox';
import { SingleLine, Uuid } from '../../http/common.schemas.js';
import { EVENT_TYPES } from '../events/event.types.js';

const EventTypeOrAll = Type.Unsafe<(typeof EVENT_TYPES)[number] | '*'>(Type.String({ enum: ['*', ...EVENT_TYPES] }));

const fields = {
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'https, reaching public addresses only.' }),
  eventTypes: Type.Array(EventTypeOrAll, {
    minItems: 1,
    maxItems: EVENT_TYPES.length,
    description: 'The event types to deliver, or ["*"] for every type.',
  }),
  description: Type.Optional(Type.Union([SingleLine({ maxLength: 500 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
};

export const CreateWebhookEndpointBody = Type.Object(fields, { additionalProperties: false });

export const ChangeWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(fields.url),
    eventTypes: Type.Optional(fields.eventTypes),
    description: fields.description,
    enabled: fields.enabled,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookEndpointResponse = Type.Object(
  {
    id: Uuid,
    organizationId: Type.Union([Uuid, Type.Null()]),
    url: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    eventTypes: Type.Array(EventTypeOrAll),
    enabled: Type.Boolean(),
    disabledReason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why Tessera disabled it (a 410, or five days of failed deliveries).',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'WebhookEndpoint' },
);

export const WebhookEndpointWithSecret = Type.Intersect([
  Type.Ref('WebhookEndpoint'),
  Type.Object({
    secret: Type.String({
      description: 'whsec_…: shown here and never again. Verify deliveries with it (Standard Webhooks).',
    }),
  }),
]);

export const WebhookEndpointList = Type.Object({
  data: Type.Array(Type.Ref('WebhookEndpoint')),
  nextCursor: Type.Optional(Type.String({ description: 'Absent on the last page.' })),
});

export const WebhookEndpointListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const OrganizationEndpointParams = Type.Object({ orgId: Uuid, endpointId: Uuid });
export const PlatformEndpointParams = Type.Object({ endpointId: Uuid });

export const WebhookDeliveryResponse = Type.Object(
  {
    id: Uuid,
    endpointId: Uuid,
    eventId: Type.String({ description: 'Also the webhook-id header of every attempt.' }),
    eventType: Type.String(),
    status: Type.Union(
      [Type.Literal('PENDING'), Type.Literal('SUCCEEDED'), Type.Literal('FAILED'), Type.Literal('DEAD')],
      {
        description: 'FAILED: the last attempt failed and another is due at nextAttemptAt; DEAD: no more attempts.',
      },
    ),
    attempts: Type.Integer(),
    lastResponseStatus: Type.Union([Type.Integer(), Type.Null()]),
    lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'WebhookDelivery' },
);

export const WebhookDeliveryList = Type.Object({
  data: Type.Array(Type.Ref('WebhookDelivery')),
  nextCursor: Type.Optional(Type.String({ description: 'Absent on the last page.' })),
});

export const WebhookDeliveryListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    status: Type.Optional(
      Type.Union([Type.Literal('PENDING'), Type.Literal('SUCCEEDED'), Type.Literal('FAILED'), Type.Literal('DEAD')]),
    ),
  },
  { additionalProperties: false },
);

export const OrganizationDeliveryParams = Type.Object({ orgId: Uuid, endpointId: Uuid, deliveryId: Uuid });
export const PlatformDeliveryParams = Type.Object({ endpointId: Uuid, deliveryId: Uuid });
