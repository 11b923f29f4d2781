import { Type } from '@sinclair/typebox';
import { Uuid } from '../../http/common.schemas.js';
import { EVENT_TYPES } from './event.types.js';

export const EventTypeField = Type.Unsafe<(typeof EVENT_TYPES)[number]>(Type.String({ enum: [...EVENT_TYPES] }));

export const EventResponse = Type.Object(
  {
    id: Type.String({ description: 'evt_…; also the webhook-id of its deliveries.' }),
    type: EventTypeField,
    organizationId: Type.Union([Uuid, Type.Null()]),
    occurredAt: Type.String({ format: 'date-time' }),
    actor: Type.Object({
      type: Type.Union([Type.Literal('user'), Type.Literal('client'), Type.Literal('invitee'), Type.Literal('system')]),
      id: Type.Optional(Type.String()),
    }),
    data: Type.Object(
      {},
      {
        additionalProperties: true,
        description: 'The resource as the API shows it after the change (webhooks in the OpenAPI document list each).',
      },
    ),
  },
  { $id: 'Event' },
);

const eventQueryFields = {
  after: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Read on after this: a nextAfter from an earlier page, or an event id. Absent: from the oldest kept.',
    }),
  ),
  types: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: `^(${EVENT_TYPES.map((type) => type.replace('.', '\\.')).join('|')})(,(${EVENT_TYPES.map((type) => type.replace('.', '\\.')).join('|')}))*$`,
      description: 'Comma-separated event types; absent: every type.',
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
};

export const OrganizationEventsQuery = Type.Object(eventQueryFields, { additionalProperties: false });

export const PlatformEventsQuery = Type.Object(
  { ...eventQueryFields, organizationId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

export const EventListResponse = Type.Object({
  data: Type.Array(Type.Ref('Event')),
  nextAfter: Type.String({ description: 'Always present: poll from it for what comes next.' }),
});
