import { FAILING_DAYS_TO_DISABLE, RETRY_SCHEDULE_SECONDS } from '../webhooks/webhook.delivery.js';
import { RESPONSE_KEEP_LIMIT, RESPONSE_READ_LIMIT, WEBHOOK_TIMEOUT_MS } from '../webhooks/webhook.sender.js';
import { EventResponse } from './event.schemas.js';
import { EVENT_TYPES, type EventType } from './event.types.js';

/**
 * The `webhooks` of the OpenAPI document (OpenAPI 3.1): one `post` per event type and one for
 * `webhook_endpoint.test`, each with the Standard Webhooks envelope Tessera sends (webhook.delivery.ts
 * `fanOutEvents`): `{ type, timestamp, data }`, `data` being the event as the events API lists it,
 * whose own `data` is the resource that each type's emitter writes (see `recordChanges` calls).
 * Shared schemas are referenced by their names under components.schemas, not copied.
 */

type JsonSchema = Record<string, unknown>;

const component = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

interface Documented {
  summary: string;
  description: string;
  /** The event's `data`. */
  data: JsonSchema;
}

const INVITATION = component('Invitation');
const MEMBER = component('Member');
const ORGANIZATION = component('Organization');
const RESERVED: Documented = {
  summary: 'Reserved (not sent by this version)',
  description: 'A declared event type that no part of this version of Tessera writes yet.',
  data: { type: 'object', additionalProperties: true },
};

/** Every event type: when it is written, and its data. A Record, so a new type cannot go undocumented. */
const DOCUMENTED: Record<EventType, Documented> = {
  'invitation.created': {
    summary: 'An invitation was created',
    description:
      'Through /v1 (one, or each of a bulk) or any documented invite surface. Actor: the client or user that ' +
      'created it.',
    data: INVITATION,
  },
  'invitation.resent': {
    summary: 'An invitation was sent again',
    description: 'With a new link (sendCount counts the sends). Actor: the client or user.',
    data: INVITATION,
  },
  'invitation.revoked': {
    summary: 'An invitation was revoked',
    description:
      'By the revoke route, or because its address was made the owner of the organization. Actor: the caller.',
    data: INVITATION,
  },
  'invitation.accepted': {
    summary: 'An invitation was accepted',
    description:
      "The invitee accepted (actor: invitee, with the user's id). Data: the invitation, its `userId` and the " +
      '`membership` it made ACTIVE; a membership.created (membership.updated when the invitation had made the ' +
      'member INVITED) with the same member follows.',
    data: {
      allOf: [
        INVITATION,
        {
          type: 'object',
          required: ['userId', 'membership'],
          properties: { userId: { type: 'string', format: 'uuid' }, membership: MEMBER },
        },
      ],
    },
  },
  'invitation.declined': {
    summary: 'An invitation was declined',
    description: 'The invitee declined through their link (actor: invitee, without an id).',
    data: INVITATION,
  },
  'invitation.expired': {
    summary: 'An invitation expired',
    description:
      'Once per invitation, within a minute of its expiresAt (a worker sweep), or sooner when a new invitation to ' +
      'the same address comes between the two. Actor: system; occurredAt (and the envelope timestamp) is its ' +
      'expiresAt.',
    data: INVITATION,
  },
  'membership.created': {
    summary: 'Someone became a member',
    description:
      'An invitation was accepted, an organization was created with an owner, an owner was assigned who was not ' +
      'a member, or an invitation through POST /users-organizations/v1/ad/invite made the member INVITED. ' +
      'Data: the member as the members API shows it.',
    data: MEMBER,
  },
  'membership.updated': {
    summary: 'A member was changed',
    description:
      "Role, scope, permissions or metadata changed, the member became the organization's owner, or an INVITED " +
      'member accepted their invitation (now ACTIVE).',
    data: MEMBER,
  },
  'membership.deleted': {
    summary: 'A membership ended',
    description:
      'A member was removed, or an INVITED member went with their invitation (revoked or declined). Data: the ' +
      'member as it was just before.',
    data: MEMBER,
  },
  'organization.created': {
    summary: 'An organization was created',
    description: 'By a platform client, the CLI or the demo data; with its owner, if one was named.',
    data: ORGANIZATION,
  },
  'organization.updated': {
    summary: 'An organization was changed',
    description: 'A new owner was assigned (data.owner is the new owner).',
    data: ORGANIZATION,
  },
  'invite_link.created': RESERVED,
  'invite_link.revoked': RESERVED,
  'join_request.created': RESERVED,
  'webhook_endpoint.disabled': {
    summary: 'Tessera disabled a webhook endpoint',
    description:
      `It answered 410, or every attempt to it failed for ${FAILING_DAYS_TO_DISABLE} days (disabledReason says ` +
      'which). Actor: system. Sent to the other endpoints subscribed to it, not to the disabled one.',
    data: component('WebhookEndpoint'),
  },
};

