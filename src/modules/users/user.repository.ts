import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { insertWithRandomNumericId, randomNumericId } from '../../db/ids.js';
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

/**
 * Inserts a user with a random `numeric_id` (see `randomNumericId`), drawn again on a collision.
 * A taken email still throws its unique violation: callers retry on it. `drawNumericId` is for tests.
 */
export function insertUser(
  db: Executor,
  user: Omit<Insertable<UserTable>, 'numeric_id'>,
  drawNumericId: () => number = randomNumericId,
): Promise<UserRow> {
  return insertWithRandomNumericId(
    (numericId) =>
      db
        .insertInto('users')
        .values({ ...user, numeric_id: numericId })
        .onConflict((oc) => oc.column('numeric_id').doNothing())
        .returningAll()
        .executeTakeFirst(),
    drawNumericId,
  );
}

/** Sets an account's password (and who it reaches), and what the accept or setup proved. */
export function updateUserCredentials(
  db: Executor,
  id: string,
  changes: Pick<UserRow, 'updated_at'> &
    Partial<Pick<UserRow, 'password_hash' | 'password_organization_id' | 'email_verified_at' | 'first_name' | 'last_name'>>,
): Promise<UserRow> {
  return db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Whether the user is an active member of any organization. */
export async function hasActiveMembership(db: Executor, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'ACTIVE')
    .where('deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
