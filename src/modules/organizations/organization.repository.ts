import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { insertWithRandomNumericId, randomNumericId } from '../../db/ids.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { OrganizationTable } from './organization.table.js';

export type OrganizationRow = Selectable<OrganizationTable>;

/** Read by every authorized request: built once. */
const organizationById = preparedQuery(['id'], (db, args: { id: string }) =>
  db.selectFrom('organizations').selectAll().where('id', '=', args.id),
);

export async function findOrganizationById(db: Executor, id: string): Promise<OrganizationRow | undefined> {
  return (await organizationById(db, { id }))[0];
}

/**
 * The organization, locked until the transaction ends, for a change decided on what it read (its
 * brand is merged field by field): on PostgreSQL `FOR UPDATE`; SQLite runs one write at a time.
 */
export function lockOrganization(trx: Executor, id: string): Promise<OrganizationRow | undefined> {
  const query = trx.selectFrom('organizations').selectAll().where('id', '=', id);
  return (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

export async function slugExists(db: Executor, slug: string): Promise<boolean> {
  const row = await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

/**
 * Inserts an organization with a random `numeric_id` (see `randomNumericId`), drawn again on a
 * collision. A taken slug still throws its unique violation. `drawNumericId` is for tests.
 */
export function insertOrganization(
  db: Executor,
  organization: Omit<Insertable<OrganizationTable>, 'numeric_id'>,
  drawNumericId: () => number = randomNumericId,
): Promise<OrganizationRow> {
  return insertWithRandomNumericId(
    (numericId) =>
      db
        .insertInto('organizations')
        .values({ ...organization, numeric_id: numericId })
        .onConflict((oc) => oc.column('numeric_id').doNothing())
        .returningAll()
        .executeTakeFirst(),
    drawNumericId,
  );
}

export function updateOrganization(
  db: Executor,
  id: string,
  changes: Updateable<OrganizationTable>,
): Promise<OrganizationRow | undefined> {
  return db.updateTable('organizations').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function countOrganizations(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