/** The event, as the events API lists it, narrowed to one type and its data. */
function eventOf(type: EventType, data: JsonSchema): JsonSchema {
  return {
    allOf: [
      component('Event'),
      { type: 'object', required: ['type', 'data'], properties: { type: { const: type }, data } },
    ],
  };
}

/** The test event is made for the test delivery alone: not one of the events, but shaped like one. */
const TEST_EVENT: JsonSchema = {
  type: 'object',
  required: EventResponse.required,
  properties: {
    ...EventResponse.properties,
    type: { const: 'webhook_endpoint.test' },
    data: {
      type: 'object',
      required: ['endpointId'],
      properties: { endpointId: { type: 'string', format: 'uuid' } },
      additionalProperties: false,
    },
  },
};

function envelope(type: string, event: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { const: type },
      timestamp: { type: 'string', format: 'date-time', description: "The event's occurredAt." },
      data: { ...event, description: 'The event, as the events API lists it.' },
    },
    additionalProperties: false,
  };
}

const HEADERS = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: "The event's id: the same on every attempt. Delivery is at least once: ignore an id seen before.",
    schema: { type: 'string', pattern: '^evt_[0-9a-f]{32}$' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When this attempt was signed, in Unix seconds.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      '`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded ' +
      'secret after `whsec_` (Standard Webhooks 1.0). Two, space-separated, for 24 hours after a secret rotation.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$' },
  },
];

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  return `${seconds / 3600} h`;
}

const TIMEOUT_SECONDS = WEBHOOK_TIMEOUT_MS / 1000;

const RESPONSES = {
  '2XX': {
    description:
      `Acknowledged: any 2xx within ${TIMEOUT_SECONDS} s. The delivery is SUCCEEDED. The body is read up to ` +
      `${RESPONSE_READ_LIMIT / 1024} KiB and kept up to ${RESPONSE_KEEP_LIMIT / 1024} KiB.`,
  },
  '410': {
    description:
      'Gone: Tessera disables the endpoint at once, ends its pending deliveries and writes webhook_endpoint.disabled.',
  },
  default: {
    description:
      `Anything else (another status, a redirect, which is not followed, no answer within ${TIMEOUT_SECONDS} s, a ` +
      `failed connection) is tried again after ${RETRY_SCHEDULE_SECONDS.map(duration).join(', ')} (each within a ` +
      'tenth either way), then the delivery is DEAD. A Retry-After on a 429 or 503 is honoured when it asks for ' +
      `longer. An endpoint to which every attempt has failed for ${FAILING_DAYS_TO_DISABLE} days is disabled.`,
  },
};

interface Operation {
  summary: string;
  description: string;
  /** The envelope's `data`: the event. */
  event: JsonSchema;
}

function operation(type: string, { summary, description, event }: Operation): JsonSchema {
  return {
    post: {
      operationId: `webhook:${type}`,
      tags: ['Webhooks'],
      summary,
      description,
      parameters: HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema: envelope(type, event) } } },
      responses: RESPONSES,
    },
  };
}

/** The `webhooks` object of the OpenAPI document, keyed by event type: every type, then the test event. */
export function eventWebhooks(): Record<string, JsonSchema> {
  const webhooks: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    const { data, ...documented } = DOCUMENTED[type];
    webhooks[type] = operation(type, { ...documented, event: eventOf(type, data) });
  }
  webhooks['webhook_endpoint.test'] = operation('webhook_endpoint.test', {
    summary: 'A test delivery',
    description:
      'Sent by POST …/webhook-endpoints/{endpointId}/test to that endpoint alone, signed and retried like any ' +
      'other. It is not written to the events. Actor: system.',
    event: TEST_EVENT,
  });
  return webhooks;
}
