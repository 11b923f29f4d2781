import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const { uuid, timestamp } = columnTypes(dialect);
  const identity = (column: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey().autoIncrement();

  await db.schema
    .createTable('users')
    .addColumn('numeric_id', 'integer', identity)
    .addColumn('id', uuid, (col) => col.notNull().unique())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('email_canonical', 'text', (col) => col.notNull().unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('email_verified_at', timestamp)
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('organizations')
    .addColumn('numeric_id', 'integer', identity)
    .addColumn('id', uuid, (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('main_user_id', uuid, (col) => col.references('users.id'))
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('organization_id', uuid, (col) => col.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_canonical', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('permissions', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('builtin', 'text')
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addUniqueConstraint('roles_organization_name_unique', ['organization_id', 'name_canonical'])
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('organization_id', uuid, (col) => col.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', uuid, (col) => col.notNull().references('roles.id'))
    .addColumn('scope', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('metadata', 'text')
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('INVITED', 'ACTIVE')`))
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addColumn('deleted_at', timestamp)
    .addUniqueConstraint('memberships_organization_user_unique', ['organization_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

  await db.schema
    .createTable('api_clients')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('client_id', 'text', (col) => col.notNull().unique())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('organization_id', uuid, (col) => col.references('organizations.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('revoked_at', timestamp)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('expires_at', timestamp, (col) => col.notNull())
    .addColumn('revoked_at', timestamp)
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('organization_id', uuid, (col) => col.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('email_canonical', 'text', (col) => col.notNull())
    .addColumn('role_id', uuid, (col) => col.notNull().references('roles.id'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED')`),
    )
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('inviter_user_id', uuid, (col) => col.references('users.id').onDelete('set null'))
    .addColumn('inviter_client_id', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('permissions', 'text')
    .addColumn('metadata', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('redirect_url', 'text')
    .addColumn('expires_at', timestamp, (col) => col.notNull())
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addColumn('accepted_at', timestamp)
    .addColumn('accepted_user_id', uuid, (col) => col.references('users.id').onDelete('set null'))
    .addColumn('declined_at', timestamp)
    .addColumn('revoked_at', timestamp)
    .addColumn('last_sent_at', timestamp)
    .addColumn('send_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('link_delivery', 'text', (col) =>
      col.notNull().defaultTo('EMAIL').check(sql`link_delivery in ('EMAIL', 'RESPONSE')`),
    )
    .execute();
  // One PENDING invitation per organization and canonical email, held by the database itself so
  // that concurrent creates cannot both succeed.
  await db.schema
    .createIndex('invitations_one_pending_per_email')
    .on('invitations')
    .columns(['organization_id', 'email_canonical'])
    .unique()
    .where(sql.ref('status'), '=', 'PENDING')
    .execute();
  // Keyset pagination, newest first, with and without the usual filters.
  await db.schema
    .createIndex('invitations_org_created_idx')
    .on('invitations')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('invitations_org_status_created_idx')
    .on('invitations')
    .columns(['organization_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('invitations_org_role_created_idx')
    .on('invitations')
    .columns(['organization_id', 'role_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('invitations_org_email_idx')
    .on('invitations')
    .columns(['organization_id', 'email_canonical'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('organization_id', uuid, (col) => col.references('organizations.id').onDelete('set null'))
    .addColumn('invitation_id', uuid, (col) => col.references('invitations.id').onDelete('set null'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('PENDING', 'SENT', 'DEAD', 'CANCELLED')`))
    .addColumn('secret', 'text')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (col) => col.notNull())
    .addColumn('run_at', timestamp, (col) => col.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', timestamp)
    .addColumn('last_error', 'text')
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addColumn('sent_at', timestamp)
    .execute();
  await db.schema.createIndex('outbox_status_run_at_idx').on('outbox').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();

  await db.schema
    .createTable('app_secrets')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('alg', 'text', (col) => col.notNull())
    .addColumn('private_jwk', 'text', (col) => col.notNull())
    .addColumn('public_jwk', 'text', (col) => col.notNull())
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('retired_at', timestamp)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'signing_keys',
    'app_secrets',
    'idempotency_keys',
    'outbox',
    'invitations',
    'sessions',
    'api_clients',
    'memberships',
    'roles',
    'organizations',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
