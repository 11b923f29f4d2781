import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { claimDue, type LeaseClaim, type LeasedWork, releaseLeases, renewLeases } from '../../db/leases.js';
import { jsonRows } from '../../db/json-rows.js';
import { columnsOf, preparedQuery } from '../../db/prepared-query.js';
import type { OutboxStatus, OutboxTable } from './outbox.table.js';

export type OutboxRow = Selectable<OutboxTable>;

const OUTBOX_COLUMNS = columnsOf<OutboxRow>({
  id: true,
  organization_id: true,
  invitation_id: true,
  kind: true,
  payload: true,
  secret: true,
  status: true,
  attempts: true,
  max_attempts: true,
  run_at: true,
  locked_by: true,
  locked_until: true,
  last_error: true,
  created_at: true,
  updated_at: true,
  sent_at: true,
});

/** The one-message insert (every single create) is built once; a bulk's vary in length. */
const insertOneMessage = preparedQuery(OUTBOX_COLUMNS, (db, row: OutboxRow) => db.insertInto('outbox').values(row));

/** Queues messages: whole rows, as the worker will read them. */
export async function insertOutboxMessages(db: Executor, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 1) {
    await insertOneMessage(db, rows[0]!);
    return;
  }
  if (dialectOf(db) === 'postgres') {
    await db
      .insertInto('outbox')
      .columns(OUTBOX_COLUMNS)
      .expression(jsonRows('outbox', OUTBOX_COLUMNS, rows))
      .execute();
    return;
  }
  // SQLite caps bound parameters per statement; 16 columns x 500 rows stays well below it.
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('outbox')
      .values(rows.slice(start, start + 500))
      .execute();
  }
}

const OUTBOX_WORK: LeasedWork = { table: 'outbox', dueColumn: 'run_at', openStatuses: ['PENDING'] };

/** Leases up to `limit` due messages to one worker (see db/leases.ts); claiming counts an attempt. */
export function claimDueMessages(db: Executor, claim: LeaseClaim): Promise<OutboxRow[]> {
  return claimDue<OutboxRow>(db, OUTBOX_WORK, claim);
}

/** Extends every lease this worker holds, while a long batch is still being sent. */
export function renewMessageLeases(db: Executor, input: { workerId: string; leaseUntil: string; now: string }) {
  return renewLeases(db, OUTBOX_WORK, input);
}

/** On shutdown: give back what was claimed but not tried, without counting the attempt. */
export function releaseMessageLeases(db: Executor, input: { workerId: string; ids: readonly string[]; now: string }) {
  return releaseLeases(db, OUTBOX_WORK, input);
}

/**
 * Delivered: done for good, and the sealed secret (the link token) is erased. Returns the rows
 * this worker still held (a worker whose lease ran out records nothing). `note` says why messages
 * recorded as delivered were in fact not sent (suppressed), for the operator; without one, the
 * last failed attempt's error stays.
 */
export function markSent(
  db: Executor,
  workerId: string,
  ids: string[],
  now: string,
  note: string | null = null,
): Promise<Array<{ invitation_id: string | null }>> {
  return db
    .updateTable('outbox')
    .set({
      status: 'SENT',
      sent_at: now,
      updated_at: now,
      secret: null,
      locked_by: null,
      locked_until: null,
      ...(note ? { last_error: note } : {}),
    })
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .returning('invitation_id')
    .execute();
}

export async function markFinished(
  db: Executor,
  workerId: string,
  id: string,
  outcome: { status: Extract<OutboxStatus, 'DEAD' | 'CANCELLED'>; error: string; now: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: outcome.status,
      last_error: outcome.error,
      updated_at: outcome.now,
      locked_by: null,
      locked_until: null,
      ...(outcome.status === 'CANCELLED' ? { secret: null } : {}),
    })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function reschedule(
  db: Executor,
  workerId: string,
  id: string,
  input: { runAt: string; error: string; now: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ run_at: input.runAt, last_error: input.error, updated_at: input.now, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export function listOutbox(
  db: Executor,
  input: { status?: OutboxStatus | undefined; limit: number },
): Promise<OutboxRow[]> {
  let query = db
    .selectFrom('outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit);
  if (input.status) query = query.where('status', '=', input.status);
  return query.execute();
}

/** Dead messages back into the queue, due now, with a fresh set of attempts. */
export async function retryDeadMessages(
  db: Executor,
  input: { ids?: string[] | undefined; now: string },
): Promise<number> {
  if (input.ids?.length === 0) return 0;
  let query = db
    .updateTable('outbox')
    .set({
      status: 'PENDING',
      attempts: 0,
      run_at: input.now,
      updated_at: input.now,
      locked_by: null,
      locked_until: null,
    })
    .where('status', '=', 'DEAD');
  if (input.ids) query = query.where('id', 'in', input.ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
