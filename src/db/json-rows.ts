import { sql, type RawBuilder } from 'kysely';
import type { Database } from './database.js';

/**
 * Many rows of `table` for one PostgreSQL insert (`insertInto(table).columns(columns)
 * .expression(jsonRows(…))`): sent as a single JSON parameter that the server reads back as rows
 * of the table's own type (`json_populate_recordset`), so every value keeps its column's type.
 *
 * Why not a multi-row VALUES: it binds one parameter per value, 25,000 for 1,000 invitations, in
 * chunks under PostgreSQL's 65,535 parameters, and the server parses and plans each such statement
 * anew. A bulk of 1,000 invitations spent about 160 ms in its four inserts that way; see
 * bench/results-pg.md for what it spends now.
 *
 * `rows` must be whole rows: a column a row leaves out is NULL here, not the column's default.
 */
export function jsonRows<T extends keyof Database & string>(
  table: T,
  columns: ReadonlyArray<keyof Database[T] & string>,
  rows: ReadonlyArray<object>,
): RawBuilder<unknown> {
  return sql`select ${sql.join(columns.map((column) => sql.ref(column)))} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)})`;
}
