import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { claimChosen, type LeaseClaim, type LeasedWork } from '../../db/leases.js';
import type { EventPosition } from '../events/event.repository.js';
import type { DeliveryStatus, WebhookDeliveryTable } from './webhook-delivery.table.js';
import type { WebhookEndpointRow } from './webhook-endpoint.repository.js';

export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

/** SQLite allows 32,766 bound parameters a statement; 500 deliveries of 18 columns stay inside. */
const INSERT_CHUNK = 500;

/**
 * The fan-out's place in the events walk, locked until the transaction ends. On PostgreSQL a
 * second worker finds it locked and skips its turn (undefined) instead of waiting.
 */
export async function lockFanoutCursor(db: Executor): Promise<EventPosition | undefined> {
  const select = db.selectFrom('webhook_fanout').select(['txid', 'seq']).where('id', '=', 'events');
  const row = await (dialectOf(db) === 'postgres' ? select.forUpdate().skipLocked() : select).executeTakeFirst();
  return row && { txid: row.txid, seq: row.seq };
}

export async function moveFanoutCursor(db: Executor, position: EventPosition, now: string): Promise<void> {
  await db
    .updateTable('webhook_fanout')
    .set({ txid: position.txid, seq: position.seq, updated_at: now })
    .where('id', '=', 'events')
    .execute();
}

/** Every enabled endpoint, of every organization and the platform (a short list). */
export function listEnabledEndpoints(db: Executor): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).execute();
}

/** Records deliveries; one already recorded for its (endpoint, event) is left as it is. */
export async function insertDeliveries(db: Executor, rows: Insertable<WebhookDeliveryTable>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((conflict) => conflict.columns(['endpoint_id', 'event_id']).doNothing())
      .execute();
  }
}

const DELIVERY_WORK: LeasedWork = {
  table: 'webhook_deliveries',
  dueColumn: 'next_attempt_at',
  openStatuses: ['PENDING', 'FAILED'],
};

/** The share key of deliveries of no organization (the platform's own endpoints' tests and events). */
export const PLATFORM_KEY = 'platform';

export type DeliveryCandidate = Pick<WebhookDeliveryRow, 'id' | 'endpoint_id' | 'organization_id'>;

/**
 * Leases the due deliveries `choose` picks among the earliest `candidates` (see db/leases.ts),
 * leaving out the endpoints and the organizations that already have their share in flight (a slow
 * endpoint, or an organization whose endpoints all hang, then holds only its own). Claiming counts
 * an attempt.
 */
export function claimDueDeliveries(
  db: Executor,
  claim: Omit<LeaseClaim, 'skip' | 'limit'> & {
    candidates: number;
    busyEndpoints: readonly string[];
    busyOrganizations: readonly string[];
    choose: (candidates: DeliveryCandidate[]) => string[];
  },
): Promise<{ rows: WebhookDeliveryRow[]; exhausted: boolean }> {
  return claimChosen<WebhookDeliveryRow, DeliveryCandidate>(db, DELIVERY_WORK, {
    ...claim,
    columns: ['id', 'endpoint_id', 'organization_id'],
    skip: [
      { column: 'endpoint_id', values: claim.busyEndpoints },
      {
        column: 'organization_id',
        values: claim.busyOrganizations.filter((key) => key !== PLATFORM_KEY),
        nulls: claim.busyOrganizations.includes(PLATFORM_KEY),
      },
    ],
  });
}

/** Records an attempt's outcome, if this worker still holds the lease. */
export async function recordAttempt(
  db: Executor,
  workerId: string,
  id: string,
  changes: Updateable<WebhookDeliveryTable>,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ ...changes, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** The endpoint's deliveries, newest first, after a (created_at, id) position. */
export function listEndpointDeliveries(
  db: Executor,
  endpointId: string,
  page: { status?: DeliveryStatus | undefined; after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let select = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (page.status) select = select.where('status', '=', page.status);
  const after = page.after;
  if (after) {
    select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Makes a delivery due now again (a retry by hand), unless it is in flight. */
export async function retryDelivery(
  db: Executor,
  endpointId: string,
  id: string,
  now: string,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'PENDING', next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('endpoint_id', '=', endpointId)
    .where((where) => where.or([where('locked_until', 'is', null), where('locked_until', '<=', now)]))
    .returningAll()
    .executeTakeFirst();
}

export function findDelivery(db: Executor, endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
}

/** The endpoint's deliveries still to be tried end when Tessera disables it. */
export async function endPendingDeliveries(
  db: Executor,
  endpointId: string,
  reason: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'DEAD', next_attempt_at: null, last_error: reason, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', 'in', ['PENDING', 'FAILED'])
    .where((where) => where.or([where('locked_until', 'is', null), where('locked_until', '<=', now)]))
    .execute();
}

/** Deletes up to `limit` finished deliveries (delivered or dead) made before `cutoff`; returns how many. */
export async function deleteFinishedDeliveriesBefore(db: Executor, cutoff: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('created_at', '<', cutoff)
        .where('status', 'in', ['SUCCEEDED', 'DEAD'])
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Test deliveries of the endpoint still to be tried, counted so that two test requests at once
 * cannot both pass the cap: on PostgreSQL the endpoint's row is locked for the transaction.
 */
export async function countPendingTests(trx: Executor, endpointId: string): Promise<number> {
  if (dialectOf(trx) === 'postgres') {
    await trx.selectFrom('webhook_endpoints').select('id').where('id', '=', endpointId).forUpdate().execute();
  }
  const row = await trx
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('endpoint_id', '=', endpointId)
    .where('event_type', '=', 'webhook_endpoint.test')
    .where('status', 'in', ['PENDING', 'FAILED'])
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
