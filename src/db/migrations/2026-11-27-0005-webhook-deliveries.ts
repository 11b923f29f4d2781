import { type Kysely, sql } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';

/**
 * Webhook deliveries: one per event and subscribed endpoint, made by the fan-out, which walks the
 * events from its cursor (`webhook_fanout`, one row) in the transaction that records them, so each
 * event reaches each endpoint subscribed when it was walked exactly once. A delivery keeps its body
 * (signed anew on each attempt, byte for byte the same), its lease and its last attempt's outcome.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const { uuid, timestamp } = columnTypes(dialect);
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('endpoint_id', uuid, (col) => col.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('organization_id', uuid)
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('PENDING', 'SUCCEEDED', 'FAILED', 'DEAD')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', timestamp)
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', timestamp)
    .addColumn('last_status_code', 'integer')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_response', 'text')
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addColumn('delivered_at', timestamp)
    .addUniqueConstraint('webhook_deliveries_endpoint_event_unique', ['endpoint_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), 'in', sql`('PENDING', 'FAILED')`)
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint_created_idx')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'created_at', 'id'])
    .execute();

  // Since when every attempt to the endpoint has failed (null after a success): five days disable it.
  await db.schema.alterTable('webhook_endpoints').addColumn('failing_since', timestamp).execute();

  await db.schema
    .createTable('webhook_fanout')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('txid', 'text', (col) => col.notNull())
    .addColumn('seq', 'text', (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .execute();
  // Endpoints receive events from when they exist: the fan-out starts after the newest event now.
  const newest = await db
    .selectFrom('events')
    .select([sql<string>`cast(txid as text)`.as('txid'), sql<string>`cast(seq as text)`.as('seq')])
    .orderBy('txid', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  await db
    .insertInto('webhook_fanout')
    .values({ id: 'events', txid: newest?.txid ?? '0', seq: newest?.seq ?? '0', updated_at: new Date().toISOString() })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_fanout').ifExists().execute();
  await db.schema.dropTable('webhook_deliveries').ifExists().execute();
  await db.schema.alterTable('webhook_endpoints').dropColumn('failing_since').execute();
}
