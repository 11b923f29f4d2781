import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { WebhookEndpointTable } from './webhook-endpoint.table.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;

/** Whose endpoints: an organization's, or (null) the platform's. */
export type EndpointOwner = string | null;

function owned(db: Executor, owner: EndpointOwner) {
  const select = db.selectFrom('webhook_endpoints').selectAll();
  return owner === null ? select.where('organization_id', 'is', null) : select.where('organization_id', '=', owner);
}

/**
 * How many endpoints the owner has, counted so that two creates at once cannot both pass the limit:
 * on PostgreSQL a transaction lock per owner (SQLite has one writer at a time anyway).
 */
export async function countEndpointsForCreate(trx: Executor, owner: EndpointOwner): Promise<number> {
  if (dialectOf(trx) === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`webhook-endpoints:${owner ?? 'platform'}`}, 0))`.execute(
      trx,
    );
  }
  const row = await owned(trx, owner)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function insertWebhookEndpoint(
  db: Executor,
  row: Insertable<WebhookEndpointTable>,
): Promise<WebhookEndpointRow> {
  return db.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findWebhookEndpoint(
  db: Executor,
  owner: EndpointOwner,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  return owned(db, owner).where('id', '=', id).executeTakeFirst();
}

/** A page of endpoints, newest first, after a (created_at, id) position. */
export function listWebhookEndpoints(
  db: Executor,
  owner: EndpointOwner,
  page: { after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<WebhookEndpointRow[]> {
  let select = owned(db, owner);
  const after = page.after;
  if (after) {
    select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function updateWebhookEndpoint(
  db: Executor,
  owner: EndpointOwner,
  id: string,
  changes: Updateable<WebhookEndpointTable>,
): Promise<WebhookEndpointRow | undefined> {
  let update = db.updateTable('webhook_endpoints').set(changes).where('id', '=', id);
  update = owner === null ? update.where('organization_id', 'is', null) : update.where('organization_id', '=', owner);
  return update.returningAll().executeTakeFirst();
}

export async function deleteWebhookEndpoint(db: Executor, owner: EndpointOwner, id: string): Promise<boolean> {
  let remove = db.deleteFrom('webhook_endpoints').where('id', '=', id);
  remove = owner === null ? remove.where('organization_id', 'is', null) : remove.where('organization_id', '=', owner);
  const result = await remove.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** An endpoint by id alone: for the delivery worker, which acts for whoever owns it. */
export function findEndpointById(db: Executor, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Endpoints by id (the ones a batch of deliveries goes to). */
export function findEndpointsById(db: Executor, ids: readonly string[]): Promise<WebhookEndpointRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('webhook_endpoints').selectAll().where('id', 'in', ids).execute();
}

/**
 * Disables an enabled endpoint; returns it, or undefined when it was disabled already. Guarded, so
 * that of two failed attempts ending at once (two workers, or two slots) only one disables it and
 * writes `webhook_endpoint.disabled`.
 */
export function disableEndpoint(
  db: Executor,
  id: string,
  input: { reason: string; now: string },
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({ enabled: 0, disabled_reason: input.reason, updated_at: input.now })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .returningAll()
    .executeTakeFirst();
}

/** A delivery succeeded: the endpoint is not failing (a statement that changes nothing when it was not). */
export async function clearFailingSince(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', '=', id)
    .where('failing_since', 'is not', null)
    .execute();
}
