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

export function insertClient(db: Executor, client: Insertable<ApiClientTable>): Promise<ApiClientRow> {
  return db.insertInto('api_clients').values(client).returningAll().executeTakeFirstOrThrow();
}
