import { type RawBuilder, sql } from 'kysely';
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
  /**
   * Rows whose `column` holds one of `values` are left alone (an endpoint with its share in
   * flight); with `nulls`, so are rows where it is null (the platform's, keyed by no organization).
   */
  skip?: ReadonlyArray<{ column: string; values: readonly string[]; nulls?: boolean }> | undefined;
}

/**
 * Leases up to `limit` due rows to one worker, earliest due first, and counts an attempt on each.
 * PostgreSQL skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one
 * writer at a time, so the statement is atomic anyway. A lease that ran out (its worker died)
 * makes the row claimable again.
 */
export function claimDue<Row>(db: Executor, work: LeasedWork, claim: LeaseClaim): Promise<Row[]> {
  return lease<Row>(
    db,
    work,
    claim,
    sql`${dueAndFree(work, claim)} order by ${sql.ref(work.dueColumn)} limit ${claim.limit}`,
  );
}

/**
 * Leases the rows `which` selects (the rest of a `select id … where`), counting an attempt on each;
 * on PostgreSQL a row another worker is leasing right now is passed over, not waited on.
 */
async function lease<Row>(
  db: Executor,
  work: LeasedWork,
  claim: Pick<LeaseClaim, 'workerId' | 'leaseUntil' | 'now'>,
  which: RawBuilder<unknown>,
): Promise<Row[]> {
  const table = sql.table(work.table);
  const lock = dialectOf(db) === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<Row>`
    update ${table}
    set locked_by = ${claim.workerId}, locked_until = ${claim.leaseUntil}, attempts = attempts + 1,
        updated_at = ${claim.now}
    where id in (select id from ${table} where ${which} ${lock})
    returning *`.execute(db);
  return result.rows;
}

/** Still to be tried, due, not leased (or its lease ran out), and not of a key to skip. */
function dueAndFree(work: LeasedWork, claim: Pick<LeaseClaim, 'now' | 'skip'>) {
  const skips = (claim.skip ?? []).flatMap(({ column, values, nulls }) => {
    const ref = sql.ref(column);
    // `not in` is null, not true, for a null column: such rows are kept unless nulls are skipped.
    if (values.length === 0) return nulls ? [sql`and ${ref} is not null`] : [];
    return [
      nulls
        ? sql`and ${ref} is not null and ${ref} not in (${sql.join(values)})`
        : sql`and (${ref} is null or ${ref} not in (${sql.join(values)}))`,
    ];
  });
  return sql`status in (${openStatuses(work)}) and ${sql.ref(work.dueColumn)} <= ${claim.now}
    and (locked_until is null or locked_until <= ${claim.now}) ${skips.length > 0 ? sql.join(skips, sql` `) : sql``}`;
}

/**
 * Literals, not parameters: SQLite uses a partial index (`where status in ('PENDING', 'FAILED')`)
 * only when it can see the statement's statuses are the index's.
 */
function openStatuses(work: LeasedWork) {
  return sql.join(work.openStatuses.map((status) => sql.lit(status)));
}

/** Extends every lease this worker holds, while a long batch is still being sent. */
export async function renewLeases(
  db: Executor,
  work: LeasedWork,
  input: { workerId: string; leaseUntil: string; now: string },
): Promise<void> {
  await sql`
    update ${sql.table(work.table)} set locked_until = ${input.leaseUntil}, updated_at = ${input.now}
    where locked_by = ${input.workerId} and status in (${openStatuses(work)})`.execute(db);
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
      and status in (${openStatuses(work)})`.execute(db);
}

/**
 * Leases due rows the caller chooses among the earliest `candidates` due ones (a worker keeping
 * per-key shares picks only what it may start, instead of claiming a batch and giving most of it
 * back: on PostgreSQL each of those is a row version written twice). The candidates are read
 * without a lock; the lease is then taken by a guarded statement, so a row another worker leased
 * meanwhile is not returned. `exhausted`: fewer candidates were due than asked for.
 */
export async function claimChosen<Row, Candidate extends { id: string }>(
  db: Executor,
  work: LeasedWork,
  claim: Omit<LeaseClaim, 'limit'> & {
    candidates: number;
    columns: ReadonlyArray<keyof Candidate & string>;
    choose: (candidates: Candidate[]) => string[];
  },
): Promise<{ rows: Row[]; exhausted: boolean }> {
  const table = sql.table(work.table);
  const found = await sql<Candidate>`
    select ${sql.join(claim.columns.map((column) => sql.ref(column)))} from ${table}
    where ${dueAndFree(work, claim)}
    order by ${sql.ref(work.dueColumn)}
    limit ${claim.candidates}`.execute(db);
  const exhausted = found.rows.length < claim.candidates;
  const ids = claim.choose(found.rows);
  if (ids.length === 0) return { rows: [], exhausted };
  // Still due and free when leased: another worker may have tried it meanwhile and scheduled it later.
  const leased = await lease<Row>(
    db,
    work,
    claim,
    sql`id in (${sql.join(ids)}) and ${dueAndFree(work, { now: claim.now })}`,
  );
  return { rows: leased, exhausted };
}
