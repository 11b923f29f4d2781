import type { Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';
import { grantBuiltinPermission } from './grant-builtin-permission.js';

/**
 * Webhook endpoints: where an organization (or, with no organization, the platform) wants its
 * events delivered. The signing secret is sealed (it must be read to sign); after a rotation the
 * previous one keeps signing beside it until `previous_secret_until`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { uuid, timestamp } = columnTypes(dialectOf(db));
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('organization_id', uuid, (col) => col.references('organizations.id').onDelete('cascade'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('event_types', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', timestamp)
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_organization_idx')
    .on('webhook_endpoints')
    .columns(['organization_id', 'created_at'])
    .execute();

  // Managing webhooks is a permission of its own: the built-in Owner and Administrator roles get it.
  await grantBuiltinPermission(db, 'webhooks:manage', ['OWNER', 'ADMINISTRATOR']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_endpoints').ifExists().execute();
}
