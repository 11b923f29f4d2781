import { sql, type Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';

/**
 * Accounts are global and organizations do not trust each other: a password the mailbox owner did
 * not choose is provisional and reaches one organization, sessions opened with it reach only that
 * organization, names an inviter gives live on the membership, and a mailbox owner can set a
 * password through a link Tessera emails.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { uuid, timestamp } = columnTypes(dialectOf(db));

  // Null: the mailbox owner chose the password (or the operator or a platform client set it).
  // Set: an inviter of that organization did (a preset password, or one set through a link the
  // inviter held), and the password reaches that organization only.
  await db.schema.alterTable('users').addColumn('password_organization_id', uuid).execute();
  // A session opened with a provisional password reaches only that organization.
  await db.schema.alterTable('sessions').addColumn('organization_id', uuid).execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  // The names the organization knows the member by: from its invitation, or as typed on accepting it.
  await db.schema.alterTable('memberships').addColumn('first_name', 'text').execute();
  await db.schema.alterTable('memberships').addColumn('last_name', 'text').execute();
  // The address as this organization entered it: another organization's spelling is not its to see.
  await db.schema.alterTable('memberships').addColumn('email', 'text').execute();

  // What existed before: the names each organization showed, now its own copy.
  await sql`update memberships set first_name = (select u.first_name from users u where u.id = memberships.user_id),
    last_name = (select u.last_name from users u where u.id = memberships.user_id),
    email = (select u.email from users u where u.id = memberships.user_id)`.execute(db);
  // A password on an address nobody proved was set by an inviter: provisional, for the organization
  // whose invitation made the account (an operator's or platform's owner password has no such invitation).
  await sql`update users set password_organization_id = (
      select i.organization_id from invitations i where i.accepted_user_id = users.id order by i.accepted_at limit 1)
    where password_hash is not null and email_verified_at is null`.execute(db);
  await sql`update sessions set organization_id = (select u.password_organization_id from users u where u.id = sessions.user_id)`.execute(
    db,
  );

  await db.schema
    .createTable('password_setups')
    .addColumn('id', uuid, (col) => col.primaryKey())
    .addColumn('user_id', uuid, (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('expires_at', timestamp, (col) => col.notNull())
    .addColumn('used_at', timestamp)
    .execute();
  await db.schema.createIndex('password_setups_user_idx').on('password_setups').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('password_setups').ifExists().execute();
  await db.schema.alterTable('memberships').dropColumn('email').execute();
  await db.schema.alterTable('memberships').dropColumn('last_name').execute();
  await db.schema.alterTable('memberships').dropColumn('first_name').execute();
  await db.schema.dropIndex('sessions_user_idx').ifExists().execute();
  await db.schema.alterTable('sessions').dropColumn('organization_id').execute();
  await db.schema.alterTable('users').dropColumn('password_organization_id').execute();
}
