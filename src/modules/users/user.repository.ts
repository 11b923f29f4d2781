import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { UserTable } from './user.table.js';

export type UserRow = Selectable<UserTable>;

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What an email or a page needs to name a user (and nothing more: not the password hash). */
export function findUserNameById(
  db: Executor,
  id: string,
): Promise<Pick<UserRow, 'id' | 'email' | 'first_name' | 'last_name'> | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'first_name', 'last_name']).where('id', '=', id).executeTakeFirst();
}

export function findUserByCanonicalEmail(db: Executor, canonical: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_canonical', '=', canonical).executeTakeFirst();
}

export async function insertUser(db: Executor, user: Insertable<UserTable>): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}
