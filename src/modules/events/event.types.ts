import type { ActorType } from './event.table.js';

/** Every type of event Tessera writes (SPEC: Events and webhooks). */
export const EVENT_TYPES = [
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'invitation.declined',
  'invitation.expired',
  'membership.created',
  'membership.updated',
  'membership.deleted',
  'organization.created',
  'organization.updated',
  'invite_link.created',
  'invite_link.revoked',
  'join_request.created',
  'webhook_endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Who made the change: a signed-in user, an API client, the invitee through their link, or Tessera itself. */
export interface Actor {
  type: ActorType;
  id?: string | undefined;
}

/** An event as the events API and webhooks show it. */
export interface TesseraEvent {
  id: string;
  type: EventType;
  organizationId: string | null;
  occurredAt: string;
  actor: Actor;
  /** The resource as the API shows it after the change: never a link token, a password hash or a secret. */
  data: Record<string, unknown>;
}

/** What a service says about a change it makes; the events module gives it its id and shape. */
export interface Change {
  type: EventType;
  organizationId: string | null;
  actor: Actor;
  occurredAt: string;
  data: object;
}
