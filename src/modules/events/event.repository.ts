import { type Insertable, type Selectable, sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { EventTable } from './event.table.js';

export type EventRow = Selectable<EventTable>;

/** A reader's place in the walk: after the event at (txid, seq). */
export interface EventPosition {
  txid: string;
  seq: string;
}

/** SQLite allows 32,766 bound parameters a statement; 500 events of 7 columns stay well inside. */
const INSERT_CHUNK = 500;

export async function insertEvents(db: Executor, rows: Insertable<EventTable>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db
      .insertInto('events')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .execute();
  }
}

export interface EventPageQuery {
  /** Undefined: every organization's (the platform's view). */
  organizationId?: string | undefined;
  after?: EventPosition | undefined;
  types?: readonly string[] | undefined;
  limit: number;
}

/**
 * The oldest transaction still running, of the statement's snapshot, that may be writing events:
 * `pg_snapshot_xmin`, but leaving out the transactions known to run in another database of the
 * server (its sessions, its prepared transactions), which would otherwise hold this walk back as
 * long as they stay open. A transaction that cannot be placed (it ended meanwhile, or its session
 * is not visible to Tessera's role) is kept: it may be one of Tessera's own. (`order by … limit 1`,
 * not `min`: PostgreSQL has `min(xid8)` only from 15 on.)
 */
const WALK_HORIZON = sql`coalesce(
  (select x from pg_snapshot_xip(pg_current_snapshot()) as x
    where not exists (select 1 from pg_stat_activity a where a.backend_xid = xid(x) and a.datname <> current_database())
      and not exists (select 1 from pg_prepared_xacts p where p.transaction = xid(x) and p.database <> current_database())
    order by x limit 1),
  pg_snapshot_xmax(pg_current_snapshot()))`;

/**
 * Events after a position, oldest first. On PostgreSQL only events of transactions older than
 * every transaction still running (WALK_HORIZON) are returned: a transaction that commits late would otherwise
 * appear behind a position a reader has already passed, and be missed. Such events wait for the
 * next read instead.
 */
export function listEventsAfter(db: Executor, query: EventPageQuery): Promise<EventRow[]> {
  const postgres = dialectOf(db) === 'postgres';
  let select = db.selectFrom('events').selectAll();
  if (query.organizationId !== undefined) select = select.where('organization_id', '=', query.organizationId);
  if (query.types?.length) select = select.where('type', 'in', query.types);
  const after = query.after;
  if (after) {
    select = postgres
      ? select.where(sql<boolean>`(txid, seq) > (${after.txid}::xid8, ${after.seq}::bigint)`)
      : // SQLite narrows its (txid, seq) index by the first column only of a row comparison, and
        // txid is always 0 there: written out, the comparison seeks to `seq` at once.
        select.where(
          sql<boolean>`(txid > ${Number(after.txid)} or (txid = ${Number(after.txid)} and seq > ${Number(after.seq)}))`,
        );
  }
  if (postgres) select = select.where(sql<boolean>`txid < ${WALK_HORIZON}`);
  return select.orderBy('txid').orderBy('seq').limit(query.limit).execute();
}

export function findEventPosition(
  db: Executor,
  id: string,
  organizationId: string | undefined,
): Promise<EventRow | undefined> {
  let select = db.selectFrom('events').selectAll().where('id', '=', id);
  if (organizationId !== undefined) select = select.where('organization_id', '=', organizationId);
  return select.executeTakeFirst();
}

/** Deletes up to `limit` events that occurred before `cutoff`; returns how many it deleted. */
export async function deleteEventsBefore(db: Executor, cutoff: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('seq', 'in', (eb) =>
      eb.selectFrom('events').select('seq').where('occurred_at', '<', cutoff).orderBy('seq').limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
