import { Webhook } from 'standardwebhooks';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { listEventsAfter } from '../events/event.repository.js';
import { recordChanges, SYSTEM_ACTOR, toEvent } from '../events/event.service.js';
import {
  endPendingDeliveries,
  insertDeliveries,
  listEnabledEndpoints,
  lockFanoutCursor,
  moveFanoutCursor,
  recordAttempt,
  type WebhookDeliveryRow,
} from './webhook-delivery.repository.js';
import type { WebhookDeliveryTable } from './webhook-delivery.table.js';
import {
  clearFailingSince,
  disableEndpoint,
  findEndpointById,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from './webhook-endpoint.repository.js';
import { signingSecrets, toEndpoint } from './webhook-endpoint.service.js';
import type { WebhookResponse } from './webhook.sender.js';

/** After the first attempt fails, the next ones wait this long (SPEC: Delivery); then the delivery is DEAD. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
/** An endpoint whose every attempt has failed this long is disabled. */
export const FAILING_DAYS_TO_DISABLE = 5;

interface Subscriber {
  endpoint: WebhookEndpointRow;
  types: ReadonlySet<string>;
}

/** The enabled endpoints by whose events they hear: an organization's, or (null) every one's. */
function subscribersByOrganization(endpoints: readonly WebhookEndpointRow[]): Map<string | null, Subscriber[]> {
  const by = new Map<string | null, Subscriber[]>();
  for (const endpoint of endpoints) {
    const subscriber = { endpoint, types: new Set(JSON.parse(endpoint.event_types) as string[]) };
    const list = by.get(endpoint.organization_id);
    if (list) list.push(subscriber);
    else by.set(endpoint.organization_id, [subscriber]);
  }
  return by;
}

/** The endpoints that receive an event: of its organization (and the platform's), subscribed to its type, and existing when it occurred. */
function subscribersOf(
  by: Map<string | null, Subscriber[]>,
  event: { type: string; organization_id: string | null; occurred_at: string },
): WebhookEndpointRow[] {
  const candidates = [
    ...(event.organization_id === null ? [] : (by.get(event.organization_id) ?? [])),
    ...(by.get(null) ?? []),
  ];
  return candidates
    .filter(
      ({ endpoint, types }) => event.occurred_at >= endpoint.created_at && (types.has('*') || types.has(event.type)),
    )
    .map(({ endpoint }) => endpoint);
}

/** A delivery not tried yet, due now: of an event to an endpoint, with the body every attempt sends. */
export function newDelivery(input: {
  endpointId: string;
  organizationId: string | null;
  event: { id: string; type: string };
  body: string;
  now: string;
}): WebhookDeliveryTable {
  return {
    id: newId(),
    endpoint_id: input.endpointId,
    organization_id: input.organizationId,
    event_id: input.event.id,
    event_type: input.event.type,
    body: input.body,
    status: 'PENDING',
    attempts: 0,
    next_attempt_at: input.now,
    locked_by: null,
    locked_until: null,
    last_status_code: null,
    last_duration_ms: null,
    last_error: null,
    last_response: null,
    created_at: input.now,
    updated_at: input.now,
    delivered_at: null,
  };
}

/**
 * Turns events into deliveries: walks the events after the fan-out's cursor (the same walk as the
 * events API, so a late commit is never skipped), records one delivery per subscribed endpoint,
 * and moves the cursor, all in one transaction. Returns how many events it walked: 0 once it has
 * caught up (a walk past events nobody subscribed to goes on at once, not at the next poll).
 */
export async function fanOutEvents(deps: ServiceDeps, batch = 500): Promise<number> {
  return deps.transact(async (trx) => {
    const cursor = await lockFanoutCursor(trx);
    if (!cursor) return 0;
    const events = await listEventsAfter(trx, { after: cursor, limit: batch });
    const last = events[events.length - 1];
    if (!last) return 0;
    const subscribers = subscribersByOrganization(await listEnabledEndpoints(trx));
    const now = deps.clock.now().toISOString();
    const deliveries: WebhookDeliveryTable[] = [];
    for (const row of events) {
      const to = subscribersOf(subscribers, row);
      if (to.length === 0) continue;
      const event = toEvent(row);
      const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
      for (const endpoint of to) {
        deliveries.push(
          newDelivery({ endpointId: endpoint.id, organizationId: row.organization_id, event: row, body, now }),
        );
      }
    }
    await insertDeliveries(trx, deliveries);
    await moveFanoutCursor(trx, { txid: String(last.txid), seq: String(last.seq) }, now);
    return events.length;
  });
}

/** The request of one attempt, Standard Webhooks 1.0: signed by every live secret of the endpoint. */
export function signedRequest(
  deps: ServiceDeps,
  endpoint: WebhookEndpointRow,
  delivery: WebhookDeliveryRow,
): { url: string; headers: Record<string, string>; body: string } {
  const at = deps.clock.now();
  const signatures = signingSecrets(deps, endpoint).map((secret) =>
    new Webhook(secret).sign(delivery.event_id, at, delivery.body),
  );
  return {
    url: endpoint.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    },
    body: delivery.body,
  };
}

