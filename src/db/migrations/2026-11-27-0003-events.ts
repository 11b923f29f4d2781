import { type Kysely, sql } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';
import { grantBuiltinPermission } from './grant-builtin-permission.js';

/**
 * Events: every change a host application may need to hear of, written in the transaction that
 * makes it. They are read in (txid, seq) order. On PostgreSQL `txid` is the writing transaction's
 * id (`pg_current_xact_id()`), and readers see only events of transactions older than every one
 * still running, so a transaction that commits late can never slip in behind a reader's position.
 * On SQLite one writer commits at a time, and `txid` is 0.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const { uuid, timestamp } = columnTypes(dialect);
  let table = db.schema.createTable('events');
  table =
    dialect === 'postgres'
      ? table
          .addColumn('seq', 'bigserial', (col) => col.primaryKey())
          .addColumn('txid', sql`xid8`, (col) => col.notNull().defaultTo(sql`pg_current_xact_id()`))
      : table
          .addColumn('seq', 'integer', (col) => col.primaryKey().autoIncrement())
          .addColumn('txid', 'integer', (col) => col.notNull().defaultTo(0));
  await table
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('organization_id', uuid)
    .addColumn('occurred_at', timestamp, (col) => col.notNull())
    .addColumn('actor_type', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('data', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('events_position_idx').on('events').columns(['txid', 'seq']).execute();
  await db.schema
    .createIndex('events_organization_position_idx')
    .on('events')
    .columns(['organization_id', 'txid', 'seq'])
    .execute();
  await db.schema.createIndex('events_occurred_at_idx').on('events').column('occurred_at').execute();

  // Reading events is a permission of its own: the built-in Owner and Administrator roles get it.
  await grantBuiltinPermission(db, 'events:read', ['OWNER', 'ADMINISTRATOR']);

  // The expiry sweep looks for PENDING invitations past their expiry, across organizations.
  await db.schema
    .createIndex('invitations_pending_expiry_idx')
    .on('invitations')
    .column('expires_at')
    .where(sql.ref('status'), '=', 'PENDING')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invitations_pending_expiry_idx').ifExists().execute();
  await db.schema.dropTable('events').ifExists().execute();
}
