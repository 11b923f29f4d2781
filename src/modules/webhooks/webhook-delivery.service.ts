import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, keysetPage } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import { deleteInBatches, retentionCutoff } from '../events/event.service.js';
import {
  countPendingTests,
  deleteFinishedDeliveriesBefore,
  findDelivery,
  insertDeliveries,
  listEndpointDeliveries,
  retryDelivery,
  type WebhookDeliveryRow,
} from './webhook-delivery.repository.js';
import type { DeliveryStatus } from './webhook-delivery.table.js';
import { type EndpointOwner, findWebhookEndpoint } from './webhook-endpoint.repository.js';
import { newDelivery } from './webhook.delivery.js';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastResponseStatus: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastResponseStatus: row.last_status_code,
    lastDurationMs: row.last_duration_ms,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

/** The endpoint, when the caller owns it: another organization's is not found, like one that does not exist. */
async function ownedEndpoint(deps: ServiceDeps, owner: EndpointOwner, endpointId: string) {
  const endpoint = await findWebhookEndpoint(deps.db, owner, endpointId);
  if (!endpoint) throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return endpoint;
}

export async function listDeliveries(
  deps: ServiceDeps,
  owner: EndpointOwner,
  endpointId: string,
  input: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined },
): Promise<{ data: WebhookDelivery[]; nextCursor?: string | undefined }> {
  await ownedEndpoint(deps, owner, endpointId);
  const binding = {
    organizationId: owner ?? 'platform',
    filters: ['webhook-deliveries', endpointId, input.status ?? null],
  };
  const after = input.cursor === undefined ? undefined : decodeCursor(deps.secrets, binding, input.cursor);
  const rows = await listEndpointDeliveries(deps.db, endpointId, {
    status: input.status,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = keysetPage(deps.secrets, binding, rows, input.limit);
  return { data: page.map(toDelivery), nextCursor };
}

/** Sends a delivery again now (a DEAD one included), with the same body and webhook-id. */
export async function retryWebhookDelivery(
  deps: ServiceDeps,
  owner: EndpointOwner,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await ownedEndpoint(deps, owner, endpointId);
  const now = deps.clock.now().toISOString();
  const row = await deps.transact((trx) => retryDelivery(trx, endpointId, deliveryId, now));
  if (row) return toDelivery(row);
  if (await findDelivery(deps.db, endpointId, deliveryId)) {
    throw new AppError('WEBHOOK_DELIVERY_IN_FLIGHT', 'Retry it once the attempt ends.');
  }
  throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND');
}

/** Test deliveries of one endpoint still to be tried at once: a test is a check, not a load. */
export const MAX_PENDING_TESTS = 5;

/**
 * A test delivery to the endpoint, signed and retried like any other: its event is
 * `webhook_endpoint.test`, made for the test alone (it is not written to the events).
 */
export async function sendTestDelivery(
  deps: ServiceDeps,
  owner: EndpointOwner,
  endpointId: string,
): Promise<WebhookDelivery> {
  const endpoint = await ownedEndpoint(deps, owner, endpointId);
  if (endpoint.enabled !== 1) throw new AppError('WEBHOOK_ENDPOINT_DISABLED', 'Enable the endpoint to test it.');
  const now = deps.clock.now().toISOString();
  const eventId = `evt_${newId().replaceAll('-', '')}`;
  const event = {
    id: eventId,
    type: 'webhook_endpoint.test',
    organizationId: endpoint.organization_id,
    occurredAt: now,
    actor: { type: 'system' },
    data: { endpointId: endpoint.id },
  };
  const body = JSON.stringify({ type: event.type, timestamp: now, data: event });
  const row = newDelivery({ endpointId: endpoint.id, organizationId: endpoint.organization_id, event, body, now });
  await deps.transact(async (trx) => {
    if ((await countPendingTests(trx, endpoint.id)) >= MAX_PENDING_TESTS) {
      throw new AppError(
        'WEBHOOK_TESTS_PENDING',
        `The endpoint has ${MAX_PENDING_TESTS} test deliveries still to be tried: send another once they are delivered.`,
      );
    }
    await insertDeliveries(trx, [row]);
  });
  return toDelivery(row);
}

/** Finished deliveries (delivered or dead) are kept as long as events, then deleted in batches. */
export function sweepOldDeliveries(deps: ServiceDeps, batch = 1000): Promise<number> {
  return deleteInBatches((limit) => deleteFinishedDeliveriesBefore(deps.db, retentionCutoff(deps), limit), batch);
}
