import { sql, type Kysely } from 'kysely';
import { randomNumericId } from '../ids.js';

/**
 * Users and organizations made before this migration have sequential `numeric_id`s, which the
 * users-organizations surface shows to every organization: they tell how many accounts and
 * organizations exist, and a small user number that an address had an account before it was
 * invited. Each existing row gets a random number, as new rows now do (`randomNumericId`).
 *
 * Nothing references `numeric_id` (foreign keys use the UUID `id`), so the rows change in place.
 * Each row is updated on its own with a number that is not in use, checked in the same statement:
 * a unique violation would abort the migration's transaction on PostgreSQL. On SQLite migrations
 * run without a transaction; a run stopped halfway leaves some rows renumbered, and the next run
 * renumbers them all again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['users', 'organizations'] as const) {
    const rows = await db.selectFrom(table).select('id').execute();
    for (const { id } of rows) {
      for (;;) {
        const numericId = randomNumericId();
        const { numUpdatedRows } = await db
          .updateTable(table)
          .set({ numeric_id: numericId })
          .where('id', '=', id)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom(`${table} as taken`).select(sql.lit(1).as('one')).where('taken.numeric_id', '=', numericId),
              ),
            ),
          )
          .executeTakeFirst();
        if (numUpdatedRows > 0n) break;
        // The number was taken, or the row is gone (deleted while this ran): draw again only for a row that exists.
        if (!(await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst())) break;
      }
    }
  }
}

/** The sequential numbers are not kept, so there is nothing to go back to: the random ones stay. */
export async function down(_db: Kysely<any>): Promise<void> {}
