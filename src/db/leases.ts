import { sql } from 'kysely';
import type { Executor } from './database.js';
import { dialectOf } from './dialect.js';

/**
 * A table of work leased to workers (the outbox's emails, the webhook deliveries): each row has an
 * `id`, a `status`, `attempts`, a lease (`locked_by`, `locked_until`) and a column saying when it
 * is due. The lease statements are the same for every such table, so they are written once here.
 */
export interface LeasedWork {
  table: 'outbox' | 'webhook_deliveries';
  /** When a row may be tried (again). */
  dueColumn: 'run_at' | 'next_attempt_at';
  /** The statuses still to be tried. */
  openStatuses: readonly string[];
}

export interface LeaseClaim {
  workerId: string;
  now: string;
  leaseUntil: string;
  limit: number;
  /** Rows whose `column` holds one of `values` are left alone (an endpoint with its share in flight). */
  skip?: ReadonlyArray<{ column: string; values: readonly string[] }> | undefined;
}

/**
 * Leases up to `limit` due rows to one worker, earliest due first, and counts an attempt on each.
 * PostgreSQL skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one
 * writer at a time, so the statement is atomic anyway. A lease that ran out (its worker died)
 * makes the row claimable again.
 */
export async function claimDue<Row>(db: Executor, work: LeasedWork, claim: LeaseClaim): Promise<Row[]> {
  const table = sql.table(work.table);
  const due = sql.ref(work.dueColumn);
  const skips = (claim.skip ?? [])
    .filter(({ values }) => values.length > 0)
    .map(({ column, values }) => sql`and ${sql.ref(column)} not in (${sql.join(values)})`);
  const skip = skips.length > 0 ? sql.join(skips, sql` `) : sql``;
  const lock = dialectOf(db) === 'postgres' ? sql`for update skip locked` : sql``;
  // Literals, not parameters: SQLite uses a partial index (`where status in ('PENDING', 'FAILED')`)
  // only when it can see the statement's statuses are the index's.
  const open = sql.join(work.openStatuses.map((status) => sql.lit(status)));
  const result = await sql<Row>`
    update ${table}
    set locked_by = ${claim.workerId}, locked_until = ${claim.leaseUntil}, attempts = attempts + 1,
        updated_at = ${claim.now}
    where id in (
      select id from ${table}
      where status in (${open}) and ${due} <= ${claim.now}
        and (locked_until is null or locked_until <= ${claim.now}) ${skip}
      order by ${due}
      limit ${claim.limit}
      ${lock}
    )
    returning *`.execute(db);
  return result.rows;
}

/** Extends every lease this worker holds, while a long batch is still being sent. */
export async function renewLeases(
  db: Executor,
  work: LeasedWork,
  input: { workerId: string; leaseUntil: string; now: string },
): Promise<void> {
  await sql`
    update ${sql.table(work.table)} set locked_until = ${input.leaseUntil}, updated_at = ${input.now}
    where locked_by = ${input.workerId} and status in (${sql.join(work.openStatuses)})`.execute(db);
}

/** Gives back rows claimed but not tried (the worker is stopping, or took more than it may send), uncounted. */
export async function releaseLeases(
  db: Executor,
  work: LeasedWork,
  input: { workerId: string; ids: readonly string[]; now: string },
): Promise<void> {
  if (input.ids.length === 0) return;
  await sql`
    update ${sql.table(work.table)}
    set locked_by = null, locked_until = null, attempts = attempts - 1, updated_at = ${input.now}
    where id in (${sql.join(input.ids)}) and locked_by = ${input.workerId}
      and status in (${sql.join(work.openStatuses)})`.execute(db);
}
