import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ApiClientTable } from './client.table.js';

export type ApiClientRow = Selectable<ApiClientTable>;

export function findActiveClient(db: Executor, clientId: string): Promise<ApiClientRow | undefined> {
  return db
    .selectFrom('api_clients')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Revokes the client if it is active; returns the row as it now is, or undefined for no such client. */
export async function revokeClientRow(db: Executor, clientId: string, now: string): Promise<ApiClientRow | undefined> {
  await db
    .updateTable('api_clients')
    .set({ revoked_at: now })
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .execute();
  return db.selectFrom('api_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export function insertClient(db: Executor, client: Insertable<ApiClientTable>): Promise<ApiClientRow> {
  return db.insertInto('api_clients').values(client).returningAll().executeTakeFirstOrThrow();
}
