import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { IdempotencyKeyTable } from '../db/support.table.js';

export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;

/** Deletes the key if it was created before `expiredBefore`, or is unanswered and was created before `abandonedBefore`. */
export async function deleteStaleIdempotencyKey(
  db: Executor,
  scope: string,
  key: string,
  before: { expiredBefore: string; abandonedBefore: string },
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where((eb) =>
      eb.or([
        eb('created_at', '<', before.expiredBefore),
        eb.and([eb('status_code', 'is', null), eb('created_at', '<', before.abandonedBefore)]),
      ]),
    )
    .execute();
}

/** Inserts the key unless its scope already holds it: whether it was inserted. */
export async function reserveIdempotencyKey(db: Executor, row: Insertable<IdempotencyKeyTable>): Promise<boolean> {
  const reserved = await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((conflict) => conflict.columns(['scope', 'key']).doNothing())
    .executeTakeFirst();
  return Number(reserved.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function findIdempotencyKey(db: Executor, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Stores the response that answers the key. */
export async function storeIdempotentResponse(
  db: Executor,
  scope: string,
  key: string,
  response: { status_code: number; response_body: string },
): Promise<void> {
  await db.updateTable('idempotency_keys').set(response).where('scope', '=', scope).where('key', '=', key).execute();
}

export async function deleteIdempotencyKey(db: Executor, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}
