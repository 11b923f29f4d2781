import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { PasswordSetupTable } from './password-setup.table.js';

export type PasswordSetupRow = Selectable<PasswordSetupTable>;

export async function insertPasswordSetup(db: Executor, row: Insertable<PasswordSetupTable>): Promise<void> {
  await db.insertInto('password_setups').values(row).execute();
}

/** An unused, unexpired setup link, with the address it was sent to. */
export function findOpenPasswordSetup(db: Executor, tokenHash: string, now: string) {
  return db
    .selectFrom('password_setups')
    .innerJoin('users', 'users.id', 'password_setups.user_id')
    .select(['password_setups.id', 'password_setups.user_id', 'password_setups.token_hash', 'users.email'])
    .where('password_setups.token_hash', '=', tokenHash)
    .where('password_setups.used_at', 'is', null)
    .where('password_setups.expires_at', '>', now)
    .executeTakeFirst();
}

/** Whether the setup with this id is still open (the worker asks before it sends the email). */
export async function openPasswordSetupIds(db: Executor, ids: string[], now: string): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('password_setups')
    .select(['id', 'token_hash'])
    .where('id', 'in', ids)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  return new Map(rows.map((row) => [row.id, row.token_hash]));
}

/** Uses the link: one guarded statement, so of concurrent uses exactly one succeeds. */
export function usePasswordSetup(db: Executor, id: string, now: string): Promise<{ user_id: string } | undefined> {
  return db
    .updateTable('password_setups')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
}

/** A password set ends every other open link of the account. */
export async function closePasswordSetups(db: Executor, userId: string, now: string): Promise<void> {
  await db
    .updateTable('password_setups')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** How many setup links were made for the account since `since`. */
export async function countPasswordSetupsSince(db: Executor, userId: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('password_setups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
