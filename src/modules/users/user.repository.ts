import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { UserTable } from './user.table.js';

export type UserRow = Selectable<UserTable>;

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Read for the inviter named in each invitation email: built once. */
const userNameById = preparedQuery(['id'], (db, args: { id: string }) =>
  db.selectFrom('users').select(['id', 'email', 'first_name', 'last_name']).where('id', '=', args.id),
);

/** What an email or a page needs to name a user (and nothing more: not the password hash). */
export async function findUserNameById(
  db: Executor,
  id: string,
): Promise<Pick<UserRow, 'id' | 'email' | 'first_name' | 'last_name'> | undefined> {
  return (await userNameById(db, { id }))[0];
}

export function findUserByCanonicalEmail(db: Executor, canonical: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_canonical', '=', canonical).executeTakeFirst();
}

export async function insertUser(db: Executor, user: Insertable<UserTable>): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}
