import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AppSecretTable } from '../db/support.table.js';

function appSecretByName(db: Executor, name: string) {
  return db.selectFrom('app_secrets').select('value').where('name', '=', name);
}

/** The stored secret of this name, if there is one. */
export function findAppSecret(db: Executor, name: string): Promise<{ value: string } | undefined> {
  return appSecretByName(db, name).executeTakeFirst();
}

/** The stored secret of this name; Kysely's NoResultError when there is none. */
export function getAppSecret(db: Executor, name: string): Promise<{ value: string }> {
  return appSecretByName(db, name).executeTakeFirstOrThrow();
}

/** Stores the secret unless one of that name exists already (then the stored one stays). */
export async function insertAppSecretIfAbsent(db: Executor, secret: Insertable<AppSecretTable>): Promise<void> {
  await db
    .insertInto('app_secrets')
    .values(secret)
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}