function withJitter(seconds: number, random: () => number): number {
  // Up to a tenth either way, so that deliveries that failed together do not come back together.
  return Math.round(seconds * 1000 * (0.9 + random() * 0.2));
}

/**
 * Records an attempt: SUCCEEDED on a 2xx; a 410 disables the endpoint at once; otherwise the next
 * attempt is scheduled (a `Retry-After` on 429 or 503 is honoured when it asks for longer), or the
 * delivery is DEAD after the last one. An endpoint failing for five days is disabled.
 */
export async function recordOutcome(
  deps: ServiceDeps,
  workerId: string,
  delivery: WebhookDeliveryRow,
  response: WebhookResponse,
  random: () => number = Math.random,
): Promise<'succeeded' | 'failed' | 'dead' | 'disabled'> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const seen = {
    last_status_code: response.status,
    last_duration_ms: Math.round(response.durationMs),
    last_response: response.body || null,
    last_error: response.error ?? null,
    updated_at: nowIso,
  };
  const succeeded = response.status !== null && response.status >= 200 && response.status < 300;
  if (succeeded) {
    return deps.transact(async (trx) => {
      await recordAttempt(trx, workerId, delivery.id, {
        ...seen,
        status: 'SUCCEEDED',
        next_attempt_at: null,
        delivered_at: nowIso,
      });
      await clearFailingSince(trx, delivery.endpoint_id);
      return 'succeeded' as const;
    });
  }
  // A failure decides on the endpoint as it is now (how long it has been failing, still enabled).
  return deps.transact(async (trx) => {
    const endpoint = await findEndpointById(trx, delivery.endpoint_id);
    const failingSince = endpoint?.failing_since ?? nowIso;
    const failedTooLong = now.getTime() - Date.parse(failingSince) >= FAILING_DAYS_TO_DISABLE * 86_400_000;
    const disable =
      response.status === 410
        ? 'the endpoint answered 410 Gone'
        : failedTooLong
          ? `every attempt failed for ${FAILING_DAYS_TO_DISABLE} days`
          : undefined;
    const delay = RETRY_SCHEDULE_SECONDS[delivery.attempts - 1];
    if (disable || delay === undefined) {
      await recordAttempt(trx, workerId, delivery.id, { ...seen, status: 'DEAD', next_attempt_at: null });
    } else {
      const waitMs = Math.max(withJitter(delay, random), (response.retryAfterSeconds ?? 0) * 1000);
      const next = new Date(now.getTime() + waitMs).toISOString();
      await recordAttempt(trx, workerId, delivery.id, { ...seen, status: 'FAILED', next_attempt_at: next });
    }
    const outcome = disable || delay === undefined ? 'dead' : 'failed';
    if (!endpoint) return outcome;
    if (!disable) {
      if (!endpoint.failing_since)
        await updateWebhookEndpoint(trx, endpoint.organization_id, endpoint.id, { failing_since: nowIso });
      return outcome;
    }
    const disabled = await disableEndpoint(trx, endpoint.id, { reason: disable, now: nowIso });
    if (disabled) {
      await endPendingDeliveries(trx, endpoint.id, `not sent: ${disable}`, nowIso);
      await recordChanges(trx, [
        {
          type: 'webhook_endpoint.disabled',
          organizationId: endpoint.organization_id,
          actor: SYSTEM_ACTOR,
          occurredAt: nowIso,
          data: toEndpoint(disabled),
        },
      ]);
    }
    return 'disabled';
  });
}
