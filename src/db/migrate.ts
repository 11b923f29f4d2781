import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { dialectOf } from './dialect.js';
import { migrations } from './migrations/index.js';

/** Applies every pending migration, in name order; a failure throws and leaves the rest unapplied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tessera_migrations',
    migrationLockTableName: 'tessera_migrations_lock',
    // On PostgreSQL, keep the bookkeeping in the schema Tessera runs in: another schema of the same
    // database may hold another Tessera, whose tables must not be mistaken for ours.
    ...(dialectOf(db) === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}
