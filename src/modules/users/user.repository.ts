import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { insertWithRandomNumericId, randomNumericId } from '../../db/ids.js';
import type { UserTable } from './user.table.js';

export type UserRow = Selectable<UserTable>;

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByCanonicalEmail(db: Executor, canonical: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_canonical', '=', canonical).executeTakeFirst();
}

/**
 * The user, locked until the transaction ends, for a change decided on what it read: on PostgreSQL
 * `FOR UPDATE`; SQLite runs one write transaction at a time already.
 */
export function lockUser(
  trx: Executor,
  where: { canonicalEmail: string } | { id: string },
): Promise<UserRow | undefined> {
  let query = trx.selectFrom('users').selectAll();
  query = 'id' in where ? query.where('id', '=', where.id) : query.where('email_canonical', '=', where.canonicalEmail);
  return (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
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
    Partial<
      Pick<
        UserRow,
        'email' | 'password_hash' | 'password_organization_id' | 'email_verified_at' | 'first_name' | 'last_name'
      >
    >,
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
