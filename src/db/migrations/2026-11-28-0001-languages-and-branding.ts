import type { Kysely } from 'kysely';

/**
 * Languages and branding: an invitation carries the locale its email and page speak, and the
 * inviter's personal message; an organization carries its brand (a JSON object), its default
 * locale and the time zone its dates are written in. Invitations made before speak English, as
 * they did.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invitations')
    .addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
    .execute();
  await db.schema.alterTable('invitations').addColumn('message', 'text').execute();
  // JSON `{ displayName, logoUrl, accentColor, supportEmail }`, each optional; null: no brand.
  await db.schema.alterTable('organizations').addColumn('branding', 'text').execute();
  // Null: the service's DEFAULT_LOCALE, and UTC.
  await db.schema.alterTable('organizations').addColumn('default_locale', 'text').execute();
  await db.schema.alterTable('organizations').addColumn('time_zone', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('time_zone').execute();
  await db.schema.alterTable('organizations').dropColumn('default_locale').execute();
  await db.schema.alterTable('organizations').dropColumn('branding').execute();
  await db.schema.alterTable('invitations').dropColumn('message').execute();
  await db.schema.alterTable('invitations').dropColumn('locale').execute();
}
